import { ValidationError } from './errors.js';

/** A half-open interval `[start, end)` of epoch milliseconds. Immutable. */
export class TimeRange {
  private constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  /** @throws ValidationError unless `start < end` and both are integers */
  static of(start: number, end: number): TimeRange {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
      throw ValidationError.of('start', 'times must be whole milliseconds');
    }
    if (start >= end) throw ValidationError.of('end', 'end must be after start');
    return new TimeRange(start, end);
  }

  get durationMs(): number {
    return this.end - this.start;
  }

  contains(instant: number): boolean {
    return instant >= this.start && instant < this.end;
  }

  /** Half-open overlap: ranges that only touch do not overlap. */
  overlaps(other: TimeRange): boolean {
    return this.start < other.end && other.start < this.end;
  }

  equals(other: TimeRange): boolean {
    return this.start === other.start && this.end === other.end;
  }
}
