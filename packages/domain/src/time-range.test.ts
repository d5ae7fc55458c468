import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { TimeRange } from './time-range.js';

describe('TimeRange', () => {
  it('keeps start and end and knows its duration', () => {
    const r = TimeRange.of(1_000, 4_000);
    expect(r.start).toBe(1_000);
    expect(r.end).toBe(4_000);
    expect(r.durationMs).toBe(3_000);
  });

  it('refuses start >= end with a ValidationError on end', () => {
    for (const [start, end] of [
      [5, 5],
      [6, 5],
    ] as const) {
      let caught: unknown;
      try {
        TimeRange.of(start, end);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).errors).toEqual([
        { path: 'end', message: 'end must be after start' },
      ]);
    }
  });

  it('refuses times that are not whole milliseconds', () => {
    expect(() => TimeRange.of(0.5, 10)).toThrow(ValidationError);
    expect(() => TimeRange.of(0, Number.NaN)).toThrow(ValidationError);
    expect(() => TimeRange.of(0, Number.POSITIVE_INFINITY)).toThrow(ValidationError);
  });

  it('contains is half-open: start in, end out', () => {
    const r = TimeRange.of(10, 20);
    expect(r.contains(9)).toBe(false);
    expect(r.contains(10)).toBe(true);
    expect(r.contains(19)).toBe(true);
    expect(r.contains(20)).toBe(false);
  });

  it('ranges that only touch do not overlap; ranges that share an instant do', () => {
    const r = TimeRange.of(10, 20);
    expect(r.overlaps(TimeRange.of(20, 30))).toBe(false);
    expect(r.overlaps(TimeRange.of(0, 10))).toBe(false);
    expect(r.overlaps(TimeRange.of(19, 30))).toBe(true);
    expect(r.overlaps(TimeRange.of(0, 11))).toBe(true);
    expect(r.overlaps(TimeRange.of(12, 15))).toBe(true);
    expect(TimeRange.of(12, 15).overlaps(r)).toBe(true);
  });

  it('equals compares both ends', () => {
    expect(TimeRange.of(1, 2).equals(TimeRange.of(1, 2))).toBe(true);
    expect(TimeRange.of(1, 2).equals(TimeRange.of(1, 3))).toBe(false);
    expect(TimeRange.of(0, 2).equals(TimeRange.of(1, 2))).toBe(false);
  });
});
