import { RateLimitedError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import {
  type CountedAttempt,
  type LoginAttempts,
  type LoginLimit,
  UNDECIDED_ATTEMPT_MS,
} from '../ports/index.js';
import { rejectionOf, T0 } from './fixtures.js';

/** Returns a fresh, empty `LoginAttempts` for one test. */
export type MakeLoginAttempts = () => Promise<LoginAttempts>;

const MINUTE = 60_000;

/**
 * The behaviour every `LoginAttempts` must share: an attempt is let through
 * and counted on every key at once, or refused (with the wait) and counted
 * nowhere; windows slide; a success takes its count back; attempts still
 * undecided make others wait (`null`) instead of refusing them, until they
 * are decided or too old; and check and count are one step even for many
 * attempts at once.
 */
export function describeLoginAttemptsContract(name: string, make: MakeLoginAttempts): void {
  describe(`${name}: LoginAttempts contract`, () => {
    const limit = (key: string, maxFailures = 3, windowMs = 10 * MINUTE): LoginLimit => ({
      key,
      maxFailures,
      windowMs,
    });

    /** Lets one attempt through (it must be) and records it as a wrong password. */
    async function fail(attempts: LoginAttempts, limits: readonly LoginLimit[], now: number): Promise<void> {
      const attempt = await attempts.begin(limits, now);
      expect(attempt).not.toBeNull();
      await attempts.failed(attempt!);
    }

    async function through(attempts: LoginAttempts, limits: readonly LoginLimit[], now: number) {
      const attempt = await attempts.begin(limits, now);
      expect(attempt).not.toBeNull();
      return attempt!;
    }

    it('lets maxFailures attempts through, then refuses with the seconds until the oldest leaves the window', async () => {
      const attempts = await make();
      const limits = [limit('account:a', 3, 10 * MINUTE)];
      await fail(attempts, limits, T0);
      await fail(attempts, limits, T0 + MINUTE);
      await fail(attempts, limits, T0 + 2 * MINUTE);
      const refused = await rejectionOf(attempts.begin(limits, T0 + 3 * MINUTE));
      expect(refused).toBeInstanceOf(RateLimitedError);
      // The first failure (T0) leaves the window at T0 + 10 min: 7 minutes from now.
      expect((refused as RateLimitedError).retryAfterSeconds).toBe(7 * 60);
      // Refusals are not counted: once the first failure leaves the window, one more goes through.
      await fail(attempts, limits, T0 + 10 * MINUTE + 1);
      expect(await rejectionOf(attempts.begin(limits, T0 + 10 * MINUTE + 2))).toBeInstanceOf(
        RateLimitedError,
      );
    });

    it('refuses when any key is at its limit, and then counts on none of them', async () => {
      const attempts = await make();
      for (let i = 0; i < 2; i++) await fail(attempts, [limit('address:x', 2)], T0 + i);
      const refused = await rejectionOf(
        attempts.begin([limit('account:b', 2), limit('address:x', 2)], T0 + 10),
      );
      expect(refused).toBeInstanceOf(RateLimitedError);
      // account:b was not counted by the refused attempt: it still has room for 2.
      await fail(attempts, [limit('account:b', 2)], T0 + 11);
      await fail(attempts, [limit('account:b', 2)], T0 + 12);
      expect(await rejectionOf(attempts.begin([limit('account:b', 2)], T0 + 13))).toBeInstanceOf(
        RateLimitedError,
      );
    });

    it('takes back the count of an attempt that succeeded, and forgets the keys it is told to', async () => {
      const attempts = await make();
      const limits = [limit('account+address:c 1.2.3.4', 2), limit('account:c', 3)];
      await fail(attempts, limits, T0);
      const good = await through(attempts, limits, T0 + 1);
      await attempts.succeeded(good, []);
      // One failure left on each key: one more attempt fits under 2; a third waits for it.
      const again = await through(attempts, limits, T0 + 2);
      expect(await attempts.begin(limits, T0 + 3)).toBeNull();
      await attempts.succeeded(again, ['account+address:c 1.2.3.4']);
      // The per-address key is clear; the account key still holds the first failure.
      await fail(attempts, limits, T0 + 4);
      expect(await rejectionOf(attempts.begin([limit('account:c', 2)], T0 + 5))).toBeInstanceOf(
        RateLimitedError,
      );
    });

    it('takes back an abandoned attempt, forgetting no failure', async () => {
      const attempts = await make();
      const limits = [limit('account:f', 2)];
      await fail(attempts, limits, T0);
      await attempts.abandoned(await through(attempts, limits, T0 + 1));
      // One failure left: one more attempt fits, and then the key is full of failures.
      await fail(attempts, limits, T0 + 2);
      expect(await rejectionOf(attempts.begin(limits, T0 + 3))).toBeInstanceOf(RateLimitedError);
    });

    it('makes an attempt wait (null) while a key is full of undecided attempts: through if one was right, refused if all failed', async () => {
      const attempts = await make();
      const limits = [limit('account:d', 2)];
      const first = await through(attempts, limits, T0);
      const second = await through(attempts, limits, T0 + 1);
      expect(await attempts.begin(limits, T0 + 2)).toBeNull();
      await attempts.failed(first);
      // One failure and one undecided: still a wait, not a refusal, and nothing counted.
      expect(await attempts.begin(limits, T0 + 3)).toBeNull();
      await attempts.succeeded(second, []);
      const third = await through(attempts, limits, T0 + 4);
      await attempts.failed(third);
      expect(await rejectionOf(attempts.begin(limits, T0 + 5))).toBeInstanceOf(RateLimitedError);
    });

    it('counts an attempt left undecided longer than UNDECIDED_ATTEMPT_MS as a failure', async () => {
      const attempts = await make();
      const limits = [limit('account:e', 2)];
      // A day on: stamps never go back, and an implementation may be shared with earlier tests.
      const t = T0 + 24 * 60 * MINUTE;
      await through(attempts, limits, t);
      await through(attempts, limits, t + 1);
      expect(await attempts.begin(limits, t + UNDECIDED_ATTEMPT_MS)).toBeNull();
      expect(await rejectionOf(attempts.begin(limits, t + UNDECIDED_ATTEMPT_MS + 2))).toBeInstanceOf(
        RateLimitedError,
      );
    });

    it('counts each of 40 attempts made at once exactly once: at most maxFailures get through, the rest wait', async () => {
      const attempts = await make();
      const limits = [limit('account:burst', 5), limit('address:burst', 50)];
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          attempts.begin(limits, T0 + i).then(
            (attempt) => attempt ?? 'wait',
            (error: unknown) => (error instanceof RateLimitedError ? 'refused' : error),
          ),
        ),
      );
      const letThrough = outcomes.filter((o) => typeof o === 'object' && o !== null);
      expect(letThrough).toHaveLength(5);
      expect(outcomes.filter((o) => o === 'wait')).toHaveLength(35);
      for (const attempt of letThrough) await attempts.failed(attempt as CountedAttempt);
      expect(await rejectionOf(attempts.begin(limits, T0 + 100))).toBeInstanceOf(RateLimitedError);
    });

    it('keeps keys apart, however they are spelled', async () => {
      const attempts = await make();
      for (const key of [
        "account:o'brien@example.com",
        'account:O’Brien',
        'address:::1',
        'address:10.0.0.1',
      ]) {
        await fail(attempts, [limit(key, 1)], T0);
        expect(await rejectionOf(attempts.begin([limit(key, 1)], T0 + 1))).toBeInstanceOf(RateLimitedError);
      }
    });

    it('clear forgets the named keys and every key with one of the prefixes, failures and undecided alike, and nothing else', async () => {
      const attempts = await make();
      const kept = [
        limit('address:1.2.3.4', 2),
        limit('account+address:a@x.io2 1.2.3.4', 2),
        limit('account:b@x.io', 2),
      ];
      const cleared = [
        limit('account:a@x.io', 2),
        limit('account+address:a@x.io 1.2.3.4', 2),
        limit('account+address:a@x.io 5.6.7.8', 2),
      ];
      for (const l of [...kept, ...cleared]) {
        await fail(attempts, [l], T0);
        await fail(attempts, [l], T0 + 1);
      }
      // An undecided attempt on a cleared key: forgotten too, and deciding it later is harmless.
      const undecided = await through(attempts, [limit('account+address:a@x.io 9.9.9.9', 1)], T0);
      await attempts.clear(['account:a@x.io'], ['account+address:a@x.io ']);
      for (const l of cleared) await fail(attempts, [l], T0 + 2);
      await through(attempts, [limit('account+address:a@x.io 9.9.9.9', 1)], T0 + 2);
      await attempts.failed(undecided);
      for (const l of kept)
        expect(await rejectionOf(attempts.begin([l], T0 + 2))).toBeInstanceOf(RateLimitedError);
      // Nothing matched: nothing happens.
      await attempts.clear([], []);
      await attempts.clear(['account:nobody'], ['account+address:nobody ']);
    });
  });
}
