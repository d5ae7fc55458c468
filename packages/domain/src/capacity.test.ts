import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeSchedule,
  DEFAULT_SLOT_CAPACITY,
  expandSchedule,
  firstOverflow,
  rangeLoad,
  type ScheduleItem,
  type ScheduleQuery,
  type SlotLoads,
} from './capacity.js';
import type { CapacityExceededError } from './errors.js';
import { SlotGrid } from './slot-grid.js';
import { TimeRange } from './time-range.js';
import { dateRangeToInterval, formatInstant, leadTimeBoundary, parseRequestTime } from './time-zone.js';

const SEOUL = 'Asia/Seoul';
const grid = new SlotGrid();
const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
/** The first slot a booking of `people` over `range` would overfill. */
const bookingOverflow = (
  loads: SlotLoads,
  range: TimeRange,
  people: number,
  capacity: number,
  on: SlotGrid,
): CapacityExceededError | null => firstOverflow(loads, rangeLoad(range, people, on), capacity);
const localRange = (start: string, end: string): TimeRange => TimeRange.of(local(start), local(end));
/** Every slot of `range` loaded with `people`. */
const loadOf = (range: TimeRange, people: number, g: SlotGrid = grid): Map<number, number> =>
  new Map(g.slotsOf(range).map((slot) => [slot, people]));
const show = (items: readonly ScheduleItem[]) =>
  items.map((i) => ({
    start: formatInstant(i.start, SEOUL),
    end: formatInstant(i.end, SEOUL),
    availableCapacity: i.availableCapacity,
  }));

/** Far enough back that every day used below is bookable. */
const NOW = Date.parse('2026-11-01T00:00:00Z');
const BOOKABLE_FROM = leadTimeBoundary(NOW, SEOUL, 3);

function query(start: string, end: string, loads: SlotLoads, overrides: Partial<ScheduleQuery> = {}) {
  return computeSchedule({
    grid,
    range: dateRangeToInterval(start, end, SEOUL),
    capacity: DEFAULT_SLOT_CAPACITY,
    bookableFrom: BOOKABLE_FROM,
    loads,
    ...overrides,
  });
}

