import { normalizeEmail, UnauthorizedError } from '@exam-reservation/domain';
import type {
  Clock,
  IssuedToken,
  LoginAttempts,
  PasswordHasher,
  TokenIssuer,
  UnitOfWork,
  UserWithPassword,
} from '../ports/index.js';
import {
  DEFAULT_LOG_IN_THROTTLE,
  type LogInThrottle,
  logInLimits,
  ThrottledAttempts,
} from '../support/log-in-throttle.js';

export { DEFAULT_LOG_IN_THROTTLE, type LogInThrottle } from '../support/log-in-throttle.js';

export interface LogInCommand {
  readonly email: string;
  readonly password: string;
  /** Where the request came from, for throttling (an IPv6 client by its /64). */
  readonly address: string;
  /** Aborted when the client went away: a password still waiting to be checked is not. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Exchanges e-mail and password for an access token; a wrong e-mail and a
 * wrong password get the same answer after the same hashing work. Each
 * attempt is counted before its password is checked (and taken back if it was
 * right), so parallel guesses cannot all pass the limit; one that finds a
 * limit full only of attempts still being checked waits instead of being
 * refused, so right passwords sent together all get in. The tightest limit is
 * per account and address, so a stranger guessing elsewhere cannot lock the
 * owner out; the per-address and per-account limits stop wider guessing.
 */
export class LogIn {
  private dummyHash: Promise<string> | undefined;
  private readonly throttle: LogInThrottle;
  private readonly attempts: ThrottledAttempts;

  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      clock: Clock;
      passwordHasher: PasswordHasher;
      tokenIssuer: TokenIssuer;
      loginAttempts: LoginAttempts;
      throttle?: LogInThrottle;
    },
  ) {
    this.throttle = deps.throttle ?? DEFAULT_LOG_IN_THROTTLE;
    this.attempts = new ThrottledAttempts(deps.loginAttempts, deps.clock);
  }

  /** @throws RateLimitedError | UnauthorizedError */
  async execute(command: LogInCommand): Promise<IssuedToken> {
    const { uow, passwordHasher, tokenIssuer, loginAttempts } = this.deps;
    const email = normalizeEmail(command.email);
    const { limits, accountFromAddress } = logInLimits(this.throttle, email, command.address);
    const attempt = await this.attempts.begin(limits);
    let ok: boolean;
    let user: UserWithPassword | null;
    try {
      user = await uow.read((stores) => stores.users.findByEmail(email));
      // Verify against a throwaway hash when the account does not exist, so the
      // response time does not tell which e-mails are registered.
      const hash = user?.passwordHash ?? (await this.dummy());
      ok = await passwordHasher.verify(hash, command.password, { signal: command.signal });
    } catch (error) {
      // No verdict (the store failed, the hasher was too busy, the client left): the attempt was
      // not a failure. If this fails too, the attempt counts as one after UNDECIDED_ATTEMPT_MS.
      await loginAttempts.abandoned(attempt).catch(() => undefined);
      throw error;
    }
    if (!user || !ok) {
      await loginAttempts.failed(attempt);
      throw new UnauthorizedError('wrong e-mail or password');
    }
    // The owner proved the password from this address: its failures there are forgotten.
    await loginAttempts.succeeded(attempt, [accountFromAddress]);
    return tokenIssuer.issue({ userId: user.id, role: user.role, tokenVersion: user.tokenVersion });
  }

  /** A hash to check unknown e-mails against; made once, or again if making it was refused. */
  private dummy(): Promise<string> {
    this.dummyHash ??= this.deps.passwordHasher.hash('not-a-real-password-for-timing').catch((error) => {
      this.dummyHash = undefined;
      throw error;
    });
    return this.dummyHash;
  }
}
