import { normalizeEmail, type User, validateRegistration } from '@exam-reservation/domain';
import type { Clock, PasswordHasher, UnitOfWork } from '../ports/index.js';

export interface EnsureAdminCommand {
  readonly email: string;
  readonly password: string;
  readonly userName?: string | undefined;
}

/**
 * Operator bootstrap: creates an admin account with these credentials, or
 * promotes the existing account with that e-mail (and sets its password).
 * Idempotent.
 */
export class EnsureAdmin {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; passwordHasher: PasswordHasher }) {}

  async execute(command: EnsureAdminCommand): Promise<{ user: User; created: boolean }> {
    const email = normalizeEmail(command.email);
    const userName = command.userName ?? email.split('@')[0] ?? 'admin';
    validateRegistration({ email, password: command.password, userName });
    const passwordHash = await this.deps.passwordHasher.hash(command.password);
    return this.deps.uow.run(async (stores) => {
      const existing = await stores.users.findByEmail(email);
      if (existing) {
        await stores.users.setRole(existing.id, 'admin');
        await stores.users.setPasswordHash(existing.id, passwordHash);
        const { passwordHash: _, ...user } = existing;
        return { user: { ...user, role: 'admin' as const }, created: false };
      }
      const user = await stores.users.insert({
        email,
        userName,
        passwordHash,
        role: 'admin',
        createdAt: this.deps.clock.now(),
      });
      return { user, created: true };
    });
  }
}
