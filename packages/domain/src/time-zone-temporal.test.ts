import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { formatInstant, leadTimeBoundary, parseRequestTime } from './time-zone.js';

describe('formatInstant fast path', () => {
  const zones = [
    'Asia/Seoul',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'UTC',
  ];
  it('formats exactly as Temporal does, across DST transitions, for any instant and zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        fc.constantFrom(...zones),
        (instant, zone) => {
          const expected = Temporal.Instant.fromEpochMilliseconds(instant)
            .toZonedDateTimeISO(zone)
            .toString({ timeZoneName: 'never', smallestUnit: 'second' });
          expect(formatInstant(instant, zone)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gets the minutes on either side of a DST change right', () => {
    // Europe/Berlin leaves DST at 01:00 UTC on 2026-10-25.
    const change = Date.UTC(2026, 9, 25, 1, 0);
    expect(formatInstant(change - 60_000, 'Europe/Berlin')).toBe('2026-10-25T02:59:00+02:00');
    expect(formatInstant(change, 'Europe/Berlin')).toBe('2026-10-25T02:00:00+01:00');
    // Australia/Lord_Howe moves by 30 minutes.
    const lordHowe = Date.UTC(2026, 9, 3, 15, 30);
    expect(formatInstant(lordHowe - 1000, 'Australia/Lord_Howe')).toBe(
      Temporal.Instant.fromEpochMilliseconds(lordHowe - 1000)
        .toZonedDateTimeISO('Australia/Lord_Howe')
        .toString({ timeZoneName: 'never', smallestUnit: 'second' }),
    );
  });
});

describe('formatInstant before standard time', () => {
  it('names the very instant (to the second) where the offset had seconds, with the offset rounded to the minute', () => {
    // Seoul kept +08:27:52 until 1908, Amsterdam +00:19:32 until 1937, New York -04:56:02 until 1883.
    expect(formatInstant(Date.UTC(1900, 0, 1), 'Asia/Seoul')).toBe('1900-01-01T08:28:00+08:28');
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(1940, 0, 1) }),
        fc.constantFrom('Asia/Seoul', 'Europe/Amsterdam', 'America/New_York', 'Africa/Monrovia'),
        (instant, zone) => {
          const text = formatInstant(instant, zone);
          expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
          expect(Date.parse(text)).toBe(Math.floor(instant / 1000) * 1000);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('formatInstant at transition instants', () => {
  it('uses the new offset exactly at a transition and the old one a millisecond before', () => {
    const change = Date.UTC(2026, 2, 29, 1, 0); // Europe/Berlin enters DST
    // Format the transition instant first, so the memo is built from it.
    expect(formatInstant(change, 'Europe/Berlin')).toBe('2026-03-29T03:00:00+02:00');
    expect(formatInstant(change - 1000, 'Europe/Berlin')).toBe('2026-03-29T01:59:59+01:00');
  });
});

/**
 * parseRequestTime as it reads times with Temporal alone: the plain version
 * its fast reading must agree with.
 */
function readWithTemporal(text: string, zone: string): number {
  const local = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})$/.exec(text);
  if (local) {
    const day = Temporal.PlainDate.from(local[1]!, { overflow: 'reject' });
    const time = Temporal.PlainTime.from(
      { hour: Number(local[2]), minute: Number(local[3]) },
      { overflow: 'reject' },
    );
    const dateTime = day.toPlainDateTime(time);
    const zoned = dateTime.toZonedDateTime(zone, { disambiguation: 'earlier' });
    if (!zoned.toPlainDateTime().equals(dateTime)) throw new RangeError('gap');
    return zoned.epochMilliseconds;
  }
  return Temporal.Instant.from(text).epochMilliseconds;
}

describe('parseRequestTime reads as Temporal does', () => {
  const zones = [
    'Asia/Seoul',
    'Europe/Berlin',
    'America/New_York',
    'Australia/Lord_Howe',
    'America/Sao_Paulo',
    'UTC',
  ];
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const outcome = (read: () => number): number | 'refused' => {
    try {
      return read();
    } catch {
      return 'refused';
    }
  };

  it('for local times, near daylight-saving changes and far from them, valid or not', () => {
    // Days that hold a change somewhere, and plain days.
    const days = fc.oneof(
      fc.constantFrom(
        '2026-03-08',
        '2026-03-29',
        '2026-10-04',
        '2026-10-25',
        '2026-11-01',
        '2027-04-04',
        '1987-10-11',
      ),
      fc
        .record({
          y: fc.integer({ min: 1970, max: 2100 }),
          m: fc.integer({ min: 1, max: 12 }),
          d: fc.integer({ min: 1, max: 31 }),
        })
        .map(({ y, m, d }) => `${y}-${pad(m)}-${pad(d)}`),
    );
    fc.assert(
      fc.property(
        days,
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom(...zones),
        (day, hour, minute, zone) => {
          const text = `${day} ${pad(hour)}:${pad(minute)}`;
          expect(outcome(() => parseRequestTime(text, zone, 't'))).toEqual(
            outcome(() => readWithTemporal(text, zone)),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('for ISO 8601 times with an offset or Z', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 2), max: Date.UTC(9998, 11, 30) }),
        fc.constantFrom('Z', '+09:00', '-05:30', '+14:00', '-12:00', '+00:00', '+23:59', '+24:00'),
        fc.constantFrom('', ':00', ':59', ':60', '.5', '.123', '.120'),
        (instant, offset, tail) => {
          const text = `${new Date(instant).toISOString().slice(0, 16)}${tail}${offset}`;
          expect(outcome(() => parseRequestTime(text, 'Asia/Seoul', 't'))).toEqual(
            outcome(() => readWithTemporal(text, 'Asia/Seoul')),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('knows the lead-time boundary across local midnight, every day of a year with two changes', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Asia/Seoul']) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3 * 3_600_000 + 7 * 60_000) {
        const today = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(zone).toPlainDate();
        const expected = today.add({ days: 3 }).toZonedDateTime({ timeZone: zone }).epochMilliseconds;
        expect(leadTimeBoundary(t, zone, 3)).toBe(expected);
      }
    }
  });
});
