import { describe, expect, it } from 'vitest';
import type { IdempotencyClaim, IdempotencyScope, StoredAnswer } from '../ports/index.js';
import { type MakeStore, rejectionOf, seedUser, T0 } from './fixtures.js';

const HOUR = 3_600_000;

/** An answer as a transport might encode it: opaque text to the store. */
const response = (n: number): StoredAnswer =>
  JSON.stringify({
    status: 201,
    headers: { 'content-type': 'application/json; charset=utf-8', location: `/reservations/${n}` },
    body: JSON.stringify({ id: n, name: `it's "${n}" \\ 시험 ✓ \u0000 \ud800` }),
  });

const done = (fingerprint: string, n: number, expiresAt = T0 + 24 * HOUR) => ({
  state: 'done' as const,
  fingerprint,
  answer: response(n),
  expiresAt,
});

/**
 * The behaviour every `IdempotencyKeys` store must share: keys per user,
 * claims that never wait, answers that expire, leases of long runs owned by
 * a token, and a cleanup that deletes only expired keys.
 */
export function describeIdempotencyKeysContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: IdempotencyKeys contract`, () => {
    it('an unused key is held with nothing stored; a completed one is read back exactly', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const scope = { userId: user.id, key: 'abc-1' };
      const first = await uow.run(async (s) => {
        const [claim] = await s.idempotencyKeys.claim([scope], T0);
        await s.idempotencyKeys.complete(scope, done('fp-1', 1), T0);
        return claim;
      });
      expect(first).toEqual({ held: true, record: null });
      const [again] = await uow.run((s) => s.idempotencyKeys.claim([scope], T0 + HOUR));
      expect(again).toEqual({ held: true, record: done('fp-1', 1) });
    });

    it('keys are per user, and several are claimed at once in order (one twice)', async () => {
      const uow = await makeStore();
      const alice = await seedUser(uow);
      const bob = await seedUser(uow);
      await uow.run((s) => s.idempotencyKeys.complete({ userId: alice.id, key: 'k' }, done('fp-a', 1), T0));
      const scopes: IdempotencyScope[] = [
        { userId: bob.id, key: 'k' },
        { userId: alice.id, key: 'k' },
        { userId: alice.id, key: 'K' },
        { userId: alice.id, key: 'k' },
      ];
      const claims = await uow.run((s) => s.idempotencyKeys.claim(scopes, T0));
      expect(claims).toEqual<IdempotencyClaim[]>([
        { held: true, record: null },
        { held: true, record: done('fp-a', 1) },
        { held: true, record: null },
        { held: true, record: done('fp-a', 1) },
      ]);
    });

    it('an expired answer counts as none and may be replaced', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const scope = { userId: user.id, key: 'old' };
      await uow.run((s) => s.idempotencyKeys.complete(scope, done('fp-old', 1, T0 + HOUR), T0));
      const [before] = await uow.run((s) => s.idempotencyKeys.claim([scope], T0 + HOUR - 1));
      expect(before?.record).toEqual(done('fp-old', 1, T0 + HOUR));
      const [after] = await uow.run(async (s) => {
        const claims = await s.idempotencyKeys.claim([scope], T0 + HOUR);
        await s.idempotencyKeys.complete(scope, done('fp-new', 2, T0 + 30 * HOUR), T0 + HOUR);
        return claims;
      });
      expect(after).toEqual({ held: true, record: null });
      const [replaced] = await uow.run((s) => s.idempotencyKeys.claim([scope], T0 + 2 * HOUR));
      expect(replaced?.record).toEqual(done('fp-new', 2, T0 + 30 * HOUR));
    });

    it('nothing of a unit of work that throws is kept', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const scope = { userId: user.id, key: 'rolled-back' };
      const boom = new Error('boom');
      const error = await rejectionOf(
        uow.run(async (s) => {
          await s.idempotencyKeys.claim([scope], T0);
          await s.idempotencyKeys.complete(scope, done('fp', 1), T0);
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      expect(await uow.run((s) => s.idempotencyKeys.claim([scope], T0))).toEqual([
        { held: true, record: null },
      ]);
    });

    it('a run holds a lease under a token: only that token renews or releases it', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const scope = { userId: user.id, key: 'admission' };
      const run = { fingerprint: 'fp-run', leaseUntil: T0 + 30_000, expiresAt: T0 + 24 * HOUR };
      const token = await uow.run(async (s) => {
        await s.idempotencyKeys.claim([scope], T0);
        return s.idempotencyKeys.start(scope, run, T0);
      });
      const read = async () => (await uow.run((s) => s.idempotencyKeys.claim([scope], T0)))[0]!.record;
      expect(await read()).toEqual({ state: 'running', token, ...run });
      await uow.run((s) => s.idempotencyKeys.renew(scope, token, T0 + 60_000));
      await uow.run((s) => s.idempotencyKeys.renew(scope, `${token}-other`, T0 + 99_000));
      await uow.run((s) => s.idempotencyKeys.release(scope, `${token}-other`));
      expect(await read()).toEqual({ state: 'running', token, ...run, leaseUntil: T0 + 60_000 });
      // Another run takes the key over (the first is presumed dead): the old token does nothing now.
      const second = await uow.run((s) =>
        s.idempotencyKeys.start(scope, { ...run, leaseUntil: T0 + 90_000 }, T0),
      );
      expect(second).not.toBe(token);
      await uow.run((s) => s.idempotencyKeys.renew(scope, token, T0 + 999_000));
      await uow.run((s) => s.idempotencyKeys.release(scope, token));
      expect(await read()).toMatchObject({ state: 'running', token: second, leaseUntil: T0 + 90_000 });
      await uow.run((s) => s.idempotencyKeys.release(scope, second));
      expect(await read()).toBeNull();
      // A run that finishes replaces its lease with its answer; a run that lost the key cannot.
      const third = await uow.run((s) => s.idempotencyKeys.start(scope, run, T0));
      await uow.run((s) => s.idempotencyKeys.finish(scope, second, done('fp-run', 6)));
      expect(await read()).toMatchObject({ state: 'running', token: third });
      await uow.run((s) => s.idempotencyKeys.finish(scope, third, done('fp-run', 7)));
      await uow.run((s) => s.idempotencyKeys.release(scope, third));
      await uow.run((s) => s.idempotencyKeys.renew(scope, third, T0 + 999_000));
      expect(await read()).toEqual(done('fp-run', 7));
    });

    it('deleteExpired deletes at most `limit` expired keys, and no live one', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const scope = (n: number) => ({ userId: user.id, key: `key-${n}` });
      await uow.run(async (s) => {
        for (let n = 0; n < 5; n++)
          await s.idempotencyKeys.complete(scope(n), done('fp', n, T0 + n * HOUR), T0);
      });
      expect(await uow.run((s) => s.idempotencyKeys.deleteExpired(T0 + 3 * HOUR, 2))).toBe(2);
      expect(await uow.run((s) => s.idempotencyKeys.deleteExpired(T0 + 3 * HOUR, 10))).toBe(2);
      expect(await uow.run((s) => s.idempotencyKeys.deleteExpired(T0 + 3 * HOUR, 10))).toBe(0);
      const claims = await uow.run((s) => s.idempotencyKeys.claim([0, 3, 4].map(scope), T0));
      expect(claims.map((c) => c.record?.state ?? null)).toEqual([null, null, 'done']);
      expect(await uow.run((s) => s.idempotencyKeys.deleteExpired(T0 + 9 * HOUR, 10))).toBe(1);
    });

    it('while one unit of work holds a key, another never gets it with nothing stored', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const scope = { userId: user.id, key: 'contended' };
      let claimed!: () => void;
      const firstClaimed = new Promise<void>((resolve) => {
        claimed = resolve;
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
        // Stores that run units one at a time make the second wait for the first: let it go anyway.
        setTimeout(resolve, 200);
      });
      const first = uow.run(async (s) => {
        await s.idempotencyKeys.claim([scope], T0);
        claimed();
        await gate;
        await s.idempotencyKeys.complete(scope, done('fp-first', 1), T0);
      });
      await firstClaimed;
      const second = await uow.run((s) => s.idempotencyKeys.claim([scope], T0));
      release();
      await first;
      // Either refused at once (held elsewhere) or, where units take turns, after the first committed.
      expect([
        { held: false, record: null },
        { held: true, record: done('fp-first', 1) },
      ]).toContainEqual(second[0]);
      expect(await uow.run((s) => s.idempotencyKeys.claim([scope], T0))).toEqual([
        { held: true, record: done('fp-first', 1) },
      ]);
    });
  });
}
