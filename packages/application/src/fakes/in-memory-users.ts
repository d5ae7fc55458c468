import { ConflictError, type Role, type User } from '@exam-reservation/domain';
import type { NewUser, Users, UserWithPassword } from '../ports/index.js';
import type { State } from './in-memory-state.js';

/** Accounts over the in-memory state of `InMemoryStore`. */
export class InMemoryUsers implements Users {
  constructor(private readonly state: State) {}

  async findById(id: number): Promise<User | null> {
    const found = this.state.users.get(id);
    if (!found) return null;
    const { passwordHash: _, ...user } = found;
    return user;
  }

  async findManyById(ids: readonly number[]): Promise<User[]> {
    const found: User[] = [];
    for (const id of new Set(ids)) {
      const user = await this.findById(id);
      if (user) found.push(user);
    }
    return found;
  }

  async findByEmail(email: string): Promise<UserWithPassword | null> {
    for (const user of this.state.users.values()) if (user.email === email) return user;
    return null;
  }

  async insert(user: NewUser): Promise<User> {
    if (await this.findByEmail(user.email)) throw new ConflictError();
    const created: UserWithPassword = { ...user, id: this.state.nextUserId++ };
    this.state.users.set(created.id, created);
    const { passwordHash: _, ...result } = created;
    return result;
  }

  async setRole(id: number, role: Role): Promise<void> {
    const user = this.state.users.get(id);
    if (user) this.state.users.set(id, { ...user, role });
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    const user = this.state.users.get(id);
    if (user) this.state.users.set(id, { ...user, passwordHash });
  }
}
