import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdmissionRule, admit } from '../admission.js';
import type { Reservation } from '../reservation.js';
import { SlotGrid } from '../slot-grid.js';
import { TimeRange } from '../time-range.js';
import { ADMISSION_POLICIES, bestFit, fifo, smallestFirst } from './admission-policies.js';

const grid = new SlotGrid(10);
const T0 = Date.parse('2026-12-10T00:00:00Z');
const at = (n: number): number => T0 + n * grid.slotMs;
const CAPACITY = 10;

// The laws are checked with plain arithmetic on slots, not with the ledger the rules use.
const slotsOf = (r: Reservation): number[] => grid.slotsOf(TimeRange.of(r.start, r.end));
const fits = (loads: ReadonlyMap<number, number>, r: Reservation): boolean =>
  slotsOf(r).every((slot) => (loads.get(slot) ?? 0) + r.numberOfPeople <= CAPACITY);
const room = (loads: ReadonlyMap<number, number>, r: Reservation): number =>
  Math.min(...slotsOf(r).map((slot) => CAPACITY - (loads.get(slot) ?? 0) - r.numberOfPeople));
const plus = (loads: ReadonlyMap<number, number>, rs: Iterable<Reservation>): Map<number, number> => {
  const out = new Map(loads);
  for (const r of rs) for (const slot of slotsOf(r)) out.set(slot, (out.get(slot) ?? 0) + r.numberOfPeople);
  return out;
};

/** Candidates in creation order (ids ascending), over slots 0–11, mostly in the same few ranges. */
const candidates = fc
  .array(
    fc.record({
      from: fc.integer({ min: 0, max: 8 }),
      length: fc.integer({ min: 1, max: 4 }),
      people: fc.integer({ min: 1, max: CAPACITY + 1 }),
    }),
    { maxLength: 25 },
  )
  .map((specs) =>
    specs.map(
      ({ from, length, people }, i): Reservation => ({
        id: i + 1,
        userId: 100 + i,
        reservationName: `R${i + 1}`,
        start: at(from),
        end: at(from + length),
        numberOfPeople: people,
        status: 'pending',
        createdAt: T0 - 86_400_000 + i,
        updatedAt: T0 - 86_400_000 + i,
      }),
    ),
  );
const loads = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: CAPACITY })), { maxLength: 8 })
  .map((pairs) => new Map(pairs.map(([slot, load]) => [at(slot), load])));

const before = (a: Reservation, b: Reservation): boolean => a.id < b.id;

describe.each(Object.entries(ADMISSION_POLICIES) as [string, AdmissionRule][])(
  'admission policy %s',
  (_, rule) => {
    it('law (every policy): capacity is never exceeded, every candidate is decided once, and none left out still fits', () => {
      fc.assert(
        fc.property(loads, candidates, (start, list) => {
          const decision = rule(start, list, CAPACITY, grid);
          const after = plus(start, decision.admitted);
          for (const slot of new Set(decision.admitted.flatMap(slotsOf))) {
            expect(after.get(slot)).toBeLessThanOrEqual(CAPACITY);
          }
          expect([...decision.admitted, ...decision.leftOut].map((r) => r.id).sort((a, b) => a - b)).toEqual(
            list.map((r) => r.id),
          );
          for (const r of decision.leftOut) expect(fits(after, r)).toBe(false);
          expect(decision.loads).toEqual(new Map([...after].filter(([, v]) => v !== 0)));
        }),
      );
    });
  },
);

describe('the laws that tell the policies apart', () => {
  it('fifo is the service rule itself', () => {
    expect(fifo).toBe(admit);
  });

  it('law (fifo): a candidate is left out only if it did not fit next to the admitted ones created before it', () => {
    fc.assert(
      fc.property(loads, candidates, (start, list) => {
        const decision = fifo(start, list, CAPACITY, grid);
        for (const r of decision.leftOut) {
          expect(
            fits(
              plus(
                start,
                decision.admitted.filter((a) => before(a, r)),
              ),
              r,
            ),
          ).toBe(false);
        }
      }),
    );
  });

  it('law (smallest first): a candidate is left out only if it did not fit next to the admitted ones smaller than it (or as small and older)', () => {
    fc.assert(
      fc.property(loads, candidates, (start, list) => {
        const decision = smallestFirst(start, list, CAPACITY, grid);
        for (const r of decision.leftOut) {
          const earlier = decision.admitted.filter(
            (a) =>
              a.numberOfPeople < r.numberOfPeople || (a.numberOfPeople === r.numberOfPeople && before(a, r)),
          );
          expect(fits(plus(start, earlier), r)).toBe(false);
        }
      }),
    );
  });

  it('law (best fit): each admitted one, at its turn, left no more room than any candidate that fitted then (older among equals)', () => {
    fc.assert(
      fc.property(loads, candidates, (start, list) => {
        const decision = bestFit(start, list, CAPACITY, grid);
        let current: Map<number, number> = new Map(start);
        const waiting = new Set(list);
        for (const chosen of decision.admitted) {
          expect(fits(current, chosen)).toBe(true);
          for (const other of waiting) {
            if (other === chosen || !fits(current, other)) continue;
            const [mine, theirs] = [room(current, chosen), room(current, other)];
            expect(mine <= theirs && (mine < theirs || before(chosen, other))).toBe(true);
          }
          waiting.delete(chosen);
          current = plus(current, [chosen]);
        }
      }),
    );
  });

  it('the policies choose differently from the same queue (6 seats)', () => {
    const r = (id: number, people: number): Reservation => ({
      id,
      userId: id,
      reservationName: 'R',
      start: at(0),
      end: at(1),
      numberOfPeople: people,
      status: 'pending',
      createdAt: T0 + id,
      updatedAt: T0 + id,
    });
    const list = [r(1, 4), r(2, 2), r(3, 3), r(4, 3)];
    const ids = (rule: AdmissionRule) => rule(new Map(), list, 6, grid).admitted.map((a) => a.id);
    expect(ids(fifo)).toEqual([1, 2]);
    expect(ids(smallestFirst)).toEqual([2, 3]);
    expect(ids(bestFit)).toEqual([1, 2]);
    const list2 = [r(1, 1), r(2, 5), r(3, 2)];
    expect(bestFit(new Map(), list2, 6, grid).admitted.map((a) => a.id)).toEqual([2, 1]);
    expect(smallestFirst(new Map(), list2, 6, grid).admitted.map((a) => a.id)).toEqual([1, 3]);
    expect(fifo(new Map(), list2, 6, grid).admitted.map((a) => a.id)).toEqual([1, 2]);
  });
});
