import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLOT_MINUTES, SlotGrid } from './slot-grid.js';
import { TimeRange } from './time-range.js';

const MINUTE = 60_000;
const at = (iso: string): number => Date.parse(iso);
const range = (start: string, end: string): TimeRange => TimeRange.of(at(start), at(end));

describe('SlotGrid', () => {
  const grid = new SlotGrid();

  it('defaults to 10-minute slots', () => {
    expect(DEFAULT_SLOT_MINUTES).toBe(10);
    expect(grid.slotMinutes).toBe(10);
    expect(grid.slotMs).toBe(10 * MINUTE);
  });

  it('refuses a slot length that is not a positive whole number of minutes', () => {
    expect(() => new SlotGrid(0)).toThrow(RangeError);
    expect(() => new SlotGrid(-10)).toThrow(RangeError);
    expect(() => new SlotGrid(2.5)).toThrow(RangeError);
    expect(() => new SlotGrid(Number.NaN)).toThrow(RangeError);
  });

  describe('isAligned', () => {
    it('accepts instants on the grid', () => {
      expect(grid.isAligned(at('2026-12-01T09:00:00Z'))).toBe(true);
      expect(grid.isAligned(at('2026-12-01T09:50:00Z'))).toBe(true);
      expect(grid.isAligned(0)).toBe(true);
      expect(grid.isAligned(-10 * MINUTE)).toBe(true);
    });

    it('refuses instants off the grid, by a minute, a second or a millisecond', () => {
      expect(grid.isAligned(at('2026-12-01T09:05:00Z'))).toBe(false);
      expect(grid.isAligned(at('2026-12-01T09:00:01Z'))).toBe(false);
      expect(grid.isAligned(at('2026-12-01T09:00:00Z') + 1)).toBe(false);
      expect(grid.isAligned(-5 * MINUTE)).toBe(false);
    });

    it('refuses values that are not safe integers', () => {
      expect(grid.isAligned(Number.NaN)).toBe(false);
      expect(grid.isAligned(Number.POSITIVE_INFINITY)).toBe(false);
      expect(grid.isAligned(0.5)).toBe(false);
    });
  });

  describe('floor and ceil', () => {
    it('floor gives the start of the slot containing the instant', () => {
      expect(grid.floor(at('2026-12-01T09:07:30Z'))).toBe(at('2026-12-01T09:00:00Z'));
      expect(grid.floor(at('2026-12-01T09:59:59.999Z'))).toBe(at('2026-12-01T09:50:00Z'));
      expect(grid.floor(-1)).toBe(-10 * MINUTE);
    });

    it('ceil gives the first slot start at or after the instant', () => {
      expect(grid.ceil(at('2026-12-01T09:00:00.001Z'))).toBe(at('2026-12-01T09:10:00Z'));
      expect(grid.ceil(at('2026-12-01T09:07:30Z'))).toBe(at('2026-12-01T09:10:00Z'));
      expect(grid.ceil(at('2026-12-01T09:59:59.999Z'))).toBe(at('2026-12-01T10:00:00Z'));
    });

    it('floor and ceil leave aligned instants where they are', () => {
      const t = at('2026-12-01T09:10:00Z');
      expect(grid.floor(t)).toBe(t);
      expect(grid.ceil(t)).toBe(t);
    });
  });

  describe('slotsOf (half-open)', () => {
    it('a 09:00–10:00 reservation occupies exactly the six slots 09:00..09:50, not 10:00', () => {
      const slots = grid.slotsOf(range('2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z'));
      expect(slots).toEqual(
        ['09:00', '09:10', '09:20', '09:30', '09:40', '09:50'].map((hm) => at(`2026-12-01T${hm}:00Z`)),
      );
      expect(slots).not.toContain(at('2026-12-01T10:00:00Z'));
    });

    it('a single-slot reservation occupies one slot', () => {
      expect(grid.slotsOf(range('2026-12-01T09:00:00Z', '2026-12-01T09:10:00Z'))).toEqual([
        at('2026-12-01T09:00:00Z'),
      ]);
    });

    it('an unaligned range occupies the slots that start inside it', () => {
      // [09:05, 09:25): slots starting at 09:10 and 09:20; 09:00 starts before the range.
      expect(grid.slotsOf(range('2026-12-01T09:05:00Z', '2026-12-01T09:25:00Z'))).toEqual([
        at('2026-12-01T09:10:00Z'),
        at('2026-12-01T09:20:00Z'),
      ]);
    });

    it('a range too short to contain a slot start occupies nothing', () => {
      expect(grid.slotsOf(range('2026-12-01T09:01:00Z', '2026-12-01T09:09:00Z'))).toEqual([]);
    });

    it('returns slots in ascending order across midnight', () => {
      const slots = grid.slotsOf(range('2026-12-01T23:40:00Z', '2026-12-02T00:20:00Z'));
      expect(slots).toEqual(
        ['2026-12-01T23:40', '2026-12-01T23:50', '2026-12-02T00:00', '2026-12-02T00:10'].map((s) =>
          at(`${s}:00Z`),
        ),
      );
    });
  });

  describe('countSlots', () => {
    it('counts the slots of ranges without building them', () => {
      expect(grid.countSlots(range('2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z'))).toBe(6);
      expect(grid.countSlots(range('2026-12-01T09:05:00Z', '2026-12-01T09:25:00Z'))).toBe(2);
      expect(grid.countSlots(range('2026-12-01T09:01:00Z', '2026-12-01T09:09:00Z'))).toBe(0);
      expect(grid.countSlots(range('2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z'))).toBe(144);
    });

    it('agrees with slotsOf(...).length for any range and slot length', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 90 }),
          fc.integer({ min: -1_000_000, max: 1_000_000 }),
          fc.integer({ min: 1, max: 600 }),
          (minutes, startMinute, lengthMinutes) => {
            const g = new SlotGrid(minutes);
            const r = TimeRange.of(startMinute * MINUTE, (startMinute + lengthMinutes) * MINUTE);
            expect(g.countSlots(r)).toBe(g.slotsOf(r).length);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('custom slot length', () => {
    const quarter = new SlotGrid(15);

    it('aligns, floors and ceils to the custom length', () => {
      expect(quarter.slotMs).toBe(15 * MINUTE);
      expect(quarter.isAligned(at('2026-12-01T09:15:00Z'))).toBe(true);
      expect(quarter.isAligned(at('2026-12-01T09:10:00Z'))).toBe(false);
      expect(quarter.floor(at('2026-12-01T09:29:00Z'))).toBe(at('2026-12-01T09:15:00Z'));
      expect(quarter.ceil(at('2026-12-01T09:16:00Z'))).toBe(at('2026-12-01T09:30:00Z'));
    });

    it('a 09:00–10:00 reservation occupies four 15-minute slots', () => {
      expect(quarter.slotsOf(range('2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z'))).toEqual(
        ['09:00', '09:15', '09:30', '09:45'].map((hm) => at(`2026-12-01T${hm}:00Z`)),
      );
      expect(quarter.countSlots(range('2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z'))).toBe(4);
    });
  });

  describe('laws', () => {
    it('occupied-slot enumeration matches a brute-force minute-by-minute reference', () => {
      // Minutes since the epoch, around 2026; 2026-01-01T00:00Z is on every grid used here.
      const base = at('2026-01-01T00:00:00Z') / MINUTE;
      const aligned = fc
        .tuple(fc.integer({ min: -2_000, max: 2_000 }), fc.integer({ min: 1, max: 40 }))
        .map(([slot, length]) => [base + slot * 10, base + (slot + length) * 10] as const);
      const unaligned = fc
        .tuple(fc.integer({ min: -20_000, max: 20_000 }), fc.integer({ min: 1, max: 400 }))
        .map(([start, length]) => [base + start, base + start + length] as const);
      fc.assert(
        fc.property(
          fc.constantFrom(1, 5, 10, 15, 30),
          fc.oneof(aligned, unaligned),
          (minutes, [startMinute, endMinute]) => {
            const g = new SlotGrid(minutes);
            const expected: number[] = [];
            for (let m = startMinute; m < endMinute; m++) {
              if (m % minutes === 0) expected.push(m * MINUTE);
            }
            const r = TimeRange.of(startMinute * MINUTE, endMinute * MINUTE);
            expect(g.slotsOf(r)).toEqual(expected);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('every occupied slot is aligned, starts inside the range, and floor ≤ t ≤ ceil', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }),
          fc.integer({ min: 1, max: 10 * 3_600_000 }),
          (start, length) => {
            const r = TimeRange.of(start, start + length);
            for (const t of grid.slotsOf(r)) {
              expect(grid.isAligned(t)).toBe(true);
              expect(r.contains(t)).toBe(true);
            }
            expect(grid.floor(start)).toBeLessThanOrEqual(start);
            expect(grid.ceil(start)).toBeGreaterThanOrEqual(start);
            expect(grid.ceil(start) - grid.floor(start)).toBeLessThanOrEqual(grid.slotMs);
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
