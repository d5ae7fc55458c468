import {
  CapacityExceededError,
  IdempotencyKeyReusedError,
  type Reservation,
  ValidationError,
} from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import type { ReadStores, TransactionStores, UnitOfWork } from '../ports/index.js';
import { at, encodeAnswer, keyedAnswer, NOW, T0 } from '../testing/index.js';
import { bookingDraft, useCaseKit } from '../testing/use-case-kit.js';
import type { Decided } from '../wrappers/action.js';
import type { Once } from '../wrappers/idempotent.js';

/** Counts transactions, and can make the next few batches of several bookings fail as a whole. */
class ObservedStore implements UnitOfWork {
  transactions = 0;
  failBatches = 0;
  readonly inner = new InMemoryStore();

  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    this.transactions++;
    return this.inner.run(async (stores) => {
      const result = await work(stores);
      if (this.failBatches > 0 && Array.isArray(result) && result.length > 1) {
        this.failBatches--;
        throw new Error('could not serialize access');
      }
      return result;
    });
  }

  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return this.inner.read(work);
  }
}

const once = (key: string, fingerprint = 'fp'): Once<Reservation> => ({
  key,
  fingerprint,
  render: (decided: Decided<Reservation>) =>
    encodeAnswer(
      'ok' in decided
        ? { status: 201, headers: {}, body: JSON.stringify({ id: decided.ok.id }) }
        : { status: 409, headers: {}, body: JSON.stringify({ code: decided.error.code }) },
    ),
});

describe('CreateReservation batching', () => {
  it('bookings arriving together share transactions; ids follow arrival order', async () => {
    const store = new ObservedStore();
    const kit = await useCaseKit(store);
    const before = store.transactions;
    const created = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        kit.book(i % 2 ? kit.alice : kit.bob, i % 50, (i % 50) + 1, 1, `r${i}`),
      ),
    );
    // The first is written alone, the other 99 in batches of at most 64: 3 transactions, not 100.
    expect(store.transactions - before).toBe(3);
    expect(created.map((r) => r.reservationName)).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
    const ids = created.map((r) => r.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    for (const [i, r] of created.entries()) {
      expect(r).toMatchObject({
        status: 'pending',
        userId: (i % 2 ? kit.alice : kit.bob).userId,
        createdAt: NOW,
      });
      expect(await kit.uow.read((s) => s.reservations.get(r.id))).toEqual(r);
    }
    const events = await kit.uow.read(
      async (s) => (await s.reservations.list({ offset: 0, limit: 1 })).total,
    );
    expect(events).toBe(100);
  });

  it('decides each on its own against the confirmed load: a refusal never fails its neighbours', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { capacity: 100 });
    const full = await kit.book(kit.alice, 0, 1, 100);
    await kit.confirm.execute({ actor: kit.admin, id: full.id });
    const results = await Promise.allSettled([
      kit.book(kit.bob, 1, 2, 100),
      kit.book(kit.bob, 0, 2, 1),
      kit.book(kit.bob, 2, 3, 100),
      kit.book(kit.bob, 5, 6, 7),
      kit.book(kit.bob, 0, 1, 1),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    const refusal = (results[1] as PromiseRejectedResult).reason;
    expect(refusal).toBeInstanceOf(CapacityExceededError);
    expect(refusal).toMatchObject({ slotStart: at(0), available: 0 });
    const page = await kit.uow.read((s) =>
      s.reservations.list({ userId: kit.bob.userId, offset: 0, limit: 10 }),
    );
    expect(page.total).toBe(3);
  });

  it('refuses what breaks a rule at once, without a transaction', async () => {
    const store = new ObservedStore();
    const kit = await useCaseKit(store);
    const before = store.transactions;
    const tooLong = { ...bookingDraft(0, 1, 1), end: T0 + 25 * 3_600_000 };
    await expect(kit.create.execute({ actor: kit.alice, draft: tooLong })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(store.transactions).toBe(before);
  });

  it('gives every booking a transaction of its own when a batch fails as a whole, keeping none twice', async () => {
    const store = new ObservedStore();
    const kit = await useCaseKit(store);
    await kit.book(kit.alice, 0, 1, 1, 'first');
    store.failBatches = 1;
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) => kit.book(kit.alice, 0, 1, 1, `again ${i}`)),
    );
    expect(new Set(created.map((r) => r.id)).size).toBe(10);
    const page = await kit.uow.read((s) =>
      s.reservations.list({ userId: kit.alice.userId, offset: 0, limit: 100 }),
    );
    expect(page.total).toBe(11);
  });

  it('one key sent many times at once makes one reservation; the repeats get its answer, replayed', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const command = { actor: kit.alice, draft: bookingDraft(0, 2, 10) };
    const answers = await Promise.all([
      kit.create.execute({ actor: kit.bob, draft: bookingDraft(0, 1, 1) }),
      ...Array.from({ length: 6 }, () => keyedAnswer(kit.create.execute(command, once('same')))),
    ]);
    const keyed = answers.slice(1) as Awaited<ReturnType<typeof keyedAnswer>>[];
    expect(keyed.filter((a) => !a.replayed)).toHaveLength(1);
    for (const a of keyed) expect(a.response).toEqual(keyed[0]!.response);
    const mine = await kit.uow.read((s) =>
      s.reservations.list({ userId: kit.alice.userId, offset: 0, limit: 10 }),
    );
    expect(mine.total).toBe(1);
    // Another request with the key in the same batch is 422, and creates nothing.
    const mixed = await Promise.allSettled([
      kit.create.execute({ actor: kit.bob, draft: bookingDraft(0, 1, 1) }),
      keyedAnswer(kit.create.execute({ actor: kit.alice, draft: bookingDraft(3, 4, 1) }, once('k2', 'a'))),
      keyedAnswer(kit.create.execute({ actor: kit.alice, draft: bookingDraft(5, 6, 1) }, once('k2', 'b'))),
    ]);
    expect(mixed[1]?.status).toBe('fulfilled');
    expect((mixed[2] as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyKeyReusedError);
    const after = await kit.uow.read((s) =>
      s.reservations.list({ userId: kit.alice.userId, offset: 0, limit: 10 }),
    );
    expect(after.total).toBe(2);
  });
});
