import { describe, expect, it } from 'vitest';
import { DEFAULT_SLOT_CAPACITY, firstOverflow, rangeLoad, type SlotLoads, sumDeltas } from './capacity.js';
import { CapacityExceededError } from './errors.js';
import { SlotGrid } from './slot-grid.js';
import { TimeRange } from './time-range.js';
import { parseRequestTime } from './time-zone.js';

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

describe('firstOverflow of a booking over a range', () => {
  const range = localRange('2026-12-10 09:00', '2026-12-10 10:00');
  const loads = new Map([
    [local('2026-12-10 08:50'), 50_000],
    [local('2026-12-10 09:10'), 40_000],
    [local('2026-12-10 09:30'), 45_000],
    [local('2026-12-10 09:40'), 50_000],
    [local('2026-12-10 10:00'), 50_000],
  ]);

  it('returns the first (earliest) slot that would overflow', () => {
    const overflow = bookingOverflow(loads, range, 6_000, DEFAULT_SLOT_CAPACITY, grid);
    expect(overflow).toBeInstanceOf(CapacityExceededError);
    expect(overflow?.code).toBe('capacity_exceeded');
    expect(overflow?.slotStart).toBe(local('2026-12-10 09:30'));
    expect(overflow?.available).toBe(5_000);
    expect(overflow?.requested).toBe(6_000);
  });

  it('skips slots that still fit and names a later one', () => {
    const overflow = bookingOverflow(loads, range, 1, DEFAULT_SLOT_CAPACITY, grid);
    expect(overflow?.slotStart).toBe(local('2026-12-10 09:40'));
    expect(overflow?.available).toBe(0);
  });

  it('is null when everything fits exactly at capacity', () => {
    const fits = new Map([
      [local('2026-12-10 09:10'), 40_000],
      [local('2026-12-10 09:30'), 45_000],
    ]);
    expect(bookingOverflow(fits, range, 5_000, DEFAULT_SLOT_CAPACITY, grid)).toBeNull();
    expect(bookingOverflow(new Map(), range, DEFAULT_SLOT_CAPACITY, DEFAULT_SLOT_CAPACITY, grid)).toBeNull();
  });

  it('does not charge the slot at the end of the range (half-open)', () => {
    // 10:00 is full, but a 09:00–10:00 booking does not occupy it.
    const full = new Map([[local('2026-12-10 10:00'), 50_000]]);
    expect(bookingOverflow(full, range, 50_000, DEFAULT_SLOT_CAPACITY, grid)).toBeNull();
  });

  it('refuses more people than capacity even on an empty schedule', () => {
    expect(bookingOverflow(new Map(), range, 50_001, DEFAULT_SLOT_CAPACITY, grid)?.slotStart).toBe(
      range.start,
    );
  });
});

describe('firstOverflow', () => {
  it('returns the earliest overflowing slot whatever the order of the deltas', () => {
    const loads = new Map([
      [30, 8],
      [10, 9],
      [20, 10],
    ]);
    const overflow = firstOverflow(
      loads,
      [
        { slotStart: 30, delta: 3 },
        { slotStart: 20, delta: 1 },
        { slotStart: 10, delta: 2 },
      ],
      10,
    );
    expect(overflow?.slotStart).toBe(10);
    expect(overflow?.available).toBe(1);
    expect(overflow?.requested).toBe(2);
  });

  it('never blames a negative or zero delta, even on an over-full slot', () => {
    const loads = new Map([[10, 12]]);
    expect(
      firstOverflow(
        loads,
        [
          { slotStart: 10, delta: -1 },
          { slotStart: 10, delta: 0 },
        ],
        10,
      ),
    ).toBeNull();
  });

  it('is null when every delta fits exactly', () => {
    expect(firstOverflow(new Map([[10, 4]]), [{ slotStart: 10, delta: 6 }], 10)).toBeNull();
    expect(firstOverflow(new Map(), [], 10)).toBeNull();
  });
});
describe('firstOverflow with repeated slots', () => {
  it('sums deltas for the same slot before comparing with capacity', () => {
    const overflow = firstOverflow(
      new Map(),
      [
        { slotStart: 0, delta: 6 },
        { slotStart: 0, delta: 6 },
      ],
      10,
    );
    expect(overflow?.slotStart).toBe(0);
    expect(overflow?.requested).toBe(12);
  });
});

describe('sumDeltas', () => {
  it('sums per slot, leaves zero sums out and sorts by slot', () => {
    expect(
      sumDeltas([
        { slotStart: 20, delta: 3 },
        { slotStart: 10, delta: 2 },
        { slotStart: 20, delta: -3 },
        { slotStart: 0, delta: -1 },
        { slotStart: 10, delta: 4 },
      ]),
    ).toEqual([
      { slotStart: 0, delta: -1 },
      { slotStart: 10, delta: 6 },
    ]);
  });
});
