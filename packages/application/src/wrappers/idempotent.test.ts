import {
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  type Reservation,
} from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import type { ReadStores, TransactionStores, UnitOfWork } from '../ports/index.js';
import { rejectionOf } from '../testing/fixtures.js';
import { encodeAnswer, keyedAnswer, type TestResponse } from '../testing/keyed.js';
import { bookingDraft, useCaseKit } from '../testing/use-case-kit.js';
import type { AdmissionResult } from '../use-cases/admit-reservations.js';
import { PurgeIdempotencyKeys } from '../use-cases/purge-idempotency-keys.js';
import type { Decided } from './action.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS, type Once } from './idempotent.js';

/** What a transport would store: 200/201 with the value, or the refusal's code. */
function once<T>(key: string, fingerprint = `fp-${key}`, status = 200): Once<T> {
  return {
    key,
    fingerprint,
    render: (decided: Decided<T>) =>
      encodeAnswer(
        'ok' in decided
          ? { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(decided.ok) }
          : { status: 409, headers: {}, body: JSON.stringify({ code: decided.error.code }) },
      ),
  };
}

const bodyOf = (response: TestResponse) => JSON.parse(response.body);

/**
 * A store whose next `failures` units of work (after `spare` more that
 * succeed) throw a fault after their work, as a lost connection would.
 */
class FlakyStore implements UnitOfWork {
  failures = 0;
  spare = 0;
  runs = 0;
  readonly inner = new InMemoryStore();
  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    this.runs++;
    return this.inner.run(async (stores) => {
      const value = await work(stores);
      if (this.failures > 0) {
        if (this.spare > 0) this.spare--;
        else {
          this.failures--;
          throw new Error('connection lost');
        }
      }
      return value;
    });
  }
  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return this.inner.read(work);
  }
}

