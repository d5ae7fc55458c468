/** One throttling rule: at most `maxFailures` failed log-ins per `key` within `windowMs`. */
export interface LoginLimit {
  /** What is counted: an account, a client address, or an account from one address. */
  readonly key: string;
  readonly maxFailures: number;
  readonly windowMs: number;
}

/** A log-in attempt that {@link LoginAttempts.begin} counted, undecided until told otherwise. */
export interface CountedAttempt {
  readonly keys: readonly string[];
  /** Names this attempt's count among the others (epoch microseconds, made unique). */
  readonly stamp: number;
}

/**
 * How long an attempt may stay undecided (neither {@link LoginAttempts.succeeded}
 * nor {@link LoginAttempts.failed}) before it counts as a failure: its process
 * may have died while checking the password.
 */
export const UNDECIDED_ATTEMPT_MS = 60_000;

/**
 * Failed log-ins, counted per key to slow down password guessing, in a place
 * every API process shares. Checking and counting are one atomic step: an
 * attempt is counted as soon as it is let through, as undecided, and then
 * either taken back (the password was right) or kept as a failure. So a
 * burst of parallel guesses cannot all pass the check before the first of
 * them is counted; and a burst of right passwords is not refused for attempts
 * that were never failures, only held until they are decided.
 */
export interface LoginAttempts {
  /**
   * Lets one attempt through and counts it on every limit's key, undecided;
   * or refuses it, counting nothing: with RateLimitedError when any key
   * already has `maxFailures` failures within its window, or with `null` when
   * a key is full only with undecided attempts (try again once they are
   * decided: they may turn out right and be taken back).
   * @throws RateLimitedError with the seconds until the attempt would be let through
   */
  begin(limits: readonly LoginLimit[], now: number): Promise<CountedAttempt | null>;
  /**
   * The attempt's password was right: its count is taken back from every
   * key, and the keys in `forget` lose all their failures.
   */
  succeeded(attempt: CountedAttempt, forget: readonly string[]): Promise<void>;
  /** The attempt's password was wrong: it stays counted, as a failure. */
  failed(attempt: CountedAttempt): Promise<void>;
  /**
   * The attempt ended without a verdict on its password (a fault while
   * checking it): its count is taken back, as for a success, since the client
   * learned nothing; no key is forgotten.
   */
  abandoned(attempt: CountedAttempt): Promise<void>;
  /**
   * Forgets every count (failures and undecided attempts) of the keys named
   * in `keys` and of every key that starts with one of `prefixes`: an
   * admin's unlock of an account, from every address.
   */
  clear(keys: readonly string[], prefixes: readonly string[]): Promise<void>;
}
