import { RateLimitedError } from '@exam-reservation/domain';
import type { LoginAttempts } from '../ports/index.js';

export interface LoginAttemptsOptions {
  /** Failures allowed per key within the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

/**
 * Sliding-window failure counts held in this process. Enough for one API
 * process; several processes each keep their own counts, so the limit a
 * guesser meets is per process.
 */
export class InMemoryLoginAttempts implements LoginAttempts {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: LoginAttemptsOptions = { maxFailures: 5, windowMs: 15 * 60_000 }) {}

  async assertAllowed(keys: readonly string[], now: number): Promise<void> {
    let retryAt = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.options.maxFailures) {
        retryAt = Math.max(
          retryAt,
          recent[recent.length - this.options.maxFailures]! + this.options.windowMs,
        );
      }
    }
    if (retryAt > 0) throw new RateLimitedError(Math.max(1, Math.ceil((retryAt - now) / 1000)));
  }

  async recordFailure(keys: readonly string[], now: number): Promise<void> {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > 100_000) this.prune(now);
  }

  async reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) {
      const recent = this.recent(key, now);
      if (recent.length === 0) this.failures.delete(key);
      else this.failures.set(key, recent);
    }
  }
}