describe('idempotent use cases', () => {
  it('a repeat of a create gets the stored answer and creates nothing; a concurrent one too', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const command = { actor: kit.alice, draft: bookingDraft(0, 2, 10) };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        keyedAnswer(kit.create.execute(command, once<Reservation>('k1', 'fp', 201))),
      ),
    );
    expect(results.map((r) => r.replayed)).toEqual([false, true, true, true, true]);
    for (const r of results) expect(r.response).toEqual(results[0]!.response);
    expect(results[0]!.response.status).toBe(201);
    const all = await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }));
    expect(all.total).toBe(1);
    expect(bodyOf(results[0]!.response)).toEqual(all.items[0]);
  });

  it('the same key with another request is 422; keys are per user', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    await keyedAnswer(
      kit.create.execute({ actor: kit.alice, draft: bookingDraft(0, 2, 10) }, once('k', 'fp-1')),
    );
    const error = await rejectionOf(
      keyedAnswer(kit.create.execute({ actor: kit.alice, draft: bookingDraft(0, 2, 11) }, once('k', 'fp-2'))),
    );
    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    const bobs = await keyedAnswer(
      kit.create.execute({ actor: kit.bob, draft: bookingDraft(0, 2, 11) }, once('k', 'fp-2')),
    );
    expect(bobs.replayed).toBe(false);
    expect((await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }))).total).toBe(2);
  });

  it('stores a refusal too: the replay is the same refusal even once it would succeed', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { capacity: 100 });
    const big = await kit.book(kit.alice, 0, 1, 80);
    const other = await kit.book(kit.bob, 0, 1, 30);
    await kit.confirm.execute({ actor: kit.admin, id: big.id });
    const first = await keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: other.id }, once('c')));
    expect(first).toMatchObject({ replayed: false, response: { status: 409 } });
    expect(bodyOf(first.response)).toEqual({ code: 'capacity_exceeded' });
    await kit.cancel.execute({ actor: kit.admin, id: big.id });
    const again = await keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: other.id }, once('c')));
    expect(again).toEqual({ ...first, replayed: true });
    expect((await kit.uow.read((s) => s.reservations.get(other.id)))?.status).toBe('pending');
  });

  it('a key expires after the TTL: then it is a new request', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const command = { actor: kit.alice, draft: bookingDraft(0, 2, 10) };
    await keyedAnswer(kit.create.execute(command, once('ttl')));
    kit.clock.advance(DEFAULT_IDEMPOTENCY_TTL_MS - 1);
    expect((await keyedAnswer(kit.create.execute(command, once('ttl')))).replayed).toBe(true);
    kit.clock.advance(1);
    expect((await keyedAnswer(kit.create.execute(command, once('ttl')))).replayed).toBe(false);
    expect((await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }))).total).toBe(2);
  });

  it('a fault is not stored: the retry with the key does the work once', async () => {
    const store = new FlakyStore();
    const kit = await useCaseKit(store);
    store.failures = 1;
    const command = { actor: kit.alice, draft: bookingDraft(0, 2, 10) };
    expect(await rejectionOf(keyedAnswer(kit.create.execute(command, once('f'))))).toMatchObject({
      message: 'connection lost',
    });
    expect((await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }))).total).toBe(0);
    expect((await keyedAnswer(kit.create.execute(command, once('f')))).replayed).toBe(false);
    expect((await keyedAnswer(kit.create.execute(command, once('f')))).replayed).toBe(true);
    expect((await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }))).total).toBe(1);
  });

  it('keyed confirmations in one batch: answers stored in the batch, a key twice is in progress', async () => {
    const store = new FlakyStore();
    const kit = await useCaseKit(store, { capacity: 100 });
    const rs = [];
    for (let i = 0; i < 4; i++) rs.push(await kit.book(kit.alice, 0, 1, 30));
    const blocker = await kit.book(kit.bob, 9, 10, 1);
    const first = kit.confirm.execute({ actor: kit.admin, id: blocker.id });
    const runs = store.runs;
    const settled = await Promise.allSettled([
      keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: rs[0]!.id }, once('a'))),
      keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: rs[1]!.id }, once('b'))),
      keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: rs[1]!.id }, once('b'))),
      kit.confirm.execute({ actor: kit.admin, id: rs[2]!.id }),
      keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: rs[3]!.id }, once('d'))),
    ]);
    await first;
    expect(store.runs - runs).toBe(1);
    const [a, b, bAgain, plain, d] = settled;
    expect(a).toMatchObject({ status: 'fulfilled', value: { replayed: false, response: { status: 200 } } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { replayed: false, response: { status: 200 } } });
    expect(bAgain).toMatchObject({ status: 'rejected', reason: expect.any(IdempotencyInProgressError) });
    expect(plain).toMatchObject({ status: 'fulfilled', value: { status: 'confirmed' } });
    expect(d).toMatchObject({ status: 'fulfilled', value: { replayed: false, response: { status: 409 } } });
    expect(await kit.loads(0, 1)).toEqual([90]);
    const replay = await keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: rs[3]!.id }, once('d')));
    expect(d.status === 'fulfilled' && replay).toEqual({
      replayed: true,
      response: d.status === 'fulfilled' && d.value.response,
    });
  });

  it('a keyed confirmation of a batch that failed as a whole is retried alone and answered once', async () => {
    const store = new FlakyStore();
    const kit = await useCaseKit(store, { capacity: 100 });
    const a = await kit.book(kit.alice, 0, 1, 30);
    const b = await kit.book(kit.alice, 0, 1, 30);
    const blocker = await kit.book(kit.bob, 9, 10, 1);
    const first = kit.confirm.execute({ actor: kit.admin, id: blocker.id });
    store.failures = 1; // the blocker's own unit of work
    const results = await Promise.allSettled([
      keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: a.id }, once('x'))),
      keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: b.id }, once('y'))),
    ]);
    await first.catch(() => undefined);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await kit.loads(0, 1)).toEqual([60]);
    for (const [r, key] of [
      [a, 'x'],
      [b, 'y'],
    ] as const) {
      const events = await kit.uow.read((s) => s.events.listFor(r.id));
      expect(events.filter((e) => e.type === 'confirmed')).toHaveLength(1);
      expect(
        (await keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: r.id }, once(key)))).replayed,
      ).toBe(true);
    }
  });

  it('bulk actions store the whole answer with their effect', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { capacity: 100 });
    const a = await kit.book(kit.alice, 0, 1, 60);
    const b = await kit.book(kit.alice, 0, 1, 60);
    const first = await keyedAnswer(
      kit.bulkConfirm.execute({ actor: kit.admin, ids: [a.id, b.id] }, once('bulk')),
    );
    await kit.cancel.execute({ actor: kit.admin, id: a.id });
    const again = await keyedAnswer(
      kit.bulkConfirm.execute({ actor: kit.admin, ids: [a.id, b.id] }, once('bulk')),
    );
    expect(again).toEqual({ ...first, replayed: true });
    expect((await kit.uow.read((s) => s.reservations.get(b.id)))?.status).toBe('pending');
    const forbidden = await keyedAnswer(kit.bulkReject.execute({ actor: kit.alice, ids: [b.id] }, once('r')));
    expect(forbidden.response.status).toBe(409); // this test's render maps every refusal to 409
    expect(bodyOf(forbidden.response)).toEqual({ code: 'forbidden' });
  });
});

