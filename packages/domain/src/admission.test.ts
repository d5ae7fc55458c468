import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit, admitFirstComeFirstServed, NO_CAPACITY_LEFT } from './admission.js';
import { ForbiddenError } from './errors.js';
import type { Actor, Reservation } from './reservation.js';
import { SlotGrid } from './slot-grid.js';
import { TimeRange } from './time-range.js';

const grid = new SlotGrid(10);
const SLOT = grid.slotMs;
const T0 = Date.parse('2026-12-10T00:00:00Z');
const at = (n: number): number => T0 + n * SLOT;
const admin: Actor = { userId: 1, role: 'admin' };

function pending(id: number, from: number, to: number, people: number): Reservation {
  return {
    id,
    userId: 100 + id,
    reservationName: `R${id}`,
    start: at(from),
    end: at(to),
    numberOfPeople: people,
    status: 'pending',
    createdAt: T0 - 86_400_000 + id,
    updatedAt: T0 - 86_400_000 + id,
  };
}

/** People each candidate adds, slot by slot (its slots are `[from, to)` of the grid). */
const slotsOf = (r: Reservation): number[] => grid.slotsOf(TimeRange.of(r.start, r.end));
const fits = (loads: ReadonlyMap<number, number>, r: Reservation, capacity: number): boolean =>
  slotsOf(r).every((slot) => (loads.get(slot) ?? 0) + r.numberOfPeople <= capacity);
const add = (loads: Map<number, number>, r: Reservation): void => {
  for (const slot of slotsOf(r)) loads.set(slot, (loads.get(slot) ?? 0) + r.numberOfPeople);
};

const CAPACITY = 10;
const initialLoads = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: CAPACITY })), { maxLength: 8 })
  .map((pairs) => new Map(pairs.map(([slot, load]) => [at(slot), load])));
const candidates = fc
  .array(
    fc.record({
      from: fc.integer({ min: 0, max: 10 }),
      length: fc.integer({ min: 1, max: 4 }),
      people: fc.integer({ min: 1, max: CAPACITY }),
    }),
    { maxLength: 30 },
  )
  .map((specs) => specs.map((s, i) => pending(i + 1, s.from, s.from + s.length, s.people)));

describe('admit (first come, first served)', () => {
  it('admits in order while there is room, skipping one that does not fit for smaller ones after it', () => {
    const loads = new Map([[at(1), 4]]);
    const decision = admit(
      loads,
      [
        pending(1, 0, 2, 5), // 0: 5, 1: 9
        pending(2, 1, 2, 2), // 1 would be 11: left out
        pending(3, 0, 1, 5), // 0: 10
        pending(4, 1, 3, 1), // 1: 10, 2: 1
        pending(5, 0, 1, 1), // 0 would be 11: left out
      ],
      CAPACITY,
      grid,
    );
    expect(decision.admitted.map((r) => r.id)).toEqual([1, 3, 4]);
    expect(decision.leftOut.map((r) => r.id)).toEqual([2, 5]);
    expect([...decision.loads].sort(([a], [b]) => a - b)).toEqual([
      [at(0), 10],
      [at(1), 10],
      [at(2), 1],
    ]);
    expect(loads).toEqual(new Map([[at(1), 4]]));
  });

  it('refuses a candidate that is not pending', () => {
    expect(() => admit(new Map(), [{ ...pending(1, 0, 1, 1), status: 'confirmed' }], CAPACITY, grid)).toThrow(
      RangeError,
    );
  });

  it('the loads after admission never exceed capacity, and are the loads plus exactly the admitted', () => {
    fc.assert(
      fc.property(initialLoads, candidates, (loads, list) => {
        const decision = admit(loads, list, CAPACITY, grid);
        const expected = new Map(loads);
        for (const r of decision.admitted) add(expected, r);
        for (const [slot, load] of decision.loads) {
          expect(load).toBeLessThanOrEqual(CAPACITY);
          expect(load).toBe(expected.get(slot));
        }
        for (const [slot, load] of expected) if (load !== 0) expect(decision.loads.get(slot)).toBe(load);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the order: admitted and left out split the candidates, each fitting or not at its own turn', () => {
    fc.assert(
      fc.property(initialLoads, candidates, (loads, list) => {
        const decision = admit(loads, list, CAPACITY, grid);
        const admitted = new Set(decision.admitted.map((r) => r.id));
        expect(decision.admitted).toEqual(list.filter((r) => admitted.has(r.id)));
        expect(decision.leftOut).toEqual(list.filter((r) => !admitted.has(r.id)));
        // Replayed in order: an admitted one fits next to everyone admitted before it, and a left-out
        // one would have put some slot over capacity at its turn.
        const running = new Map(loads);
        for (const r of list) {
          if (admitted.has(r.id)) {
            expect(fits(running, r, CAPACITY)).toBe(true);
            add(running, r);
          } else {
            expect(fits(running, r, CAPACITY)).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('admitting in chunks, each against the loads the previous chunk left, decides exactly as one pass', () => {
    fc.assert(
      fc.property(initialLoads, candidates, fc.integer({ min: 1, max: 7 }), (loads, list, size) => {
        const whole = admit(loads, list, CAPACITY, grid);
        let current: ReadonlyMap<number, number> = loads;
        const admitted: Reservation[] = [];
        const leftOut: Reservation[] = [];
        for (let i = 0; i < list.length; i += size) {
          const part = admit(current, list.slice(i, i + size), CAPACITY, grid);
          admitted.push(...part.admitted);
          leftOut.push(...part.leftOut);
          current = part.loads;
        }
        expect(admitted).toEqual(whole.admitted);
        expect(leftOut).toEqual(whole.leftOut);
        const nonZero = (m: ReadonlyMap<number, number>) => [...m].filter(([, load]) => load !== 0);
        expect(nonZero(current)).toEqual(nonZero(whole.loads));
      }),
      { numRuns: 200 },
    );
  });
});

describe('admitFirstComeFirstServed', () => {
  const list = [pending(1, 0, 1, 8), pending(2, 0, 1, 5), pending(3, 0, 1, 2)];
  const now = T0 - 1000;

  it('confirms the admitted and leaves the rest pending', () => {
    const a = admitFirstComeFirstServed(admin, new Map(), list, { capacity: CAPACITY, grid }, now, {
      rejectRest: false,
    });
    expect(a.confirmed.map((t) => [t.after.id, t.after.status, t.after.updatedAt])).toEqual([
      [1, 'confirmed', now],
      [3, 'confirmed', now],
    ]);
    expect(a.rejected).toEqual([]);
    expect(a.leftPending.map((r) => r.id)).toEqual([2]);
  });

  it(`rejects the rest with "${NO_CAPACITY_LEFT}" when asked`, () => {
    const a = admitFirstComeFirstServed(admin, new Map(), list, { capacity: CAPACITY, grid }, now, {
      rejectRest: true,
    });
    expect(a.confirmed.map((t) => t.after.id)).toEqual([1, 3]);
    expect(a.rejected.map((t) => [t.before.status, t.after.id, t.after.status])).toEqual([
      ['pending', 2, 'rejected'],
    ]);
    expect(a.leftPending).toEqual([]);
  });

  it('is for admins only', () => {
    expect(() =>
      admitFirstComeFirstServed({ userId: 5, role: 'user' }, new Map(), list, { capacity: 10, grid }, now, {
        rejectRest: false,
      }),
    ).toThrow(ForbiddenError);
  });
});
