import type { Clock } from '../ports/index.js';

/** A clock that only moves when told to. */
export class FixedClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(instant: number): void {
    this.current = instant;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
