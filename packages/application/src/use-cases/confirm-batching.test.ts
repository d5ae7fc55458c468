import {
  CapacityExceededError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  type Reservation,
} from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import type { ReadStores, TransactionStores, UnitOfWork } from '../ports/index.js';
import { useCaseKit } from '../testing/use-case-kit.js';

/** Counts transactions, and can make the next few multi-confirmation ones fail at commit. */
class ObservedStore implements UnitOfWork {
  transactions = 0;
  failCommits = 0;
  readonly inner = new InMemoryStore();

  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    this.transactions++;
    return this.inner.run(async (stores) => {
      const result = await work(stores);
      // A batch answers with one outcome per confirmation: fail it after the
      // work, as a commit that lost a race would, so nothing of it is kept.
      if (this.failCommits > 0 && Array.isArray(result) && result.length > 1) {
        this.failCommits--;
        throw new Error('could not serialize access');
      }
      return result;
    });
  }

  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return this.inner.read(work);
  }
}

async function settle<T>(work: Promise<T>[]) {
  return Promise.allSettled(work);
}

const reason = (result: PromiseSettledResult<unknown> | undefined): unknown =>
  result?.status === 'rejected' ? result.reason : undefined;

describe('ConfirmReservation batching', () => {
  it('confirmations arriving together share transactions and are decided in arrival order', async () => {
    const store = new ObservedStore();
    const kit = await useCaseKit(store, { capacity: 100 });
    const pending: Reservation[] = [];
    for (let i = 0; i < 100; i++) pending.push(await kit.book(kit.alice, 0, 6, 10));
    const before = store.transactions;
    const results = await settle(pending.map((r) => kit.confirm.execute({ actor: kit.admin, id: r.id })));
    // The first runs alone, the other 99 in batches of at most 64: 3 transactions, not 100.
    expect(store.transactions - before).toBe(3);
    const accepted = results.flatMap((r, i) => (r.status === 'fulfilled' ? [pending[i]!.id] : []));
    expect(accepted).toEqual(pending.slice(0, 10).map((r) => r.id));
    for (const r of results.slice(10)) {
      expect(reason(r)).toBeInstanceOf(CapacityExceededError);
    }
    expect(await kit.loads(0, 6)).toEqual([100, 100, 100, 100, 100, 100]);
  });

  it('gives each confirmation in a batch its own answer, as if it had run alone', async () => {
    const store = new ObservedStore();
    const kit = await useCaseKit(store, { capacity: 100 });
    const a = await kit.book(kit.alice, 0, 2, 30);
    const b = await kit.book(kit.bob, 1, 3, 80);
    const c = await kit.book(kit.bob, 4, 5, 10);
    const cancelled = await kit.book(kit.alice, 6, 7, 10);
    await kit.cancel.execute({ actor: kit.alice, id: cancelled.id });
    const blocker = await kit.book(kit.alice, 9, 10, 1);
    // Keep a batch running so that the next calls queue up and go together.
    const first = kit.confirm.execute({ actor: kit.admin, id: blocker.id });
    const results = await settle([
      kit.confirm.execute({ actor: kit.admin, id: a.id }),
      kit.confirm.execute({ actor: kit.admin, id: a.id }),
      kit.confirm.execute({ actor: kit.admin, id: b.id }),
      kit.confirm.execute({ actor: kit.alice, id: c.id }),
      kit.confirm.execute({ actor: kit.admin, id: cancelled.id }),
      kit.confirm.execute({ actor: kit.admin, id: 999_999 }),
      kit.confirm.execute({ actor: kit.admin, id: c.id }),
    ]);
    await first;
    const [a1, a2, bResult, byUser, onCancelled, unknown, cResult] = results;
    expect(a1).toMatchObject({ status: 'fulfilled', value: { id: a.id, status: 'confirmed' } });
    expect(a2).toMatchObject({ status: 'fulfilled', value: { id: a.id, status: 'confirmed' } });
    expect(reason(bResult)).toBeInstanceOf(CapacityExceededError);
    expect(reason(byUser)).toBeInstanceOf(ForbiddenError);
    expect(reason(onCancelled)).toBeInstanceOf(InvalidStateError);
    expect(reason(unknown)).toBeInstanceOf(NotFoundError);
    expect(cResult).toMatchObject({ status: 'fulfilled', value: { id: c.id, status: 'confirmed' } });
    expect(await kit.loads(0, 5)).toEqual([30, 30, 0, 0, 10]);
    const events = await store.run((s) => s.events.listFor(a.id));
    expect(events.filter((e) => e.type === 'confirmed')).toHaveLength(1);
    expect(await store.read((s) => s.reservations.get(b.id))).toMatchObject({ status: 'pending' });
  });

  it('retries each confirmation alone when a batch fails as a whole, keeping nothing of the failed batch', async () => {
    const store = new ObservedStore();
    const kit = await useCaseKit(store, { capacity: 100 });
    const pending: Reservation[] = [];
    for (let i = 0; i < 20; i++) pending.push(await kit.book(kit.alice, 0, 1, 10));
    store.failCommits = 1;
    const results = await settle(pending.map((r) => kit.confirm.execute({ actor: kit.admin, id: r.id })));
    expect(store.failCommits).toBe(0);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(await kit.loads(0, 1)).toEqual([100]);
    for (const r of pending) {
      const confirmed = (await store.run((s) => s.events.listFor(r.id))).filter(
        (e) => e.type === 'confirmed',
      );
      expect(confirmed.length).toBeLessThanOrEqual(1);
    }
  });

  it('with maxBatch 1 every confirmation runs in its own transaction', async () => {
    const store = new ObservedStore();
    const kit = await useCaseKit(store, { capacity: 100, confirmBatch: 1 });
    const pending: Reservation[] = [];
    for (let i = 0; i < 12; i++) pending.push(await kit.book(kit.alice, 0, 1, 10));
    const before = store.transactions;
    await settle(pending.map((r) => kit.confirm.execute({ actor: kit.admin, id: r.id })));
    expect(store.transactions - before).toBe(12);
    expect(await kit.loads(0, 1)).toEqual([100]);
  });
});
