import { type FieldError, ForbiddenError, LastAdminError, ValidationError } from './errors.js';
import type { Role } from './reservation.js';
import { isStorableText, textProblem } from './text.js';

/** An account as the rules see it (never its password). */
export interface User {
  readonly id: number;
  readonly email: string;
  readonly userName: string;
  readonly role: Role;
  /** epoch ms */
  readonly createdAt: number;
}

/** What someone registering sends: checked by {@link validateRegistration}. */
export interface Registration {
  readonly email: string;
  readonly password: string;
  readonly userName: string;
  /** The role the caller asked for, if any. */
  readonly role?: string | undefined;
}

// No white space, control or format characters, and one @ with a dot after it.
const EMAIL = /^[^\s@\p{Cc}\p{Cf}]+@[^\s@\p{Cc}\p{Cf}]+\.[^\s@\p{Cc}\p{Cf}]+$/u;

/** E-mail addresses compare case-insensitively, without surrounding space. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Whether `email` (normalized) has the form registration accepts for an e-mail address. */
export function isEmailAddress(email: string): boolean {
  return email.length <= 254 && isStorableText(email) && EMAIL.test(email);
}

/**
 * Self-registration rules: a plausible e-mail of at most 254 characters, a
 * password of 8–128 characters (no NUL or unpaired surrogate: it could not be
 * hashed as sent), a user name of 1–100 characters with no control
 * characters and not only white space, and never the admin role (admins are
 * made by operators).
 * @throws ForbiddenError for `role: "admin"`; ValidationError otherwise
 */
export function validateRegistration(registration: Registration): void {
  if (registration.role !== undefined && registration.role !== 'user') {
    if (registration.role === 'admin') throw new ForbiddenError('an account cannot register itself as admin');
    throw ValidationError.of('role', 'must be "user"');
  }
  const errors: FieldError[] = [];
  if (!isEmailAddress(normalizeEmail(registration.email)))
    errors.push({ path: 'email', message: 'not an e-mail address' });
  const passwordProblem = problemWithPassword(registration.password);
  if (passwordProblem) errors.push({ path: 'password', message: passwordProblem });
  const nameProblem = textProblem(registration.userName, 100);
  if (nameProblem) errors.push({ path: 'user_name', message: nameProblem });
  if (errors.length > 0) throw new ValidationError(errors);
}

/** What is wrong with a new password under the registration rules, or undefined when nothing is. */
function problemWithPassword(password: string): string | undefined {
  if (!isStorableText(password)) return 'must not contain NUL or unpaired surrogate characters';
  const length = [...password].length;
  if (length < 8 || length > 128) return 'must be 8–128 characters';
  return undefined;
}

/**
 * A new password (a password change) follows the registration rules: 8–128
 * characters, no NUL or unpaired surrogate.
 * @param path the field's API name in the refusal
 * @throws ValidationError
 */
export function validateNewPassword(password: string, path: string): void {
  const problem = problemWithPassword(password);
  if (problem) throw ValidationError.of(path, problem);
}

/**
 * A demotion leaves at least one admin: another admin than `demoted` must be
 * among `admins` (read, and held, in the unit of work that demotes).
 * @throws LastAdminError
 */
export function assertAdminRemains(admins: readonly number[], demoted: number): void {
  if (!admins.some((id) => id !== demoted)) throw new LastAdminError();
}
