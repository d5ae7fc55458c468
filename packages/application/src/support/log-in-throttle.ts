import { RateLimitedError } from '@exam-reservation/domain';
import type { Clock, CountedAttempt, LoginAttempts, LoginLimit } from '../ports/index.js';

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
 * The limits a log-in (or a password change, which proves the password the
 * same way) of `email` from `address` counts against, and the key of the
 * account from that address, whose failures a right password forgets.
 * @param email normalized
 */
export function logInLimits(
  throttle: LogInThrottle,
  email: string,
  address: string,
): { limits: LoginLimit[]; accountFromAddress: string } {
  const accountFromAddress = `account+address:${email} ${address}`;
  return {
    accountFromAddress,
    limits: [
      { key: accountFromAddress, ...throttle.perAccountAndAddress },
      { key: `address:${address}`, ...throttle.perAddress },
      { key: `account:${email}`, ...throttle.perAccount },
    ],
  };
}

/**
 * The keys of an account's counts from every address (what an unlock
 * clears), as {@link LoginAttempts.clear} takes them. E-mails hold no white
 * space, so the prefix names this account's keys only.
 * @param email normalized
 */
export function accountKeys(email: string): { keys: string[]; prefixes: string[] } {
  return { keys: [`account:${email}`], prefixes: [`account+address:${email} `] };
}

/** Counts log-in attempts against their limits, waiting a while behind attempts still being checked. */
export class ThrottledAttempts {
  /** Attempts of this process waiting for undecided ones (see begin). */
  private waiting = 0;

  constructor(
    private readonly loginAttempts: LoginAttempts,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts the attempt; while a limit is full only with attempts still being
   * checked (log-ins sent together, right passwords among them), tries again
   * after growing pauses (to 2 s), for {@link UNDECIDED_WAIT_MS} at most, and
   * with at most {@link MAX_WAITING} attempts of this process waiting; past
   * either, refuses with `Retry-After: 1` (nothing failed: try again soon).
   */
  async begin(limits: readonly LoginLimit[]): Promise<CountedAttempt> {
    const { loginAttempts, clock } = this;
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
