import { RateLimitedError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryLoginAttempts } from '../fakes/in-memory-login-attempts.js';
import { attemptStamps } from './attempt-stamps.js';

describe('attemptStamps', () => {
  it('strictly increases within a process, for attempts in one millisecond and when the clock steps back', () => {
    // Each generator starts at a random offset: many of them cover the offsets
    // near the end of a millisecond, where a counter that wraps would go back.
    for (let run = 0; run < 2000; run++) {
      const next = attemptStamps();
      const stamps = [1000, 1000, 1000, 1000, 1000, 1000, 999, 1001].map((now) => next(now));
      for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1]!);
    }
  });

  it('stays within the millisecond of `now` while the clock moves on', () => {
    const next = attemptStamps();
    for (const now of [5_000, 5_001, 5_017, 9_999_999]) {
      const stamp = next(now);
      expect(Math.floor(stamp / 1000)).toBe(now);
    }
  });

  it('never makes a wait longer than the window, whichever offset a process drew', async () => {
    const limits = [{ key: 'account:a', maxFailures: 5, windowMs: 15 * 60_000 }];
    for (let run = 0; run < 500; run++) {
      const attempts = new InMemoryLoginAttempts();
      for (let i = 0; i < 5; i++) {
        const attempt = await attempts.begin(limits, 1_000);
        if (attempt) await attempts.failed(attempt);
      }
      const refused = await attempts.begin(limits, 1_000).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    }
  });
});
