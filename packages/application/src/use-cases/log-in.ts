import { normalizeEmail, RateLimitedError, UnauthorizedError } from '@exam-reservation/domain';
import type {
  Clock,
  CountedAttempt,
  IssuedToken,
  LoginAttempts,
  LoginLimit,
  PasswordHasher,
  TokenIssuer,
  UnitOfWork,
  UserWithPassword,
} from '../ports/index.js';

export interface LogInCommand {
  readonly email: string;
  readonly password: string;
  /** Where the request came from, for throttling (an IPv6 client by its /64). */
  readonly address: string;
  /** Aborted when the client went away: a password still waiting to be checked is not. */
  readonly signal?: AbortSignal | undefined;
}

/** How many failed log-ins are let through, per key, before 429. */
export interface LogInThrottle {
  /** Per account from one address (default 5 in 15 minutes). */
  readonly perAccountAndAddress: { readonly maxFailures: number; readonly windowMs: number };
  /** Per address, across accounts (default 50 in 15 minutes). */
  readonly perAddress: { readonly maxFailures: number; readonly windowMs: number };
  /** Per account, from all addresses (default 100 in an hour). */
  readonly perAccount: { readonly maxFailures: number; readonly windowMs: number };
}

/** The limits of the HTTP contract. */
export const DEFAULT_LOG_IN_THROTTLE: LogInThrottle = {
  perAccountAndAddress: { maxFailures: 5, windowMs: 15 * 60_000 },
  perAddress: { maxFailures: 50, windowMs: 15 * 60_000 },
  perAccount: { maxFailures: 100, windowMs: 60 * 60_000 },
};

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
  /** Attempts of this process waiting for undecided ones (see begin). */
  private waiting = 0;

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
  }

  /** @throws RateLimitedError | UnauthorizedError */
  async execute(command: LogInCommand): Promise<IssuedToken> {
    const { uow, passwordHasher, tokenIssuer, loginAttempts } = this.deps;
    const email = normalizeEmail(command.email);
    const { perAccountAndAddress, perAddress, perAccount } = this.throttle;
    const accountFromAddress = `account+address:${email} ${command.address}`;
    const limits: LoginLimit[] = [
      { key: accountFromAddress, ...perAccountAndAddress },
      { key: `address:${command.address}`, ...perAddress },
      { key: `account:${email}`, ...perAccount },
    ];
    const attempt = await this.begin(limits);
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
    return tokenIssuer.issue({ userId: user.id, role: user.role });
  }

  /** A hash to check unknown e-mails against; made once, or again if making it was refused. */
  private dummy(): Promise<string> {
    this.dummyHash ??= this.deps.passwordHasher.hash('not-a-real-password-for-timing').catch((error) => {
      this.dummyHash = undefined;
      throw error;
    });
    return this.dummyHash;
  }

  /**
   * Counts the attempt; while a limit is full only with attempts still being
   * checked (log-ins sent together, right passwords among them), tries again
   * after growing pauses (to 2 s), for {@link UNDECIDED_WAIT_MS} at most, and
   * with at most {@link MAX_WAITING} attempts of this process waiting; past
   * either, refuses with `Retry-After: 1` (nothing failed: try again soon).
   */
  private async begin(limits: readonly LoginLimit[]): Promise<CountedAttempt> {
    const { loginAttempts, clock } = this.deps;
    const first = await loginAttempts.begin(limits, clock.now());
    if (first) return first;
    if (this.waiting >= MAX_WAITING) throw new RateLimitedError(1);
    this.waiting++;
    try {
      const since = performance.now();
      for (let pause = 10; ; pause = Math.min(pause * 2, 2_000)) {
        // Jitter: attempts that found the limit full together do not all come back together.
        await new Promise((resolve) => setTimeout(resolve, Math.round(pause * (0.5 + Math.random()))));
        const attempt = await loginAttempts.begin(limits, clock.now());
        if (attempt) return attempt;
        if (performance.now() - since >= UNDECIDED_WAIT_MS) throw new RateLimitedError(1);
      }
    } finally {
      this.waiting--;
    }
  }
}

/**
 * Log-in attempts of one process waiting at most for others to be decided:
 * each asks the store again every 2 s at most, so this bounds that work (and
 * the requests held open).
 */
const MAX_WAITING = 1_000;

/**
 * How long an attempt waits, at most, for attempts still being checked that
 * fill a limit. Checks queue for the password hasher (a few at a time), so a
 * crowd of log-ins sent at once from one address takes a while (`pnpm
 * bench:login`, BENCHMARKS.md). Past this, something is stuck.
 */
const UNDECIDED_WAIT_MS = 30_000;
