/**
 * Stamps for counted log-in attempts: epoch microseconds, the sub-millisecond
 * part a counter, so two attempts of one process never share a stamp (taking
 * one back must not take back another). Attempts of two processes in the
 * same millisecond may, one time in a thousand; taking back one then
 * forgets one failure too many, which errs towards the user.
 */
export function attemptStamps(): (now: number) => number {
  let counter = Math.floor(Math.random() * 1000);
  return (now: number) => {
    counter = (counter + 1) % 1000;
    return Math.floor(now) * 1000 + counter;
  };
}
