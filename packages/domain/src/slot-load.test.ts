import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingPolicy } from './booking-policy.js';
import { ValidationError } from './errors.js';
import { SlotGrid } from './slot-grid.js';
import { computeLoad, expandLoad, type LoadItem, loadDateRange, MAX_LOAD_RANGE_DAYS } from './slot-load.js';
import { TimeRange } from './time-range.js';
import { dateRangeToInterval, formatInstant, parseRequestTime } from './time-zone.js';

const SEOUL = 'Asia/Seoul';
const grid = new SlotGrid();
const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
const show = (items: readonly LoadItem[]) =>
  items.map((i) => ({ ...i, start: formatInstant(i.start, SEOUL), end: formatInstant(i.end, SEOUL) }));

describe('computeLoad', () => {
  it('gives the whole day as stretches of equal load: confirmed 10:00–11:00, pending overlapping it', () => {
    const range = dateRangeToInterval('2026-12-01', '2026-12-01', SEOUL);
    const slots = (from: string, to: string) => grid.slotsOf(TimeRange.of(local(from), local(to)));
    const confirmed = new Map(slots('2026-12-01 10:00', '2026-12-01 11:00').map((s) => [s, 10_000]));
    const pending = new Map<number, number>();
    for (const [from, to, people] of [
      ['2026-12-01 09:30', '2026-12-01 10:30', 300],
      ['2026-12-01 10:20', '2026-12-01 12:00', 50],
    ] as const) {
      for (const s of slots(from, to)) pending.set(s, (pending.get(s) ?? 0) + people);
    }
    const items = computeLoad({ grid, range, capacity: 50_000, confirmed, pending });
    const row = (start: string, end: string, c: number, p: number) => ({
      start: `2026-12-${start}:00+09:00`,
      end: `2026-12-${end}:00+09:00`,
      capacity: 50_000,
      confirmed: c,
      pending: p,
    });
    expect(show(items)).toEqual([
      row('01T00:00', '01T09:30', 0, 0),
      row('01T09:30', '01T10:00', 0, 300),
      row('01T10:00', '01T10:20', 10_000, 300),
      row('01T10:20', '01T10:30', 10_000, 350),
      row('01T10:30', '01T11:00', 10_000, 50),
      row('01T11:00', '01T12:00', 0, 50),
      row('01T12:00', '02T00:00', 0, 0),
    ]);
  });

  it('merges across midnight, and an empty range of days is one stretch', () => {
    const range = dateRangeToInterval('2026-12-01', '2026-12-03', SEOUL);
    expect(show(computeLoad({ grid, range, capacity: 7, confirmed: new Map(), pending: new Map() }))).toEqual(
      [
        {
          start: '2026-12-01T00:00:00+09:00',
          end: '2026-12-04T00:00:00+09:00',
          capacity: 7,
          confirmed: 0,
          pending: 0,
        },
      ],
    );
  });

  it('ignores loads outside the range, off the grid, or zero', () => {
    const range = TimeRange.of(0, 6 * grid.slotMs);
    const confirmed = new Map([
      [-grid.slotMs, 5],
      [6 * grid.slotMs, 5],
      [grid.slotMs + 1, 5],
      [2 * grid.slotMs, 0],
    ]);
    expect(computeLoad({ grid, range, capacity: 9, confirmed, pending: new Map() })).toEqual([
      { start: 0, end: 6 * grid.slotMs, capacity: 9, confirmed: 0, pending: 0 },
    ]);
  });

  it('covers the range exactly, never repeats a stretch, and keeps every slot’s load (property)', () => {
    const slotMs = grid.slotMs;
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.integer({ min: -10, max: 70 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 40,
        }),
        fc.array(fc.tuple(fc.integer({ min: -10, max: 70 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 40,
        }),
        (first, count, confirmedPairs, pendingPairs) => {
          const range = TimeRange.of(first * slotMs, (first + count) * slotMs);
          const confirmed = new Map(confirmedPairs.map(([s, n]) => [s * slotMs, n]));
          const pending = new Map(pendingPairs.map(([s, n]) => [s * slotMs, n]));
          const items = computeLoad({ grid, range, capacity: 3, confirmed, pending });
          // Exactly the range, with no gap or overlap, on the grid.
          expect(items[0]!.start).toBe(range.start);
          expect(items[items.length - 1]!.end).toBe(range.end);
          for (const [i, item] of items.entries()) {
            expect(item.start).toBeLessThan(item.end);
            expect(grid.isAligned(item.start) && grid.isAligned(item.end)).toBe(true);
            expect(item.capacity).toBe(3);
            const next = items[i + 1];
            if (!next) continue;
            expect(next.start).toBe(item.end);
            // Merged as far as it goes: neighbours always differ.
            expect([next.confirmed, next.pending]).not.toEqual([item.confirmed, item.pending]);
          }
          // Every slot keeps its own loads.
          const slots = expandLoad(items, grid);
          expect(slots.map((s) => s.start)).toEqual(grid.slotsOf(range));
          for (const slot of slots) {
            expect(slot.confirmed).toBe(confirmed.get(slot.start) ?? 0);
            expect(slot.pending).toBe(pending.get(slot.start) ?? 0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('loadDateRange', () => {
  const policy = bookingPolicy();

  it(`accepts up to ${MAX_LOAD_RANGE_DAYS} days and refuses one more, on end`, () => {
    expect(loadDateRange('2026-12-01', '2026-12-31', policy)).toEqual(
      dateRangeToInterval('2026-12-01', '2026-12-31', SEOUL),
    );
    const refused = (() => {
      try {
        loadDateRange('2026-12-01', '2027-01-01', policy);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).errors).toEqual([
      { path: 'end', message: 'a range may span at most 31 days' },
    ]);
  });

  it('refuses bad dates and an end before the start, like the schedules', () => {
    expect(() => loadDateRange('2026-02-30', '2026-03-01', policy)).toThrow(ValidationError);
    expect(() => loadDateRange('2026-12-02', '2026-12-01', policy)).toThrow(ValidationError);
  });

  it('keeps to a shorter maximum of the policy', () => {
    expect(() => loadDateRange('2026-12-01', '2026-12-03', bookingPolicy({ maxRangeDays: 2 }))).toThrow(
      ValidationError,
    );
  });
});
