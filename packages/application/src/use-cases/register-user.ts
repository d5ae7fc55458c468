import { normalizeEmail, type User, validateRegistration } from '@exam-reservation/domain';
import type { Clock, PasswordHasher, UnitOfWork } from '../ports/index.js';

export interface RegisterUserCommand {
  readonly email: string;
  readonly password: string;
  readonly userName: string;
  /** What the caller asked for; only `user` is allowed. */
  readonly role?: string | undefined;
}

/** Self-registration of a candidate account. */
export class RegisterUser {
  constructor(private readonly deps: { uow: UnitOfWork; clock: Clock; passwordHasher: PasswordHasher }) {}

  /** @throws ForbiddenError (admin role) | ValidationError | ConflictError (e-mail taken) */
  async execute(command: RegisterUserCommand): Promise<User> {
    validateRegistration(command);
    const passwordHash = await this.deps.passwordHasher.hash(command.password);
    return this.deps.uow.run((stores) =>
      stores.users.insert({
        email: normalizeEmail(command.email),
        // Stored as sent: the rules refuse what cannot be kept exactly.
        userName: command.userName,
        passwordHash,
        role: 'user',
        createdAt: this.deps.clock.now(),
      }),
    );
  }
}
