import { describe, expect, it } from 'vitest';
import type { SimulationEvent } from '../simulate.js';
import { type DemandOptions, generateDemand, LAB_ADMIN, WITHDRAWN } from './demand.js';
import { exponentialGap, pickWeighted, seededRandom } from './random.js';

const OPENS = Date.parse('2026-12-10T01:00:00Z');
const W1 = { start: Date.parse('2026-12-19T00:00:00Z'), end: Date.parse('2026-12-19T02:00:00Z'), weight: 3 };
const W2 = { start: Date.parse('2026-12-19T04:00:00Z'), end: Date.parse('2026-12-19T05:00:00Z'), weight: 1 };
const options: DemandOptions = {
  seed: 7,
  bookings: 4000,
  opensAt: OPENS,
  burstShare: 0.75,
  burstMinutes: 10,
  tailHours: 24,
  groupSizes: [
    { people: 1, weight: 8 },
    { people: 5, weight: 2 },
  ],
  windows: [W1, W2],
  cancelShare: 0.1,
  admission: { everyMinutes: 120, start: W1.start, end: W2.end, rejectRestAtEnd: true },
};
const creates = (events: SimulationEvent[]) => events.filter((e) => e.type === 'create');

describe('seeded randomness', () => {
  it('the same seed gives the same numbers; another seed others; all in [0, 1)', () => {
    const take = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    const values = take(1);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('exponential gaps average their mean; weighted picks follow their weights', () => {
    const random = seededRandom(3);
    const gaps = Array.from({ length: 20_000 }, () => exponentialGap(random, 100));
    expect(gaps.reduce((a, b) => a + b) / gaps.length).toBeGreaterThan(95);
    expect(gaps.reduce((a, b) => a + b) / gaps.length).toBeLessThan(105);
    const table = [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 3 },
    ];
    const bs = Array.from({ length: 20_000 }, () => pickWeighted(random, table).name).filter(
      (n) => n === 'b',
    );
    expect(bs.length / 20_000).toBeGreaterThan(0.73);
    expect(bs.length / 20_000).toBeLessThan(0.77);
  });
});

describe('generateDemand', () => {
  const events = [...generateDemand(options)];

  it('is reproducible from its seed, and another seed gives other demand', () => {
    expect([...generateDemand(options)]).toEqual(events);
    expect([...generateDemand({ ...options, seed: 8 })]).not.toEqual(events);
  });

  it('gives every booking, in time order, each from the tables', () => {
    const bookings = creates(events);
    expect(bookings).toHaveLength(4000);
    for (let i = 1; i < events.length; i++) expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
    for (const b of bookings) {
      expect([1, 5]).toContain(b.draft.numberOfPeople);
      expect([W1.start, W2.start]).toContain(b.draft.start);
    }
    const inW1 = bookings.filter((b) => b.draft.start === W1.start).length / bookings.length;
    expect(inW1).toBeGreaterThan(0.72);
    expect(inW1).toBeLessThan(0.78);
    expect(new Set(bookings.map((b) => b.actor.userId)).size).toBe(4000);
  });

  it('a burst at opening and a tail: three quarters arrive in the first 10 minutes, the rest over about a day', () => {
    const times = creates(events).map((e) => e.at - OPENS);
    const inBurst = times.filter((t) => t <= 10 * 60_000).length;
    expect(inBurst / times.length).toBeGreaterThan(0.73);
    expect(inBurst / times.length).toBeLessThan(0.77);
    const last = times[times.length - 1]!;
    expect(last).toBeGreaterThan(20 * 3_600_000);
    expect(last).toBeLessThan(28 * 3_600_000);
  });

  it('withdrawals cancel an earlier id as the admin; admissions run every 2 hours and a last one rejects the rest', () => {
    const cancels = events.filter((e) => e.type === 'cancel');
    expect(cancels.length / 4000).toBeGreaterThan(0.08);
    expect(cancels.length / 4000).toBeLessThan(0.12);
    for (const c of cancels) expect(c).toMatchObject({ actor: LAB_ADMIN, reason: WITHDRAWN });
    const admits = events.filter((e) => e.type === 'admit');
    expect(admits.map((a) => (a.at - OPENS) / 3_600_000)).toEqual(
      Array.from({ length: admits.length }, (_, i) => 2 * (i + 1)),
    );
    expect(admits.map((a) => a.rejectRest ?? false).filter(Boolean)).toEqual([true]);
    expect(admits[admits.length - 1]!.rejectRest).toBe(true);
    expect(admits[admits.length - 1]!.at).toBeGreaterThan(
      events.filter((e) => e.type === 'create').pop()!.at,
    );
  });
});
