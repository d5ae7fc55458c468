/** The current time. Rules never read the clock themselves; use cases pass `now` in. */
export interface Clock {
  /** epoch milliseconds */
  now(): number;
}
