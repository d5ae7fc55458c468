import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlotDelta } from './capacity.js';
import { CapacityLedger } from './capacity-ledger.js';
import { CapacityExceededError } from './errors.js';

const SLOT = 600_000;
const s = (i: number): number => i * SLOT;

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected an error to be thrown');
}

describe('CapacityLedger', () => {
  it('adds and removes load per slot', () => {
    const ledger = new CapacityLedger(10);
    ledger.apply([
      { slotStart: s(1), delta: 4 },
      { slotStart: s(2), delta: 6 },
    ]);
    ledger.apply([{ slotStart: s(1), delta: 3 }]);
    expect(ledger.load(s(1))).toBe(7);
    expect(ledger.load(s(2))).toBe(6);
    expect(ledger.load(s(3))).toBe(0);
    ledger.apply([{ slotStart: s(2), delta: -6 }]);
    expect([...ledger.snapshot()]).toEqual([[s(1), 7]]);
  });

  it('fills a slot exactly to capacity', () => {
    const ledger = new CapacityLedger(10);
    ledger.apply([{ slotStart: s(1), delta: 10 }]);
    expect(ledger.load(s(1))).toBe(10);
  });

  it('refuses over capacity naming the first overflowing slot, and changes nothing', () => {
    const ledger = new CapacityLedger(10);
    ledger.apply([
      { slotStart: s(2), delta: 8 },
      { slotStart: s(3), delta: 9 },
    ]);
    const before = ledger.snapshot();
    const error = errorOf(() =>
      ledger.apply([
        { slotStart: s(1), delta: 5 },
        { slotStart: s(3), delta: 2 },
        { slotStart: s(2), delta: 3 },
      ]),
    );
    expect(error).toBeInstanceOf(CapacityExceededError);
    expect(error).toMatchObject({ code: 'capacity_exceeded', slotStart: s(2), available: 2, requested: 3 });
    expect(ledger.snapshot()).toEqual(before);
    expect(ledger.load(s(1))).toBe(0);
  });

  it('refuses a change that would make a load negative, and changes nothing', () => {
    const ledger = new CapacityLedger(10);
    ledger.apply([{ slotStart: s(5), delta: 3 }]);
    expect(() =>
      ledger.apply([
        { slotStart: s(1), delta: 5 },
        { slotStart: s(2), delta: -1 },
      ]),
    ).toThrow(RangeError);
    expect(() => ledger.apply([{ slotStart: s(5), delta: -4 }])).toThrow(RangeError);
    expect([...ledger.snapshot()]).toEqual([[s(5), 3]]);
  });

  it('checks two deltas for one slot as their sum', () => {
    const ledger = new CapacityLedger(10);
    expect(() =>
      ledger.apply([
        { slotStart: s(1), delta: 6 },
        { slotStart: s(1), delta: 6 },
      ]),
    ).toThrow(CapacityExceededError);
    expect(ledger.load(s(1))).toBe(0);
    ledger.apply([
      { slotStart: s(1), delta: 6 },
      { slotStart: s(1), delta: -2 },
      { slotStart: s(1), delta: 6 },
    ]);
    expect(ledger.load(s(1))).toBe(10);
  });

  it('lets a change move load out of a full slot', () => {
    const ledger = new CapacityLedger(10);
    ledger.apply([{ slotStart: s(1), delta: 10 }]);
    ledger.apply([
      { slotStart: s(1), delta: -4 },
      { slotStart: s(2), delta: 4 },
    ]);
    expect([...ledger.snapshot()].sort(([a], [b]) => a - b)).toEqual([
      [s(1), 6],
      [s(2), 4],
    ]);
  });

  it('loadsIn returns the slots that start in [from, to)', () => {
    const ledger = new CapacityLedger(10);
    ledger.apply([1, 2, 3, 4].map((i) => ({ slotStart: s(i), delta: i })));
    expect([...ledger.loadsIn(s(2), s(4))]).toEqual([
      [s(2), 2],
      [s(3), 3],
    ]);
  });

  it('snapshot is a copy', () => {
    const ledger = new CapacityLedger(10);
    ledger.apply([{ slotStart: s(1), delta: 1 }]);
    const snapshot = ledger.snapshot();
    ledger.apply([{ slotStart: s(1), delta: 1 }]);
    expect(snapshot.get(s(1))).toBe(1);
    expect(ledger.load(s(1))).toBe(2);
  });

  it('a batch is applied whole when every slot stays in 0..capacity, and not at all otherwise', () => {
    const capacity = 10;
    const deltas = fc.array(
      fc.record({ slotStart: fc.integer({ min: 0, max: 5 }).map(s), delta: fc.integer({ min: -6, max: 8 }) }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(fc.array(deltas, { maxLength: 30 }), (batches: SlotDelta[][]) => {
        const ledger = new CapacityLedger(capacity);
        const model = new Map<number, number>();
        for (const batch of batches) {
          const next = new Map(model);
          for (const { slotStart, delta } of batch) next.set(slotStart, (next.get(slotStart) ?? 0) + delta);
          const values = [...next.values()];
          const over = values.some((v) => v > capacity);
          const negative = values.some((v) => v < 0);
          let error: unknown = null;
          try {
            ledger.apply(batch);
          } catch (e) {
            error = e;
          }
          if (over) expect(error).toBeInstanceOf(CapacityExceededError);
          else if (negative) expect(error).toBeInstanceOf(RangeError);
          else {
            expect(error).toBeNull();
            for (const [slot, load] of next) {
              if (load === 0) model.delete(slot);
              else model.set(slot, load);
            }
          }
          expect(new Map([...ledger.snapshot()].sort(([a], [b]) => a - b))).toEqual(
            new Map([...model].sort(([a], [b]) => a - b)),
          );
          for (const load of ledger.snapshot().values()) {
            expect(load).toBeGreaterThan(0);
            expect(load).toBeLessThanOrEqual(capacity);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('CapacityLedger starting from given loads', () => {
  it('counts the initial loads against capacity and leaves the given map alone', () => {
    const initial = new Map([
      [0, 90],
      [600_000, 0],
    ]);
    const ledger = new CapacityLedger(100, initial);
    expect(ledger.load(0)).toBe(90);
    expect(() => ledger.apply([{ slotStart: 0, delta: 11 }])).toThrow(CapacityExceededError);
    ledger.apply([{ slotStart: 0, delta: 10 }]);
    expect(ledger.load(0)).toBe(100);
    expect(initial.get(0)).toBe(90);
    expect(ledger.snapshot()).toEqual(new Map([[0, 100]]));
  });
});
