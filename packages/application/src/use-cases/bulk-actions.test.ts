import {
  CapacityExceededError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import type { ReadStores, TransactionStores, UnitOfWork } from '../ports/index.js';
import type { BulkOutcome } from '../support/bulk.js';
import { rejectionOf } from '../testing/fixtures.js';
import { useCaseKit } from '../testing/use-case-kit.js';

/** Counts the units of work and reads it is asked for. */
class CountingStore implements UnitOfWork {
  runs = 0;
  reads = 0;
  readonly inner = new InMemoryStore();
  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    this.runs++;
    return this.inner.run(work);
  }
  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    this.reads++;
    return this.inner.read(work);
  }
}

const summary = (outcomes: BulkOutcome<{ status: string }>[]) =>
  outcomes.map((o) => ('ok' in o ? [o.id, o.ok.status] : [o.id, o.error.constructor.name]));

describe('BulkConfirmReservations', () => {
  it('decides each id in the given order as a single confirmation would, in one unit of work', async () => {
    const store = new CountingStore();
    const kit = await useCaseKit(store, { capacity: 100 });
    const big = await kit.book(kit.alice, 0, 2, 70);
    const small = await kit.book(kit.bob, 1, 3, 30);
    const tooMany = await kit.book(kit.bob, 0, 1, 40);
    const confirmed = await kit.book(kit.alice, 5, 6, 10);
    await kit.confirm.execute({ actor: kit.admin, id: confirmed.id });
    const cancelled = await kit.book(kit.alice, 5, 6, 10);
    await kit.cancel.execute({ actor: kit.alice, id: cancelled.id });
    const runs = store.runs;
    const outcomes = await kit.bulkConfirm.execute({
      actor: kit.admin,
      ids: [small.id, tooMany.id, 999_999, big.id, confirmed.id, cancelled.id],
    });
    expect(store.runs - runs).toBe(1);
    // In this order `small` and `tooMany` go first, so `big` no longer fits in slot 0 (40 + 70 > 100).
    expect(summary(outcomes)).toEqual([
      [small.id, 'confirmed'],
      [tooMany.id, 'confirmed'],
      [999_999, 'NotFoundError'],
      [big.id, 'CapacityExceededError'],
      [confirmed.id, 'confirmed'],
      [cancelled.id, 'InvalidStateError'],
    ]);
    expect(await kit.loads(0, 3)).toEqual([40, 30, 30]);
    // The reverse order admits `big` first.
    const kit2 = await useCaseKit(new InMemoryStore(), { capacity: 100 });
    const b = await kit2.book(kit2.alice, 0, 2, 70);
    const s = await kit2.book(kit2.bob, 1, 3, 30);
    const t = await kit2.book(kit2.bob, 0, 1, 40);
    const reversed = await kit2.bulkConfirm.execute({ actor: kit2.admin, ids: [b.id, s.id, t.id] });
    expect(summary(reversed)).toEqual([
      [b.id, 'confirmed'],
      [s.id, 'confirmed'],
      [t.id, 'CapacityExceededError'],
    ]);
    expect(reversed[2]).toMatchObject({ error: expect.any(CapacityExceededError) });
  });

  it('refuses a user before anything is read, and a bad id list with 400', async () => {
    const store = new CountingStore();
    const kit = await useCaseKit(store);
    const before = { runs: store.runs, reads: store.reads };
    const error = await rejectionOf(kit.bulkConfirm.execute({ actor: kit.alice, ids: [1, 2] }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect({ runs: store.runs, reads: store.reads }).toEqual(before);
    for (const ids of [[], [1, 1], Array.from({ length: 1001 }, (_, i) => i + 1), [0], [1.5]]) {
      expect(await rejectionOf(kit.bulkConfirm.execute({ actor: kit.admin, ids }))).toBeInstanceOf(
        ValidationError,
      );
    }
    expect(
      await kit.bulkConfirm.execute({ actor: kit.admin, ids: Array.from({ length: 1000 }, (_, i) => i + 1) }),
    ).toHaveLength(1000);
  });
});

describe('BulkRejectReservations', () => {
  it('rejects each pending id with the reason; others get the single action’s refusal', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const a = await kit.book(kit.alice, 0, 2, 10);
    const b = await kit.book(kit.bob, 0, 2, 10);
    const confirmed = await kit.book(kit.bob, 0, 2, 10);
    await kit.confirm.execute({ actor: kit.admin, id: confirmed.id });
    await kit.reject.execute({ actor: kit.admin, id: b.id });
    const outcomes = await kit.bulkReject.execute({
      actor: kit.admin,
      ids: [confirmed.id, a.id, b.id, 424_242],
      reason: 'exam moved',
    });
    expect(summary(outcomes)).toEqual([
      [confirmed.id, 'InvalidStateError'],
      [a.id, 'rejected'],
      [b.id, 'rejected'],
      [424_242, 'NotFoundError'],
    ]);
    expect((outcomes[0] as { error: unknown }).error).toBeInstanceOf(InvalidStateError);
    expect((outcomes[3] as { error: unknown }).error).toBeInstanceOf(NotFoundError);
    const events = await kit.uow.read((s) => s.events.listFor(a.id));
    expect(events.map((e) => [e.type, e.actorRole, e.reason])).toEqual([
      ['created', 'user', null],
      ['rejected', 'admin', 'exam moved'],
    ]);
    // b was already rejected: a no-op records nothing.
    expect((await kit.uow.read((s) => s.events.listFor(b.id))).map((e) => e.reason)).toEqual([null, null]);
    expect(await kit.loads(0, 2)).toEqual([10, 10]);
  });

  it('refuses a user, and a bad reason for the whole request', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const a = await kit.book(kit.alice, 0, 2, 10);
    expect(await rejectionOf(kit.bulkReject.execute({ actor: kit.bob, ids: [a.id] }))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(
      await rejectionOf(kit.bulkReject.execute({ actor: kit.admin, ids: [a.id], reason: 'x'.repeat(501) })),
    ).toBeInstanceOf(ValidationError);
    expect(await kit.uow.read((s) => s.reservations.get(a.id))).toMatchObject({ status: 'pending' });
  });
});
