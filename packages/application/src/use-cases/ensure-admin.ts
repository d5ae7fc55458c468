import {
  ConflictError,
  normalizeEmail,
  type User,
  ValidationError,
  validateRegistration,
} from '@exam-reservation/domain';
import type { Clock, PasswordHasher, UnitOfWork } from '../ports/index.js';

/** What {@link EnsureAdmin} does with an account that already has the e-mail. */
export type ExistingAccountPolicy =
  /** Make it an admin and give it the password of the command (`ADMIN_EMAIL`/`ADMIN_PASSWORD` at start). */
  | 'reset'
  /** Make it an admin; its password, id and sessions are kept (`create-admin --promote`). */
  | 'promote'
  /** Change nothing and throw a {@link ConflictError} (`create-admin` without `--promote`). */
  | 'refuse';

export interface EnsureAdminCommand {
  readonly email: string;
  /** The new account's password; with `existing: 'reset'` also an existing account's. Needed unless the account exists and is only promoted. */
  readonly password?: string | undefined;
  readonly userName?: string | undefined;
  /** Default `reset`. */
  readonly existing?: ExistingAccountPolicy | undefined;
}

export interface EnsureAdminResult {
  readonly user: User;
  readonly created: boolean;
  /** `created`: a new admin account; `promoted`: an existing user is now an admin; `already_admin`: it was one. */
  readonly outcome: 'created' | 'promoted' | 'already_admin';
  /** The account's password is now the command's (a new account, or `existing: 'reset'`). */
  readonly passwordSet: boolean;
}

/**
 * Operator bootstrap: creates an admin account with these credentials, or
 * deals with the existing account with that e-mail as `existing` says.
 * Idempotent for `reset` and `promote`.
 */
export class EnsureAdmin {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; passwordHasher: PasswordHasher }) {}

  async execute(command: EnsureAdminCommand): Promise<EnsureAdminResult> {
    const policy = command.existing ?? 'reset';
    const email = normalizeEmail(command.email);
    const userName = command.userName ?? email.split('@')[0] ?? 'admin';
    const { password } = command;
    if (password !== undefined) validateRegistration({ email, password, userName });
    else if (policy !== 'promote') throw ValidationError.of('password', 'is required');
    const passwordHash = password === undefined ? undefined : await this.deps.passwordHasher.hash(password);
    return this.deps.uow.run(async (stores) => {
      const existing = await stores.users.findByEmail(email);
      if (existing) {
        if (policy === 'refuse') {
          throw new ConflictError(
            `an account with e-mail ${email} exists already (${existing.role === 'admin' ? 'an admin' : 'a user'}); nothing changed`,
          );
        }
        const wasAdmin = existing.role === 'admin';
        if (!wasAdmin) await stores.users.setRole(existing.id, 'admin');
        const passwordSet = policy === 'reset' && passwordHash !== undefined;
        if (passwordSet) await stores.users.setPasswordHash(existing.id, passwordHash);
        const { passwordHash: _, tokenVersion: __, ...user } = existing;
        return {
          user: { ...user, role: 'admin' as const },
          created: false,
          outcome: wasAdmin ? 'already_admin' : 'promoted',
          passwordSet,
        };
      }
      if (passwordHash === undefined) {
        throw ValidationError.of('email', `no account has the e-mail ${email}; give a password to create it`);
      }
      const user = await stores.users.insert({
        email,
        userName,
        passwordHash,
        role: 'admin',
        createdAt: this.deps.clock.now(),
      });
      return { user, created: true, outcome: 'created', passwordSet: true };
    });
  }
}
