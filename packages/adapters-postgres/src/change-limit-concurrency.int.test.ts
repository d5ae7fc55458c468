import { useCaseKit } from '@exam-reservation/application/testing';
import { TooManyChangesError } from '@exam-reservation/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { resetSchema } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

// Each change runs its own transaction on its own pooled connection: the
// races are between separate database sessions.
const POOL_SIZE = 24;

let store: KyselyStore;

storePerFile({ poolSize: POOL_SIZE }, (opened) => {
  ({ store } = opened);
});

beforeEach(async () => {
  await resetSchema(store);
});

/** Fulfilled values, and refusals split into too-many-changes and anything else. */
async function settle<T>(work: readonly Promise<T>[]) {
  const settled = await Promise.allSettled(work);
  return {
    made: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    capped: settled.filter((s) => s.status === 'rejected' && s.reason instanceof TooManyChangesError),
    other: settled.flatMap((s) =>
      s.status === 'rejected' && !(s.reason instanceof TooManyChangesError) ? [s.reason] : [],
    ),
  };
}

describe('the change limit on PostgreSQL, under concurrent changes', () => {
  it('20 changes sent at once for the last allowed change: exactly one is made', async () => {
    const kit = await useCaseKit(store, { maxChanges: 10 });
    const r = await kit.book(kit.alice, 0, 2, 10);
    for (let n = 1; n <= 9; n++) {
      await kit.update.execute({ actor: kit.alice, id: r.id, patch: { reservationName: `Step ${n}` } });
    }
    const { made, capped, other } = await settle(
      Array.from({ length: 20 }, (_, n) =>
        kit.update.execute({ actor: kit.alice, id: r.id, patch: { reservationName: `Racer ${n}` } }),
      ),
    );
    expect(other).toEqual([]);
    expect(made).toHaveLength(1);
    expect(capped).toHaveLength(19);
    expect(await store.read((s) => s.reservations.get(r.id))).toEqual(made[0]);
    expect(await store.run((s) => s.events.countUserUpdates(r.id, kit.alice.userId))).toBe(10);
  });

  it('from no change at all, 20 at once under a cap of 5: exactly 5 are made, in the history in order', async () => {
    const kit = await useCaseKit(store, { maxChanges: 5 });
    const r = await kit.book(kit.alice, 0, 2, 10);
    const { made, capped, other } = await settle(
      Array.from({ length: 20 }, (_, n) =>
        kit.update.execute({ actor: kit.alice, id: r.id, patch: { numberOfPeople: 20 + n } }),
      ),
    );
    expect(other).toEqual([]);
    expect(made).toHaveLength(5);
    expect(capped).toHaveLength(15);
    const history = await kit.history.execute({ actor: kit.alice, id: r.id, page: 1, limit: 100 });
    expect(history.total).toBe(6);
    // Each recorded change starts from the one before it: they were made one at a time.
    const updates = history.items.slice(1);
    for (let i = 1; i < updates.length; i++) expect(updates[i]!.before).toEqual(updates[i - 1]!.after);
    expect(updates.map((e) => e.after.numberOfPeople).sort()).toEqual(
      made.map((m) => m.numberOfPeople).sort(),
    );
  });

  it('admins are not held back by the cap, even all at once', async () => {
    const kit = await useCaseKit(store, { maxChanges: 1 });
    const r = await kit.book(kit.alice, 0, 2, 10);
    await kit.update.execute({ actor: kit.alice, id: r.id, patch: { reservationName: 'Mine' } });
    const { made, other } = await settle(
      Array.from({ length: 12 }, (_, n) =>
        kit.update.execute({ actor: kit.admin, id: r.id, patch: { reservationName: `Admin ${n}` } }),
      ),
    );
    expect(other).toEqual([]);
    expect(made).toHaveLength(12);
    await expect(kit.cancel.execute({ actor: kit.alice, id: r.id })).resolves.toMatchObject({
      status: 'cancelled',
    });
  });

  it('reads a long history a page at a time, with the total', async () => {
    const kit = await useCaseKit(store);
    const r = await kit.book(kit.alice, 0, 2, 10);
    for (let n = 1; n <= 30; n++) {
      await kit.update.execute({ actor: kit.admin, id: r.id, patch: { numberOfPeople: n } });
    }
    const page = await kit.history.execute({ actor: kit.alice, id: r.id, page: 3, limit: 7 });
    expect(page.total).toBe(31);
    expect(page.items.map((e) => e.after.numberOfPeople)).toEqual([14, 15, 16, 17, 18, 19, 20]);
    const past = await kit.history.execute({ actor: kit.alice, id: r.id, page: 9, limit: 7 });
    expect(past).toEqual({ items: [], total: 31 });
  });
});