describe('idempotent admission (a run over several units of work)', () => {
  const DAY = '2026-12-10';

  it('replays the stored counts and does not run again', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { capacity: 100, admissionChunk: 2 });
    for (let i = 0; i < 5; i++) await kit.book(kit.alice, 0, 1, 30);
    const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: false };
    const first = await keyedAnswer(kit.admit.execute(command, once<AdmissionResult>('adm')));
    expect(bodyOf(first.response)).toEqual({ confirmed: 3, rejected: 0, leftPending: 2, complete: true });
    await kit.cancel.execute({ actor: kit.admin, id: 1 });
    const again = await keyedAnswer(kit.admit.execute(command, once<AdmissionResult>('adm')));
    expect(again).toEqual({ ...first, replayed: true });
    expect(await kit.loads(0, 1)).toEqual([60]);
    const other = await rejectionOf(
      keyedAnswer(
        kit.admit.execute({ ...command, rejectRest: true }, once<AdmissionResult>('adm', 'fp-other')),
      ),
    );
    expect(other).toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('while a run holds the lease a repeat is in progress; after its lease ran out a retry runs again', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { capacity: 100, admissionChunk: 2 });
    for (let i = 0; i < 5; i++) await kit.book(kit.alice, 0, 1, 30);
    const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: true };
    // A run that died after its first unit of work: its lease is in the store, nothing else.
    const scope = { userId: kit.admin.userId, key: 'crash' };
    await kit.uow.run((s) =>
      s.idempotencyKeys.start(
        scope,
        {
          fingerprint: 'fp-crash',
          leaseUntil: kit.clock.now() + 60_000,
          expiresAt: kit.clock.now() + 86_400_000,
        },
        kit.clock.now(),
      ),
    );
    expect(await rejectionOf(keyedAnswer(kit.admit.execute(command, once('crash'))))).toBeInstanceOf(
      IdempotencyInProgressError,
    );
    kit.clock.advance(60_000);
    const retried = await keyedAnswer(kit.admit.execute(command, once<AdmissionResult>('crash')));
    expect(retried.replayed).toBe(false);
    expect(bodyOf(retried.response)).toEqual({ confirmed: 3, rejected: 2, leftPending: 0, complete: true });
    expect((await keyedAnswer(kit.admit.execute(command, once('crash')))).replayed).toBe(true);
  });

  it('a refusal before the run is stored like any other; a fault mid-run gives the key up at once', async () => {
    const store = new FlakyStore();
    const kit = await useCaseKit(store, { capacity: 100, admissionChunk: 2 });
    for (let i = 0; i < 5; i++) await kit.book(kit.alice, 0, 1, 30);
    const refused = await keyedAnswer(
      kit.admit.execute({ actor: kit.alice, startDate: DAY, endDate: DAY, rejectRest: false }, once('u')),
    );
    expect(bodyOf(refused.response)).toEqual({ code: 'forbidden' });
    const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: false };
    // The unit of work that takes the lease succeeds; the first chunk's fails.
    store.spare = 1;
    store.failures = 1;
    expect(await rejectionOf(keyedAnswer(kit.admit.execute(command, once('mid'))))).toMatchObject({
      message: 'connection lost',
    });
    expect(await kit.loads(0, 1)).toEqual([0]);
    // Not 409 until the lease runs out: the failed run gave the key up.
    const retried = await keyedAnswer(kit.admit.execute(command, once<AdmissionResult>('mid')));
    expect(retried.replayed).toBe(false);
    expect(bodyOf(retried.response)).toEqual({ confirmed: 3, rejected: 0, leftPending: 2, complete: true });
  });
});

describe('PurgeIdempotencyKeys', () => {
  it('deletes the expired keys in batches, and no live one', async () => {
    const store = new FlakyStore();
    const kit = await useCaseKit(store);
    const scope = (n: number) => ({ userId: kit.alice.userId, key: `k${n}` });
    const now = kit.clock.now();
    await kit.uow.run(async (s) => {
      for (let n = 0; n < 12; n++) {
        await s.idempotencyKeys.complete(
          scope(n),
          {
            state: 'done',
            fingerprint: 'fp',
            answer: encodeAnswer({ status: 200, headers: {}, body: '{}' }),
            expiresAt: now + (n < 10 ? 0 : 1),
          },
          now,
        );
      }
    });
    const runs = store.runs;
    const purge = new PurgeIdempotencyKeys({ uow: store, clock: kit.clock, batchSize: 3 });
    expect(await purge.execute()).toBe(10);
    expect(store.runs - runs).toBe(4);
    const claims = await kit.uow.run((s) => s.idempotencyKeys.claim([scope(9), scope(10), scope(11)], now));
    expect(claims.map((c) => c.record?.state ?? null)).toEqual([null, 'done', 'done']);
    expect(
      await new PurgeIdempotencyKeys({ uow: store, clock: kit.clock, batchSize: 3, maxBatches: 1 }).execute(),
    ).toBe(0);
  });
});
