import { CapacityExceededError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { at, type MakeStore, rejectionOf } from './fixtures.js';

const loadOf = (loads: ReadonlyMap<number, number>, slot: number): number => loads.get(slot) ?? 0;

/**
 * The behaviour every `SlotLedger` must share: deltas add up, a change that
 * would put any slot over capacity is refused as a whole (the store's last
 * guard; deciding is the domain's) and names the first such slot, releases
 * always go through, and `loadsIn` is half-open.
 */
export function describeSlotLedgerContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: SlotLedger contract`, () => {
    it('an empty ledger has no load anywhere', async () => {
      const uow = await makeStore();
      expect((await uow.read((s) => s.ledger.loadsIn(at(-100), at(100)))).size).toBe(0);
    });

    it('adds deltas per slot, and loadsIn covers exactly the slots starting in [from, to)', async () => {
      const uow = await makeStore();
      await uow.run((s) =>
        s.ledger.apply(
          [
            { slotStart: at(0), delta: 3 },
            { slotStart: at(1), delta: 4 },
            { slotStart: at(2), delta: 5 },
          ],
          10,
        ),
      );
      await uow.run((s) => s.ledger.apply([{ slotStart: at(1), delta: 2 }], 10));
      const all = await uow.read((s) => s.ledger.loadsIn(at(0), at(3)));
      expect([0, 1, 2].map((n) => loadOf(all, at(n)))).toEqual([3, 6, 5]);
      const middle = await uow.read((s) => s.ledger.loadsIn(at(1), at(2)));
      expect([...middle]).toEqual([[at(1), 6]]);
      // Bounds off the grid and off whole seconds still give the slots' exact starts.
      const odd = await uow.read((s) => s.ledger.loadsIn(at(0) + 1_234.5, at(2) + 1));
      expect([...odd]).toEqual([
        [at(1), 6],
        [at(2), 5],
      ]);
    });

    it('fills a slot exactly to capacity', async () => {
      const uow = await makeStore();
      await uow.run((s) => s.ledger.apply([{ slotStart: at(0), delta: 10 }], 10));
      expect(loadOf(await uow.read((s) => s.ledger.loadsIn(at(0), at(1))), at(0))).toBe(10);
    });

    it('refuses a change that overflows any slot, naming the first, and keeps nothing of its unit', async () => {
      const uow = await makeStore();
      await uow.run((s) =>
        s.ledger.apply(
          [
            { slotStart: at(1), delta: 8 },
            { slotStart: at(3), delta: 9 },
          ],
          10,
        ),
      );
      // The store's last guard: at once or when the unit commits, never kept.
      const error = await rejectionOf(
        uow.run((s) =>
          s.ledger.apply(
            [0, 1, 2, 3].map((n) => ({ slotStart: at(n), delta: 3 })),
            10,
          ),
        ),
      );
      expect(error).toBeInstanceOf(CapacityExceededError);
      const refusal = error as CapacityExceededError;
      expect(refusal.code).toBe('capacity_exceeded');
      expect(refusal.slotStart).toBe(at(1));
      expect(refusal.available).toBe(2);
      expect(refusal.requested).toBe(3);
      const loads = await uow.read((s) => s.ledger.loadsIn(at(0), at(4)));
      expect([0, 1, 2, 3].map((n) => loadOf(loads, at(n)))).toEqual([0, 8, 0, 9]);
    });

    it('refuses a new slot asked for more than the capacity', async () => {
      const uow = await makeStore();
      const error = await rejectionOf(uow.run((s) => s.ledger.apply([{ slotStart: at(5), delta: 11 }], 10)));
      expect(error).toBeInstanceOf(CapacityExceededError);
      expect((error as CapacityExceededError).slotStart).toBe(at(5));
      expect((await uow.read((s) => s.ledger.loadsIn(at(0), at(10)))).size).toBe(0);
    });

    it('names the refused slot in the zone it is given, with its offset', async () => {
      const uow = await makeStore();
      await uow.run((s) => s.ledger.apply([{ slotStart: at(5), delta: 4 }], 10, 'Asia/Seoul'));
      const error = await rejectionOf(
        uow.run((s) => s.ledger.apply([{ slotStart: at(5), delta: 7 }], 10, 'Asia/Seoul')),
      );
      expect(error).toBeInstanceOf(CapacityExceededError);
      // at(5) is the sixth slot after T0, written in Seoul's time.
      expect((error as Error).message).toBe(
        'slot starting 2026-12-10T09:50:00+09:00 has 6 places left, 7 requested',
      );
    });

    it('checks two deltas for the same slot as their sum', async () => {
      const uow = await makeStore();
      const error = await rejectionOf(
        uow.run((s) =>
          s.ledger.apply(
            [
              { slotStart: at(0), delta: 6 },
              { slotStart: at(0), delta: 6 },
            ],
            10,
          ),
        ),
      );
      expect(error).toBeInstanceOf(CapacityExceededError);
      await uow.run((s) =>
        s.ledger.apply(
          [
            { slotStart: at(0), delta: 6 },
            { slotStart: at(0), delta: 4 },
          ],
          10,
        ),
      );
      expect(loadOf(await uow.read((s) => s.ledger.loadsIn(at(0), at(1))), at(0))).toBe(10);
    });

    it('moves load between slots in one change (release and take together)', async () => {
      const uow = await makeStore();
      await uow.run((s) => s.ledger.apply([{ slotStart: at(0), delta: 10 }], 10));
      await uow.run((s) =>
        s.ledger.apply(
          [
            { slotStart: at(0), delta: -10 },
            { slotStart: at(1), delta: 10 },
          ],
          10,
        ),
      );
      const loads = await uow.read((s) => s.ledger.loadsIn(at(0), at(2)));
      expect([loadOf(loads, at(0)), loadOf(loads, at(1))]).toEqual([0, 10]);
    });

    it('always lets load be released, even above a capacity lowered since', async () => {
      const uow = await makeStore();
      await uow.run((s) => s.ledger.apply([{ slotStart: at(0), delta: 9 }], 10));
      await uow.run((s) => s.ledger.apply([{ slotStart: at(0), delta: -2 }], 5));
      expect(loadOf(await uow.read((s) => s.ledger.loadsIn(at(0), at(1))), at(0))).toBe(7);
      // But nothing more fits while the slot is above the new capacity.
      const error = await rejectionOf(uow.run((s) => s.ledger.apply([{ slotStart: at(0), delta: 1 }], 5)));
      expect(error).toBeInstanceOf(CapacityExceededError);
      expect((error as CapacityExceededError).available).toBe(-2);
    });

    it('a slot released to zero reads as no load', async () => {
      const uow = await makeStore();
      await uow.run((s) => s.ledger.apply([{ slotStart: at(0), delta: 4 }], 10));
      await uow.run((s) => s.ledger.apply([{ slotStart: at(0), delta: -4 }], 10));
      const loads = await uow.read((s) => s.ledger.loadsIn(at(0), at(1)));
      expect(loadOf(loads, at(0))).toBe(0);
      expect([...loads.values()].every((load) => load > 0)).toBe(true);
    });
  });
}
