import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { SlotGrid } from './slot-grid.js';
import {
  assertTimeZone,
  dateRangeToInterval,
  daysInDateRange,
  formatInstant,
  leadTimeBoundary,
  parseRequestTime,
} from './time-zone.js';

const SEOUL = 'Asia/Seoul';
const NEW_YORK = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const at = (iso: string): number => Date.parse(iso);

/** The ValidationError `fn` throws; fails the test if it throws anything else or nothing. */
function validationErrorOf(fn: () => unknown): ValidationError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  const error = caught as ValidationError;
  expect(error.code).toBe('validation_error');
  return error;
}

describe('assertTimeZone', () => {
  it('accepts IANA zones and refuses unknown ones', () => {
    expect(() => assertTimeZone(SEOUL)).not.toThrow();
    expect(() => assertTimeZone(NEW_YORK)).not.toThrow();
    expect(() => assertTimeZone('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('parseRequestTime', () => {
  it('reads "YYYY-MM-DD HH:MM" in the given zone', () => {
    expect(parseRequestTime('2026-12-01 09:00', SEOUL, 'start')).toBe(at('2026-12-01T00:00:00Z'));
    expect(parseRequestTime('2026-12-01 00:00', SEOUL, 'start')).toBe(at('2026-11-30T15:00:00Z'));
    expect(parseRequestTime('2026-12-01 09:00', NEW_YORK, 'start')).toBe(at('2026-12-01T14:00:00Z'));
  });

  it('reads ISO 8601 with an explicit offset or Z, ignoring the zone', () => {
    expect(parseRequestTime('2026-12-01T09:00:00+09:00', NEW_YORK, 'start')).toBe(at('2026-12-01T00:00:00Z'));
    expect(parseRequestTime('2026-12-01T00:00:00Z', SEOUL, 'start')).toBe(at('2026-12-01T00:00:00Z'));
    expect(parseRequestTime('2026-12-01T00:00Z', SEOUL, 'start')).toBe(at('2026-12-01T00:00:00Z'));
    expect(parseRequestTime('2026-12-01T04:30:00-05:00', SEOUL, 'start')).toBe(at('2026-12-01T09:30:00Z'));
  });

  it('refuses impossible dates in both formats', () => {
    expect(
      validationErrorOf(() => parseRequestTime('2026-02-30 09:00', SEOUL, 'start')).errors[0]?.path,
    ).toBe('start');
    validationErrorOf(() => parseRequestTime('2026-02-30T09:00:00+09:00', SEOUL, 'start'));
    validationErrorOf(() => parseRequestTime('2026-13-01 09:00', SEOUL, 'start'));
    validationErrorOf(() => parseRequestTime('2027-02-29 09:00', SEOUL, 'start'));
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseRequestTime('2028-02-29 09:00', SEOUL, 'start')).toBe(at('2028-02-29T00:00:00Z'));
  });

  it('refuses 24:00 and other impossible times of day', () => {
    validationErrorOf(() => parseRequestTime('2026-12-01 24:00', SEOUL, 'end'));
    validationErrorOf(() => parseRequestTime('2026-12-01 09:60', SEOUL, 'end'));
    validationErrorOf(() => parseRequestTime('2026-12-01T24:00:00Z', SEOUL, 'end'));
  });

  it('refuses other formats, reporting the given path', () => {
    for (const text of [
      '',
      '2026-12-01',
      '2026-12-01T09:00:00', // ISO without an offset is ambiguous
      '2026-12-01 9:00',
      '2026-12-01 09:00:00',
      '2026/12/01 09:00',
      '01-12-2026 09:00',
      ' 2026-12-01 09:00',
      '2026-12-01 09:00 ',
      '1764547200000',
      'tomorrow',
    ]) {
      const error = validationErrorOf(() => parseRequestTime(text, SEOUL, 'end_time'));
      expect(error.errors.map((e) => e.path)).toEqual(['end_time']);
    }
  });

  it('refuses a local time in the DST gap (New York, 2026-03-08 02:30)', () => {
    const error = validationErrorOf(() => parseRequestTime('2026-03-08 02:30', NEW_YORK, 'start'));
    expect(error.errors[0]?.message).toMatch(/does not exist/);
    // Either side of the gap is fine.
    expect(parseRequestTime('2026-03-08 01:50', NEW_YORK, 'start')).toBe(at('2026-03-08T06:50:00Z'));
    expect(parseRequestTime('2026-03-08 03:00', NEW_YORK, 'start')).toBe(at('2026-03-08T07:00:00Z'));
  });

  it('reads a local time in the DST overlap (New York, 2026-11-01 01:30) as the earlier instant', () => {
    // 01:30 happens first in EDT (-04:00) = 05:30Z, then again in EST (-05:00) = 06:30Z.
    expect(parseRequestTime('2026-11-01 01:30', NEW_YORK, 'start')).toBe(at('2026-11-01T05:30:00Z'));
  });
});

describe('dateRangeToInterval', () => {
  it('covers start 00:00 to end + 1 day 00:00 in the zone', () => {
    const r = dateRangeToInterval('2026-12-01', '2026-12-03', SEOUL);
    expect(r.start).toBe(at('2026-11-30T15:00:00Z'));
    expect(r.end).toBe(at('2026-12-03T15:00:00Z'));
  });

  it('a single day is one day long', () => {
    const r = dateRangeToInterval('2026-12-01', '2026-12-01', NEW_YORK);
    expect(r.start).toBe(at('2026-12-01T05:00:00Z'));
    expect(r.end).toBe(at('2026-12-02T05:00:00Z'));
  });

  it('refuses end before start with a ValidationError on end', () => {
    const error = validationErrorOf(() => dateRangeToInterval('2026-12-02', '2026-12-01', SEOUL));
    expect(error.errors.map((e) => e.path)).toEqual(['end']);
  });

  it('reports errors under the paths it is given', () => {
    const error = validationErrorOf(() =>
      dateRangeToInterval('2026-12-02', '2026-12-01', SEOUL, { start: 'from', end: 'to' }),
    );
    expect(error.errors.map((e) => e.path)).toEqual(['to']);
    const bad = validationErrorOf(() =>
      dateRangeToInterval('2026-02-30', '2026-03-01', SEOUL, { start: 'from', end: 'to' }),
    );
    expect(bad.errors.map((e) => e.path)).toEqual(['from']);
  });

  it('refuses malformed and impossible dates', () => {
    validationErrorOf(() => dateRangeToInterval('2026-02-30', '2026-03-01', SEOUL));
    validationErrorOf(() => dateRangeToInterval('2026-12-01', '2026-12-1', SEOUL));
    validationErrorOf(() => dateRangeToInterval('2026-12-01 00:00', '2026-12-01', SEOUL));
    validationErrorOf(() => dateRangeToInterval('20261201', '2026-12-01', SEOUL));
  });

  describe('a DST day has 23 or 25 hours', () => {
    const grid = new SlotGrid();
    const slotsOfDay = (date: string, zone: string): number =>
      grid.countSlots(dateRangeToInterval(date, date, zone));

    it('Europe/Berlin: 2026-03-29 has 138 slots, 2026-10-25 has 150', () => {
      expect(slotsOfDay('2026-03-29', BERLIN)).toBe(138);
      expect(slotsOfDay('2026-10-25', BERLIN)).toBe(150);
      expect(slotsOfDay('2026-03-28', BERLIN)).toBe(144);
    });

    it('America/New_York: 2026-03-08 has 138 slots, 2026-11-01 has 150', () => {
      expect(slotsOfDay('2026-03-08', NEW_YORK)).toBe(138);
      expect(slotsOfDay('2026-11-01', NEW_YORK)).toBe(150);
      expect(slotsOfDay('2026-11-02', NEW_YORK)).toBe(144);
    });

    it('Asia/Seoul: every day has 144 slots', () => {
      for (const date of [
        '2026-03-08',
        '2026-03-29',
        '2026-10-25',
        '2026-11-01',
        '2028-02-29',
        '2026-12-31',
      ]) {
        expect(slotsOfDay(date, SEOUL)).toBe(144);
      }
    });

    it('a range across a DST change adds the day lengths', () => {
      const r = dateRangeToInterval('2026-03-28', '2026-03-30', BERLIN);
      expect(grid.countSlots(r)).toBe(144 + 138 + 144);
    });
  });
});

describe('daysInDateRange', () => {
  it('counts calendar days inclusively', () => {
    expect(daysInDateRange('2026-12-01', '2026-12-01')).toBe(1);
    expect(daysInDateRange('2026-12-01', '2026-12-31')).toBe(31);
    expect(daysInDateRange('2028-01-01', '2028-12-31')).toBe(366);
    expect(daysInDateRange('2026-02-28', '2026-03-01')).toBe(2);
  });

  it('refuses malformed dates', () => {
    validationErrorOf(() => daysInDateRange('2026-02-30', '2026-03-01'));
  });
});

describe('leadTimeBoundary', () => {
  it('is 00:00 of today + N days in the zone', () => {
    // 2026-12-01 10:00 in Seoul → boundary 2026-12-04 00:00 Seoul.
    expect(leadTimeBoundary(at('2026-12-01T01:00:00Z'), SEOUL, 3)).toBe(at('2026-12-03T15:00:00Z'));
  });

  it('uses the date in the zone, not in UTC, around local midnight', () => {
    // 15:30Z on 30 November is already 00:30 on 1 December in Seoul.
    expect(leadTimeBoundary(at('2026-11-30T15:30:00Z'), SEOUL, 3)).toBe(at('2026-12-03T15:00:00Z'));
    // One minute before Seoul midnight it is still 30 November there.
    expect(leadTimeBoundary(at('2026-11-30T14:59:00Z'), SEOUL, 3)).toBe(at('2026-12-02T15:00:00Z'));
    // Exactly at Seoul midnight it is 1 December.
    expect(leadTimeBoundary(at('2026-11-30T15:00:00Z'), SEOUL, 3)).toBe(at('2026-12-03T15:00:00Z'));
    // 02:00Z on 1 December is still 30 November in New York.
    expect(leadTimeBoundary(at('2026-12-01T02:00:00Z'), NEW_YORK, 1)).toBe(at('2026-12-01T05:00:00Z'));
  });

  it('with 0 days is the start of today', () => {
    expect(leadTimeBoundary(at('2026-12-01T01:00:00Z'), SEOUL, 0)).toBe(at('2026-11-30T15:00:00Z'));
  });

  it('lands on local midnight across a DST change', () => {
    // Today 2026-10-24 in Berlin (CEST), boundary 2026-10-26 00:00 CET = 25 Oct 23:00Z.
    expect(leadTimeBoundary(at('2026-10-24T12:00:00Z'), BERLIN, 2)).toBe(at('2026-10-25T23:00:00Z'));
  });
});

describe('formatInstant', () => {
  it('gives ISO 8601 with the zone offset and seconds', () => {
    expect(formatInstant(at('2026-12-01T00:00:00Z'), SEOUL)).toBe('2026-12-01T09:00:00+09:00');
    expect(formatInstant(at('2026-12-01T14:00:00Z'), NEW_YORK)).toBe('2026-12-01T09:00:00-05:00');
    expect(formatInstant(at('2026-07-01T13:00:00Z'), NEW_YORK)).toBe('2026-07-01T09:00:00-04:00');
    expect(formatInstant(at('2026-12-01T09:00:00Z'), 'UTC')).toBe('2026-12-01T09:00:00+00:00');
  });

  it('round-trips through parseRequestTime', () => {
    const t = at('2026-11-01T05:30:00Z');
    expect(parseRequestTime(formatInstant(t, NEW_YORK), SEOUL, 'start')).toBe(t);
    expect(formatInstant(t, NEW_YORK)).toBe('2026-11-01T01:30:00-04:00');
    expect(formatInstant(t + 3_600_000, NEW_YORK)).toBe('2026-11-01T01:30:00-05:00');
  });
});

describe('request dates and times from 1970-01-01 to 9999-12-30', () => {
  it.each(['0000-01-01', '0001-01-01', '1969-12-31', '9999-12-31'])(
    'refuses the date %s in a date range and in both time forms',
    (date) => {
      expect(validationErrorOf(() => dateRangeToInterval(date, '2026-01-01', SEOUL)).errors[0]?.path).toBe(
        'start',
      );
      expect(validationErrorOf(() => dateRangeToInterval('1970-01-01', date, SEOUL)).errors[0]?.path).toBe(
        'end',
      );
      expect(
        validationErrorOf(() => parseRequestTime(`${date} 10:00`, SEOUL, 'start')).errors[0]?.message,
      ).toMatch(/1970-01-01 to 9999-12-30/);
      expect(
        validationErrorOf(() => parseRequestTime(`${date}T10:00:00Z`, SEOUL, 'end')).errors[0]?.path,
      ).toBe('end');
      expect(() => daysInDateRange(date, date)).toThrow(ValidationError);
    },
  );

  it('accepts the first and last date', () => {
    const range = dateRangeToInterval('1970-01-01', '9999-12-30', 'UTC');
    expect(range.start).toBe(0);
    expect(range.end).toBe(Date.UTC(9999, 11, 31));
    expect(parseRequestTime('9999-12-30 23:50', SEOUL, 'end')).toBe(Date.UTC(9999, 11, 30, 14, 50));
    expect(parseRequestTime('1970-01-01T00:00:00+14:00', SEOUL, 'start')).toBe(-14 * 3_600_000);
    expect(parseRequestTime('9999-12-30T23:50:00-14:00', 'UTC', 'end')).toBe(Date.UTC(9999, 11, 31, 13, 50));
  });

  it('refuses a time an offset carries into the year 10000 in the zone, which no answer could write', () => {
    // 9999-12-31 22:50 UTC is 10000-01-01 07:50 in Seoul.
    const error = validationErrorOf(() => parseRequestTime('9999-12-30T23:00:00-23:50', SEOUL, 'start'));
    expect(error.errors[0]).toMatchObject({ path: 'start', message: expect.stringMatching(/year 10000/) });
    // The last instant before it in Seoul is 9999-12-31 14:59:59.999 UTC: 23:50 Seoul time is fine.
    expect(parseRequestTime('9999-12-30T14:50:00Z', SEOUL, 'end')).toBe(Date.UTC(9999, 11, 30, 14, 50));
    expect(parseRequestTime('9999-12-30T23:50:00-15:00', SEOUL, 'end')).toBe(Date.UTC(9999, 11, 31, 14, 50));
    expect(() => parseRequestTime('9999-12-30T23:50:00-15:10', SEOUL, 'end')).toThrow(ValidationError);
  });
});

describe('parseRequestTime precision', () => {
  it('refuses a non-zero fraction finer than a millisecond instead of rounding it onto the grid', () => {
    expect(() => parseRequestTime('2026-12-01T09:00:00.0000001+09:00', 'Asia/Seoul', 'start')).toThrow(
      ValidationError,
    );
    expect(parseRequestTime('2026-12-01T09:00:00.000000+09:00', 'Asia/Seoul', 'start')).toBe(
      Date.UTC(2026, 11, 1),
    );
  });
});
