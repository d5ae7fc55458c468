/** One throttling rule: at most `maxFailures` failed log-ins per `key` within `windowMs`. */
export interface LoginLimit {
  /** What is counted: an account, a client address, or an account from one address. */
  readonly key: string;
  readonly maxFailures: number;
  readonly windowMs: number;
}

/** A log-in attempt that {@link LoginAttempts.begin} counted as a failure until told otherwise. */
export interface CountedAttempt {
  readonly keys: readonly string[];
  /** Names this attempt's count among the others (epoch microseconds, made unique). */
  readonly stamp: number;
}

/**
 * Failed log-ins, counted per key to slow down password guessing, in a place
 * every API process shares. Checking and counting are one atomic step: an
 * attempt is counted as a failure as soon as it is let through, and the
 * count is taken back if the password was right. So a burst of parallel
 * guesses cannot all pass the check before the first of them is counted.
 */
export interface LoginAttempts {
  /**
   * Lets one attempt through and counts it as a failure on every limit's
   * key, or refuses it, counting nothing, when any key already has its
   * `maxFailures` within its window.
   * @throws RateLimitedError with the seconds until the attempt would be let through
   */
  begin(limits: readonly LoginLimit[], now: number): Promise<CountedAttempt>;
  /**
   * The attempt's password was right: its count is taken back from every
   * key, and the keys in `forget` lose all their failures.
   */
  succeeded(attempt: CountedAttempt, forget: readonly string[]): Promise<void>;
}
