/** Counts failed log-ins per key (an account, an address) to slow down guessing. */
export interface LoginAttempts {
  /** @throws RateLimitedError when any key has failed too often lately */
  assertAllowed(keys: readonly string[], now: number): Promise<void>;
  recordFailure(keys: readonly string[], now: number): Promise<void>;
  /** Forgets failures after a successful log-in. */
  reset(keys: readonly string[]): Promise<void>;
}
