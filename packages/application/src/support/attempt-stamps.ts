/**
 * Stamps for counted log-in attempts: epoch microseconds, strictly
 * increasing within a process, so two attempts of one process never share a
 * stamp (taking one back must not take back another), and a later attempt
 * never has an earlier stamp, even when several fall in one millisecond or
 * the clock steps back (a wait computed from stamps is then never longer
 * than the window). The sub-millisecond part starts at an offset chosen at
 * random per process, so attempts of two processes in the same millisecond
 * share a stamp only one time in a thousand; taking back one then forgets
 * one failure too many, which errs towards the user.
 */
export function attemptStamps(): (now: number) => number {
  const offset = Math.floor(Math.random() * 1000);
  let last = Number.NEGATIVE_INFINITY;
  return (now: number) => {
    last = Math.max(last + 1, Math.floor(now) * 1000 + offset);
    return last;
  };
}
