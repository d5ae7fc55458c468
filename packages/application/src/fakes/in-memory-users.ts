import { ConflictError, type Role, type User } from '@exam-reservation/domain';
import type { Account, NewUser, UserListQuery, UserPage, Users, UserWithPassword } from '../ports/index.js';
import type { State } from './in-memory-state.js';

/** The account without its secrets. */
const shown = ({ passwordHash: _, tokenVersion: __, ...user }: UserWithPassword): User => user;

/** Accounts over the in-memory state of `InMemoryStore`. */
export class InMemoryUsers implements Users {
  constructor(private readonly state: State) {}

  async findById(id: number): Promise<User | null> {
    const found = this.state.users.get(id);
    return found ? shown(found) : null;
  }

  async findManyById(ids: readonly number[]): Promise<Account[]> {
    const found: Account[] = [];
    for (const id of new Set(ids)) {
      const user = this.state.users.get(id);
      if (user) found.push({ ...shown(user), tokenVersion: user.tokenVersion });
    }
    return found;
  }

  async findByEmail(email: string): Promise<UserWithPassword | null> {
    for (const user of this.state.users.values()) if (user.email === email) return user;
    return null;
  }

  async list(query: UserListQuery): Promise<UserPage> {
    const matching = [...this.state.users.values()]
      .filter(
        (u) => (query.email === undefined || u.email === query.email) && (query.role ?? u.role) === u.role,
      )
      .sort((a, b) => a.id - b.id);
    return {
      items: matching.slice(query.offset, query.offset + query.limit).map(shown),
      total: matching.length,
    };
  }

  async insert(user: NewUser): Promise<User> {
    if (await this.findByEmail(user.email)) throw new ConflictError();
    const created: UserWithPassword = { ...user, id: this.state.nextUserId++, tokenVersion: 0 };
    this.state.users.set(created.id, created);
    return shown(created);
  }

  async setRole(id: number, role: Role): Promise<void> {
    const user = this.state.users.get(id);
    if (user) this.state.users.set(id, { ...user, role });
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    const user = this.state.users.get(id);
    if (user) this.state.users.set(id, { ...user, passwordHash });
  }

  async changePassword(id: number, passwordHash: string, fromVersion: number): Promise<number | null> {
    const user = this.state.users.get(id);
    if (!user || user.tokenVersion !== fromVersion) return null;
    const tokenVersion = user.tokenVersion + 1;
    this.state.users.set(id, { ...user, passwordHash, tokenVersion });
    return tokenVersion;
  }

  async lockAdmins(): Promise<number[]> {
    // A unit of work of the in-memory store runs alone: there is nothing to lock.
    return [...this.state.users.values()].filter((u) => u.role === 'admin').map((u) => u.id);
  }
}
