import { RateLimitedError } from '@exam-reservation/domain';
import {
  type CountedAttempt,
  type LoginAttempts,
  type LoginLimit,
  UNDECIDED_ATTEMPT_MS,
} from '../ports/index.js';
import { attemptStamps } from '../support/attempt-stamps.js';

/**
 * Failed log-ins counted in this process: for tests, simulations and a
 * single process. Its steps run synchronously, so check and count are atomic
 * here too; several processes would each keep counts of their own.
 */
export class InMemoryLoginAttempts implements LoginAttempts {
  /** key → counted stamps (epoch µs), oldest first: failures and undecided attempts. */
  private readonly failures = new Map<string, number[]>();
  /** Stamps of attempts neither succeeded nor failed yet (unique in this process). */
  private readonly undecided = new Set<number>();
  private readonly nextStamp = attemptStamps();

  async begin(limits: readonly LoginLimit[], now: number): Promise<CountedAttempt | null> {
    const stamp = this.nextStamp(now);
    const stillUndecided = (s: number) => this.undecided.has(s) && s > stamp - UNDECIDED_ATTEMPT_MS * 1000;
    let waitUs = 0;
    let full = false;
    for (const { key, maxFailures, windowMs } of limits) {
      const recent = this.recent(key, stamp, windowMs);
      const failed = recent.filter((s) => !stillUndecided(s));
      if (failed.length >= maxFailures) {
        waitUs = Math.max(waitUs, failed[failed.length - maxFailures]! + windowMs * 1000 - stamp);
      } else if (recent.length >= maxFailures) {
        full = true;
      }
    }
    if (waitUs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitUs / 1_000_000)));
    if (full) return null;
    for (const { key, windowMs } of limits)
      this.failures.set(key, [...this.recent(key, stamp, windowMs), stamp]);
    this.undecided.add(stamp);
    if (this.failures.size > 100_000) this.prune(stamp);
    return { keys: limits.map((l) => l.key), stamp };
  }

  async succeeded(attempt: CountedAttempt, forget: readonly string[]): Promise<void> {
    this.undecided.delete(attempt.stamp);
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

  async abandoned(attempt: CountedAttempt): Promise<void> {
    await this.succeeded(attempt, []);
  }

  async failed(attempt: CountedAttempt): Promise<void> {
    this.undecided.delete(attempt.stamp);
  }

  async clear(keys: readonly string[], prefixes: readonly string[]): Promise<void> {
    for (const key of [...this.failures.keys()]) {
      if (keys.includes(key) || prefixes.some((prefix) => key.startsWith(prefix))) this.failures.delete(key);
    }
  }

  private recent(key: string, stamp: number, windowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((s) => s > stamp - windowMs * 1000);
  }

  /** Forgets keys with no failure in the last day, and attempts left undecided longer than that. */
  private prune(stamp: number): void {
    for (const [key, stamps] of this.failures) {
      if ((stamps[stamps.length - 1] ?? 0) < stamp - 86_400_000_000) this.failures.delete(key);
    }
    for (const s of this.undecided) if (s < stamp - 86_400_000_000) this.undecided.delete(s);
  }
}
