import type { Role, User } from '@exam-reservation/domain';

export interface UserWithPassword extends User {
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

export interface Users {
  findById(id: number): Promise<User | null>;
  /** The users with these ids that exist, in any order. */
  findManyById(ids: readonly number[]): Promise<User[]>;
  /** @param email normalized */
  findByEmail(email: string): Promise<UserWithPassword | null>;
  /** @throws ConflictError when the e-mail is taken */
  insert(user: NewUser): Promise<User>;
  setRole(id: number, role: Role): Promise<void>;
  setPasswordHash(id: number, passwordHash: string): Promise<void>;
}