/** The schedule computed the slow way: every slot of the range, one item each. */
function bruteForceSchedule(q: ScheduleQuery): ScheduleItem[] {
  const out: ScheduleItem[] = [];
  for (let t = q.grid.ceil(q.range.start); t < q.range.end; t += q.grid.slotMs) {
    if (t < q.bookableFrom) continue;
    const available = q.capacity - (q.loads.get(t) ?? 0);
    if (available > 0) out.push({ start: t, end: t + q.grid.slotMs, availableCapacity: available });
  }
  return out;
}
describe('computeSchedule', () => {
  it('matches the API example: 10,000 people confirmed 10:00–11:00 on day D', () => {
    const loads = loadOf(localRange('2026-12-10 10:00', '2026-12-10 11:00'), 10_000);
    expect(show(query('2026-12-10', '2026-12-10', loads))).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-10T10:00:00+09:00', availableCapacity: 50_000 },
      { start: '2026-12-10T10:00:00+09:00', end: '2026-12-10T11:00:00+09:00', availableCapacity: 40_000 },
      { start: '2026-12-10T11:00:00+09:00', end: '2026-12-11T00:00:00+09:00', availableCapacity: 50_000 },
    ]);
  });

  it('an empty day is one item of full capacity', () => {
    expect(show(query('2026-12-10', '2026-12-10', new Map()))).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-11T00:00:00+09:00', availableCapacity: 50_000 },
    ]);
  });

  it('merges across midnight over a multi-day range', () => {
    const loads = loadOf(localRange('2026-12-10 23:00', '2026-12-11 01:00'), 20_000);
    expect(show(query('2026-12-10', '2026-12-12', loads))).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-10T23:00:00+09:00', availableCapacity: 50_000 },
      { start: '2026-12-10T23:00:00+09:00', end: '2026-12-11T01:00:00+09:00', availableCapacity: 30_000 },
      { start: '2026-12-11T01:00:00+09:00', end: '2026-12-13T00:00:00+09:00', availableCapacity: 50_000 },
    ]);
  });

  it('drops full slots, and a full slot splits a run of equal capacity', () => {
    const loads = new Map([
      ...loadOf(localRange('2026-12-10 09:00', '2026-12-10 09:30'), 10_000),
      ...loadOf(localRange('2026-12-10 09:30', '2026-12-10 09:40'), 50_000),
      ...loadOf(localRange('2026-12-10 09:40', '2026-12-10 10:00'), 10_000),
    ]);
    expect(show(query('2026-12-10', '2026-12-10', loads))).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-10T09:00:00+09:00', availableCapacity: 50_000 },
      { start: '2026-12-10T09:00:00+09:00', end: '2026-12-10T09:30:00+09:00', availableCapacity: 40_000 },
      { start: '2026-12-10T09:40:00+09:00', end: '2026-12-10T10:00:00+09:00', availableCapacity: 40_000 },
      { start: '2026-12-10T10:00:00+09:00', end: '2026-12-11T00:00:00+09:00', availableCapacity: 50_000 },
    ]);
  });

  it('drops the whole range when every slot is full', () => {
    const loads = loadOf(localRange('2026-12-10 00:00', '2026-12-11 00:00'), 50_000);
    expect(query('2026-12-10', '2026-12-10', loads)).toEqual([]);
  });

  it('drops slots before the lead-time boundary', () => {
    // Now is 2026-12-08 12:00 in Seoul: bookable from 2026-12-11 00:00.
    const bookableFrom = leadTimeBoundary(local('2026-12-08 12:00'), SEOUL, 3);
    const loads = loadOf(localRange('2026-12-10 10:00', '2026-12-11 01:00'), 10_000);
    expect(show(query('2026-12-09', '2026-12-11', loads, { bookableFrom }))).toEqual([
      { start: '2026-12-11T00:00:00+09:00', end: '2026-12-11T01:00:00+09:00', availableCapacity: 40_000 },
      { start: '2026-12-11T01:00:00+09:00', end: '2026-12-12T00:00:00+09:00', availableCapacity: 50_000 },
    ]);
  });

  it('is empty when the whole range is before the lead-time boundary', () => {
    const bookableFrom = leadTimeBoundary(local('2026-12-10 12:00'), SEOUL, 3);
    expect(query('2026-12-10', '2026-12-12', new Map(), { bookableFrom })).toEqual([]);
  });

  it('a reservation that only partly overlaps the range still reduces the slots inside it', () => {
    // Confirmed 30,000 people from 23:00 the day before to 01:00; the query asks only for the day.
    const loads = loadOf(localRange('2026-12-09 23:00', '2026-12-10 01:00'), 30_000);
    expect(show(query('2026-12-10', '2026-12-10', loads))).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-10T01:00:00+09:00', availableCapacity: 20_000 },
      { start: '2026-12-10T01:00:00+09:00', end: '2026-12-11T00:00:00+09:00', availableCapacity: 50_000 },
    ]);
    // And one that runs past the end of the range reduces the last slots.
    const late = loadOf(localRange('2026-12-10 23:30', '2026-12-11 02:00'), 5_000);
    expect(show(query('2026-12-10', '2026-12-10', late))).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-10T23:30:00+09:00', availableCapacity: 50_000 },
      { start: '2026-12-10T23:30:00+09:00', end: '2026-12-11T00:00:00+09:00', availableCapacity: 45_000 },
    ]);
  });

  it('ignores loads outside the range and keys off the grid', () => {
    const loads = new Map([
      [local('2026-12-09 23:50'), 10_000],
      [local('2026-12-11 00:00'), 10_000],
      [local('2026-12-10 12:05'), 10_000],
    ]);
    expect(show(query('2026-12-10', '2026-12-10', loads))).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-11T00:00:00+09:00', availableCapacity: 50_000 },
    ]);
  });

  it('merges adjacent loaded slots with equal room, and splits where the room changes', () => {
    const loads = new Map([
      [local('2026-12-10 09:00'), 5],
      [local('2026-12-10 09:10'), 5],
      [local('2026-12-10 09:20'), 6],
    ]);
    const items = query('2026-12-10', '2026-12-10', loads, { capacity: 10 });
    expect(show(items).slice(0, 4)).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-10T09:00:00+09:00', availableCapacity: 10 },
      { start: '2026-12-10T09:00:00+09:00', end: '2026-12-10T09:20:00+09:00', availableCapacity: 5 },
      { start: '2026-12-10T09:20:00+09:00', end: '2026-12-10T09:30:00+09:00', availableCapacity: 4 },
      { start: '2026-12-10T09:30:00+09:00', end: '2026-12-11T00:00:00+09:00', availableCapacity: 10 },
    ]);
    expect(items).toHaveLength(4);
  });

  it('works with a custom slot length', () => {
    const half = new SlotGrid(30);
    const loads = loadOf(localRange('2026-12-10 10:00', '2026-12-10 11:00'), 7, half);
    expect(show(query('2026-12-10', '2026-12-10', loads, { grid: half, capacity: 10 }))).toEqual([
      { start: '2026-12-10T00:00:00+09:00', end: '2026-12-10T10:00:00+09:00', availableCapacity: 10 },
      { start: '2026-12-10T10:00:00+09:00', end: '2026-12-10T11:00:00+09:00', availableCapacity: 3 },
      { start: '2026-12-10T11:00:00+09:00', end: '2026-12-11T00:00:00+09:00', availableCapacity: 10 },
    ]);
  });
});

