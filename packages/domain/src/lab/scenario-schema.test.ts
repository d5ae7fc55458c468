import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { readScenarioFile } from './scenario-schema.js';

const variant = (name: string) => ({ name, capacity: 100 });
const scenario = (bookings: number, variants: number) => ({
  name: 'Sizes',
  horizon: { startDate: '2026-12-19', endDate: '2026-12-19' },
  demand: {
    seed: 1,
    bookings,
    opensAt: '2026-12-10 10:00',
    burstShare: 0.5,
    burstMinutes: 10,
    tailHours: 24,
    groupSizes: [{ people: 1, weight: 1 }],
    windows: [{ start: '2026-12-19 09:00', end: '2026-12-19 10:00', weight: 1 }],
  },
  variants: Array.from({ length: variants }, (_, i) => variant(`v${i}`)),
});

const problemsOf = (json: unknown) => {
  try {
    readScenarioFile(json);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.errors;
  }
};

describe('readScenarioFile: how much work a file may ask for', () => {
  it('takes the most bookings with one variant, and fewer the more variants replay them', () => {
    expect(problemsOf(scenario(2_000_000, 1))).toEqual([]);
    expect(problemsOf(scenario(250_000, 8))).toEqual([]);
  });

  it('refuses, before any run, bookings × variants over 2,000,000, saying both numbers', () => {
    expect(problemsOf(scenario(2_000_000, 8))).toEqual([
      {
        path: 'demand.bookings',
        message: 'bookings × variants must be at most 2,000,000, got 2,000,000 × 8 = 16,000,000',
      },
    ]);
    expect(problemsOf(scenario(250_001, 8))).toHaveLength(1);
  });
});
