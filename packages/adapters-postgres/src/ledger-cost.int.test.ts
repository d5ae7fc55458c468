import { at, useCaseKit } from '@exam-reservation/application/testing';
import { describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { auditCapacity } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

let store: KyselyStore;

storePerFile({ poolSize: 4 }, (opened) => {
  ({ store } = opened);
});

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/*
 * Releasing load used to look its delta up with a sub-select per row of the
 * upsert: quadratic in the slots of the change (a 120-day reservation took
 * 25 s to cancel, holding its slot rows all along). These compare releasing
 * with adding in the same run, so they hold on a slow machine as on a fast one.
 */
describe('slot-ledger writes cost time linear in the slots they change', () => {
  it('cancelling a confirmed 24-hour reservation costs about what confirming it did', async () => {
    const kit = await useCaseKit(store, { capacity: 1_000, confirmBatch: 1 });
    const confirms: number[] = [];
    const cancels: number[] = [];
    for (let day = 0; day < 12; day++) {
      const first = day * 144;
      const booked = await kit.book(kit.alice, first, first + 144, 10);
      confirms.push(await timed(() => kit.confirm.execute({ actor: kit.admin, id: booked.id })));
      cancels.push(await timed(() => kit.cancel.execute({ actor: kit.admin, id: booked.id })));
    }
    expect(median(cancels)).toBeLessThan(3 * median(confirms) + 10);
    expect(await kit.loads(0, 12 * 144)).toEqual(new Array(12 * 144).fill(0));
    const audit = await auditCapacity(store.kysely, 1_000);
    expect(audit.ledgerMismatches).toEqual([]);
  });

  it('a release of 20,000 slots costs about what adding them did', async () => {
    const slots = Array.from({ length: 20_000 }, (_, i) => at(100_000 + i));
    const add = await timed(() =>
      store.run((s) =>
        s.ledger.apply(
          slots.map((slotStart) => ({ slotStart, delta: 7 })),
          10,
        ),
      ),
    );
    // Half the slots released, half taken further: both branches of the write at once.
    const release = await timed(() =>
      store.run((s) =>
        s.ledger.apply(
          slots.map((slotStart, i) => ({ slotStart, delta: i % 2 === 0 ? -7 : 3 })),
          10,
        ),
      ),
    );
    expect(release).toBeLessThan(5 * add + 200);
    const loads = await store.read((s) => s.ledger.loadsIn(slots[0]!, slots[slots.length - 1]! + 1));
    expect(loads.get(slots[0]!) ?? 0).toBe(0);
    expect(loads.get(slots[1]!)).toBe(10);
    expect([...loads.values()].reduce((sum, load) => sum + load, 0)).toBe(10 * 10_000);
  });
});
