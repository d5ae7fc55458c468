import type { Role, User } from '@exam-reservation/domain';

/**
 * An account with what signing in checks besides the role: the version of
 * its tokens. Each password change raises it; a token carries the version it
 * was issued under and is refused once that is no longer the account's.
 */
export interface Account extends User {
  /** 0 for an account whose password never changed. */
  readonly tokenVersion: number;
}

export interface UserWithPassword extends Account {
  readonly passwordHash: string;
}

export interface NewUser {
  /** Already normalized. */
  readonly email: string;
  readonly userName: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdAt: number;
}

/** Which accounts one page of {@link Users.list} holds. */
export interface UserListQuery {
  /** Only the account with this (normalized) e-mail. */
  readonly email?: string | undefined;
  readonly role?: Role | undefined;
  readonly offset: number;
  readonly limit: number;
}

/** One page of accounts, by id, and how many match in all. */
export interface UserPage {
  readonly items: readonly User[];
  readonly total: number;
}

export interface Users {
  findById(id: number): Promise<User | null>;
  /** The accounts with these ids that exist, in any order, with their token versions. */
  findManyById(ids: readonly number[]): Promise<Account[]>;
  /** @param email normalized */
  findByEmail(email: string): Promise<UserWithPassword | null>;
  /** Accounts ordered by id, filtered as the query says (never their password hashes). */
  list(query: UserListQuery): Promise<UserPage>;
  /** @throws ConflictError when the e-mail is taken */
  insert(user: NewUser): Promise<User>;
  setRole(id: number, role: Role): Promise<void>;
  /** Sets the hash and keeps the token version (the operator's password reset at start). */
  setPasswordHash(id: number, passwordHash: string): Promise<void>;
  /**
   * Sets the hash and raises the token version by one, so every token issued
   * before is refused from now on; only if the version is still `fromVersion`
   * (the one the caller's token carries), so that of two changes made with
   * one token, only the first is made.
   * @returns the new token version; null when there is no such account, or
   *   its version is no longer `fromVersion`
   */
  changePassword(id: number, passwordHash: string, fromVersion: number): Promise<number | null>;
  /**
   * The ids of every admin account, each admin's row locked until the unit of
   * work ends: two units that both read the admins to decide a demotion take
   * turns, and the second sees the first's change.
   */
  lockAdmins(): Promise<number[]>;
}