describe('expandSchedule', () => {
  it('cuts items back into single slots', () => {
    const start = local('2026-12-10 09:00');
    expect(
      expandSchedule([{ start, end: start + 3 * grid.slotMs, availableCapacity: 7 }], grid).map((i) => [
        i.start - start,
        i.end - start,
        i.availableCapacity,
      ]),
    ).toEqual([
      [0, grid.slotMs, 7],
      [grid.slotMs, 2 * grid.slotMs, 7],
      [2 * grid.slotMs, 3 * grid.slotMs, 7],
    ]);
  });
});
describe('schedule laws', () => {
  const BASE = Date.parse('2026-12-01T00:00:00Z');
  const MINUTE = 60_000;

  /** Random schedule queries over at most two days, with small capacities so merges and full slots are common. */
  const queries: fc.Arbitrary<ScheduleQuery> = fc
    .record({
      slotMinutes: fc.constantFrom(5, 10, 15, 30),
      startMinute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      lengthMinutes: fc.integer({ min: 1, max: 2 * 24 * 60 }),
      aligned: fc.boolean(),
      capacity: fc.integer({ min: 1, max: 6 }),
      bookableOffsetMinutes: fc.integer({ min: -24 * 60, max: 3 * 24 * 60 }),
      loadedSlots: fc.array(fc.tuple(fc.integer({ min: -10, max: 600 }), fc.integer({ min: 0, max: 8 })), {
        maxLength: 60,
      }),
      runs: fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 600 }),
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 6 }),
        ),
        { maxLength: 6 },
      ),
    })
    .map((r) => {
      const g = new SlotGrid(r.slotMinutes);
      const startMinute = r.aligned ? r.startMinute - (r.startMinute % r.slotMinutes) : r.startMinute;
      const lengthMinutes = r.aligned
        ? Math.ceil(r.lengthMinutes / r.slotMinutes) * r.slotMinutes
        : r.lengthMinutes;
      const start = BASE + startMinute * MINUTE;
      const range = TimeRange.of(start, start + lengthMinutes * MINUTE);
      const first = g.floor(start);
      const loads = new Map<number, number>();
      // Scattered single slots, and runs of equal load (reservations).
      for (const [slot, load] of r.loadedSlots) loads.set(first + slot * g.slotMs, load);
      for (const [from, length, people] of r.runs) {
        for (let i = 0; i < length; i++) {
          const slot = first + (from + i) * g.slotMs;
          loads.set(slot, (loads.get(slot) ?? 0) + people);
        }
      }
      return {
        grid: g,
        range,
        capacity: r.capacity,
        bookableFrom: BASE + r.bookableOffsetMinutes * MINUTE,
        loads,
      };
    });

  it('merged schedule expands back to the per-slot schedule', () => {
    fc.assert(
      fc.property(queries, (q) => {
        expect(expandSchedule(computeSchedule(q), q.grid)).toEqual(bruteForceSchedule(q));
      }),
      { numRuns: 200 },
    );
  });

  it('no returned schedule item has capacity ≤ 0', () => {
    fc.assert(
      fc.property(queries, (q) => {
        for (const item of computeSchedule(q)) expect(item.availableCapacity).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('no schedule item starts before the lead-time boundary', () => {
    fc.assert(
      fc.property(queries, (q) => {
        for (const item of computeSchedule(q)) expect(item.start).toBeGreaterThanOrEqual(q.bookableFrom);
      }),
      { numRuns: 200 },
    );
  });

  it('adjacent schedule items never share the same available capacity', () => {
    fc.assert(
      fc.property(queries, (q) => {
        const items = computeSchedule(q);
        for (let i = 1; i < items.length; i++) {
          const previous = items[i - 1]!;
          const item = items[i]!;
          if (previous.end === item.start)
            expect(item.availableCapacity).not.toBe(previous.availableCapacity);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('schedule items are on the grid, non-empty, in time order and disjoint', () => {
    fc.assert(
      fc.property(queries, (q) => {
        const items = computeSchedule(q);
        let previousEnd = Number.NEGATIVE_INFINITY;
        for (const item of items) {
          expect(q.grid.isAligned(item.start)).toBe(true);
          expect(q.grid.isAligned(item.end)).toBe(true);
          expect(item.start).toBeLessThan(item.end);
          expect(item.start).toBeGreaterThanOrEqual(previousEnd);
          expect(item.start).toBeGreaterThanOrEqual(q.range.start);
          expect(item.end - q.grid.slotMs).toBeLessThan(q.range.end);
          previousEnd = item.end;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a booking overflows nowhere exactly when every slot of the range has room for the people', () => {
    fc.assert(
      fc.property(queries, fc.integer({ min: 1, max: 6 }), (q, people) => {
        const overflow = bookingOverflow(q.loads, q.range, people, q.capacity, q.grid);
        const full = q.grid.slotsOf(q.range).filter((t) => (q.loads.get(t) ?? 0) + people > q.capacity);
        expect(overflow?.slotStart ?? null).toBe(full[0] ?? null);
      }),
      { numRuns: 200 },
    );
  });
});
