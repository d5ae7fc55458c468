import { RateLimitedError } from '@exam-reservation/domain';
import type { CountedAttempt, LoginAttempts, LoginLimit } from '../ports/index.js';
import { attemptStamps } from '../support/attempt-stamps.js';

/**
 * Failed log-ins counted in this process: for tests, simulations and a
 * single process. Its steps run synchronously, so check and count are atomic
 * here too; several processes would each keep counts of their own.
 */
export class InMemoryLoginAttempts implements LoginAttempts {
  /** key → failure stamps (epoch µs), oldest first. */
  private readonly failures = new Map<string, number[]>();
  private readonly nextStamp = attemptStamps();

  async begin(limits: readonly LoginLimit[], now: number): Promise<CountedAttempt> {
    const stamp = this.nextStamp(now);
    let waitUs = 0;
    for (const { key, maxFailures, windowMs } of limits) {
      const recent = this.recent(key, stamp, windowMs);
      if (recent.length >= maxFailures) {
        waitUs = Math.max(waitUs, recent[recent.length - maxFailures]! + windowMs * 1000 - stamp);
      }
    }
    if (waitUs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitUs / 1_000_000)));
    for (const { key, windowMs } of limits)
      this.failures.set(key, [...this.recent(key, stamp, windowMs), stamp]);
    if (this.failures.size > 100_000) this.prune(stamp);
    return { keys: limits.map((l) => l.key), stamp };
  }

  async succeeded(attempt: CountedAttempt, forget: readonly string[]): Promise<void> {
    for (const key of attempt.keys) {
      const stamps = this.failures.get(key);
      if (stamps)
        this.failures.set(
          key,
          stamps.filter((s) => s !== attempt.stamp),
        );
    }
    for (const key of forget) this.failures.delete(key);
  }

  private recent(key: string, stamp: number, windowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((s) => s > stamp - windowMs * 1000);
  }

  /** Forgets keys with no failure in the last day. */
  private prune(stamp: number): void {
    for (const [key, stamps] of this.failures) {
      if ((stamps[stamps.length - 1] ?? 0) < stamp - 86_400_000_000) this.failures.delete(key);
    }
  }
}
