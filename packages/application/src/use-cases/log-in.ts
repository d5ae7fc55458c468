import { normalizeEmail, UnauthorizedError } from '@exam-reservation/domain';
import type {
  Clock,
  IssuedToken,
  LoginAttempts,
  PasswordHasher,
  TokenIssuer,
  UnitOfWork,
} from '../ports/index.js';

export interface LogInCommand {
  readonly email: string;
  readonly password: string;
  /** Where the request came from, for rate limiting. */
  readonly address: string;
}

/**
 * Exchanges e-mail and password for an access token. A wrong e-mail and a
 * wrong password get the same answer, after the same amount of hashing work.
 */
export class LogIn {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      clock: Clock;
      passwordHasher: PasswordHasher;
      tokenIssuer: TokenIssuer;
      loginAttempts: LoginAttempts;
    },
  ) {}

  /** @throws RateLimitedError | UnauthorizedError */
  async execute(command: LogInCommand): Promise<IssuedToken> {
    const { uow, clock, passwordHasher, tokenIssuer, loginAttempts } = this.deps;
    const email = normalizeEmail(command.email);
    const keys = [`account:${email}`, `address:${command.address}`];
    await loginAttempts.assertAllowed(keys, clock.now());
    const user = await uow.read((stores) => stores.users.findByEmail(email));
    // Verify against a throwaway hash when the account does not exist, so the
    // response time does not tell which e-mails are registered.
    this.dummyHash ??= passwordHasher.hash('not-a-real-password-for-timing');
    const ok = await passwordHasher.verify(user?.passwordHash ?? (await this.dummyHash), command.password);
    if (!user || !ok) {
      await loginAttempts.recordFailure(keys, clock.now());
      throw new UnauthorizedError('wrong e-mail or password');
    }
    await loginAttempts.reset([`account:${email}`]);
    return tokenIssuer.issue({ userId: user.id, role: user.role });
  }
}
