import { describe, expect, it } from 'vitest';
import { bookableFrom, bookingPolicy, validateDraft } from './booking-policy.js';
import { ValidationError } from './errors.js';
import { parseRequestTime } from './time-zone.js';

const SEOUL = 'Asia/Seoul';
const local = (text: string, zone = SEOUL): number => parseRequestTime(text, zone, 'time');

function validationErrors(fn: () => unknown): { path: string; message: string }[] {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  return [...(caught as ValidationError).errors];
}

describe('bookingPolicy', () => {
  it('defaults to the API: 10-minute slots, 50,000 people, 3 days, Asia/Seoul, 366 days', () => {
    const policy = bookingPolicy();
    expect(policy.grid.slotMinutes).toBe(10);
    expect(policy.capacity).toBe(50_000);
    expect(policy.leadTimeDays).toBe(3);
    expect(policy.timeZone).toBe(SEOUL);
    expect(policy.maxRangeDays).toBe(366);
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it('takes overrides', () => {
    const policy = bookingPolicy({
      slotMinutes: 15,
      capacity: 10,
      leadTimeDays: 0,
      timeZone: 'Europe/Berlin',
      maxRangeDays: 31,
    });
    expect(policy.grid.slotMinutes).toBe(15);
    expect(policy.capacity).toBe(10);
    expect(policy.leadTimeDays).toBe(0);
    expect(policy.timeZone).toBe('Europe/Berlin');
    expect(policy.maxRangeDays).toBe(31);
  });

  it('refuses nonsense settings with RangeError', () => {
    expect(() => bookingPolicy({ capacity: 0 })).toThrow(RangeError);
    expect(() => bookingPolicy({ capacity: 1.5 })).toThrow(RangeError);
    expect(() => bookingPolicy({ leadTimeDays: -1 })).toThrow(RangeError);
    expect(() => bookingPolicy({ timeZone: 'Nowhere/Special' })).toThrow(RangeError);
    expect(() => bookingPolicy({ slotMinutes: 0 })).toThrow(RangeError);
  });
});

describe('bookableFrom', () => {
  it('is 00:00 of today + lead time in the policy zone', () => {
    const now = Date.parse('2026-11-30T15:30:00Z'); // 2026-12-01 00:30 in Seoul
    expect(bookableFrom(bookingPolicy(), now)).toBe(local('2026-12-04 00:00'));
    expect(bookableFrom(bookingPolicy({ leadTimeDays: 1 }), now)).toBe(local('2026-12-02 00:00'));
    // Still 30 November in New York.
    expect(bookableFrom(bookingPolicy({ timeZone: 'America/New_York' }), now)).toBe(
      local('2026-12-03 00:00', 'America/New_York'),
    );
  });
});

describe('validateDraft', () => {
  const policy = bookingPolicy({ capacity: 100 });
  const now = local('2026-12-01 09:00');
  const draft = {
    reservationName: 'Mock exam',
    start: local('2026-12-10 09:00'),
    end: local('2026-12-10 10:00'),
    numberOfPeople: 100,
  };

  it('returns the range of a valid draft', () => {
    const range = validateDraft(draft, policy, now);
    expect(range.start).toBe(draft.start);
    expect(range.end).toBe(draft.end);
  });

  it('accepts a start exactly at the lead-time boundary and refuses one slot before it', () => {
    const boundary = local('2026-12-04 00:00');
    expect(validateDraft({ ...draft, start: boundary, end: boundary + 3_600_000 }, policy, now).start).toBe(
      boundary,
    );
    const errors = validationErrors(() =>
      validateDraft({ ...draft, start: boundary - 600_000, end: boundary + 600_000 }, policy, now),
    );
    expect(errors.map((e) => e.path)).toEqual(['start']);
    expect(errors[0]?.message).toBe(
      'must be on or after 2026-12-04T00:00:00+09:00 (the first bookable instant: 00:00 in Asia/Seoul, 3 days from today)',
    );
  });

  it('names the first bookable instant on the refusal, and only when the lead time is not met', () => {
    const boundary = local('2026-12-04 00:00');
    let caught: unknown;
    try {
      validateDraft({ ...draft, start: boundary - 600_000, end: boundary + 600_000 }, policy, now);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).firstBookable).toBe(boundary);
    expect((caught as ValidationError).message).toContain(
      'start: must be on or after 2026-12-04T00:00:00+09:00',
    );
    try {
      validateDraft({ ...draft, numberOfPeople: 0 }, policy, now);
    } catch (error) {
      caught = error;
    }
    expect((caught as ValidationError).firstBookable).toBeUndefined();
    // In another zone (09:00 in Seoul is still 30 November there), with its offset; one day is singular.
    const york = bookingPolicy({ timeZone: 'America/New_York', leadTimeDays: 1 });
    const errors = validationErrors(() =>
      validateDraft({ ...draft, start: now, end: now + 600_000 }, york, now),
    );
    expect(errors[0]?.message).toBe(
      'must be on or after 2026-12-01T00:00:00-05:00 (the first bookable instant: 00:00 in America/New_York, 1 day from today)',
    );
  });

  it('reports every problem at once, under the API field names', () => {
    const errors = validationErrors(() =>
      validateDraft(
        { reservationName: '', start: draft.start + 60_000, end: draft.start + 30_000, numberOfPeople: 101 },
        policy,
        now,
      ),
    );
    expect(errors.map((e) => e.path)).toEqual([
      'reservation_name',
      'number_of_people',
      'start',
      'end',
      'end',
    ]);
  });

  it('refuses people outside 1..capacity and non-integers', () => {
    for (const numberOfPeople of [0, -1, 101, 1.5, Number.NaN]) {
      expect(
        validationErrors(() => validateDraft({ ...draft, numberOfPeople }, policy, now)).map((e) => e.path),
      ).toEqual(['number_of_people']);
    }
    expect(() => validateDraft({ ...draft, numberOfPeople: 1 }, policy, now)).not.toThrow();
  });

  it('counts name length in characters, not UTF-16 units', () => {
    expect(() => validateDraft({ ...draft, reservationName: '📝'.repeat(100) }, policy, now)).not.toThrow();
    expect(() => validateDraft({ ...draft, reservationName: 'a'.repeat(100) }, policy, now)).not.toThrow();
    expect(
      validationErrors(() => validateDraft({ ...draft, reservationName: '📝'.repeat(101) }, policy, now)).map(
        (e) => e.path,
      ),
    ).toEqual(['reservation_name']);
  });

  it('refuses a reservation longer than maxReservationHours, and checks it without walking its slots', () => {
    const day = 24 * 3_600_000;
    expect(() => validateDraft({ ...draft, end: draft.start + day }, policy, now)).not.toThrow();
    const tooLong = validationErrors(() =>
      validateDraft({ ...draft, end: draft.start + day + 600_000 }, policy, now),
    );
    expect(tooLong.map((e) => e.path)).toEqual(['end']);
    expect(tooLong[0]?.message).toContain('24 hours');
    // Ten thousand years of 10-minute slots: answered at once, since nothing enumerates them.
    const millennia = validationErrors(() =>
      validateDraft({ ...draft, end: Date.UTC(9999, 11, 30) }, policy, now),
    );
    expect(millennia.map((e) => e.path)).toEqual(['end']);
    const short = bookingPolicy({ capacity: 100, maxReservationHours: 2 });
    expect(short.maxReservationHours).toBe(2);
    expect(() => validateDraft({ ...draft, end: draft.start + 3 * 3_600_000 }, short, now)).toThrow(
      /at most 2 hours/,
    );
    expect(bookingPolicy().maxReservationHours).toBe(24);
    for (const bad of [0, -1, 1.5, 24 * 366 + 1]) {
      expect(() => bookingPolicy({ maxReservationHours: bad })).toThrow(RangeError);
    }
  });

  it.each([
    ['a NUL', 'Mock\u0000exam'],
    ['a control character', 'Mock\u0007exam'],
    ['a line break', 'Mock\nexam'],
    ['a C1 control character', 'Mock\u0085exam'],
    ['an unpaired high surrogate', 'Mock \ud800 exam'],
    ['an unpaired low surrogate', '\udc00'],
    ['only invisible characters', '\u200b\ufeff'],
  ])('refuses a name with %s', (_label, reservationName) => {
    expect(
      validationErrors(() => validateDraft({ ...draft, reservationName }, policy, now)).map((e) => e.path),
    ).toEqual(['reservation_name']);
  });

  it('accepts names in any script, emoji pairs and inner spaces', () => {
    for (const reservationName of ['토익 모의고사', 'Ünïcödé – test', '📝 exam', ' padded ']) {
      expect(() => validateDraft({ ...draft, reservationName }, policy, now)).not.toThrow();
    }
  });

  it('refuses a whitespace-only name', () => {
    expect(
      validationErrors(() => validateDraft({ ...draft, reservationName: ' \t ' }, policy, now)).map(
        (e) => e.path,
      ),
    ).toEqual(['reservation_name']);
  });

  it('checks the grid of the policy', () => {
    const quarter = bookingPolicy({ slotMinutes: 15, capacity: 100 });
    expect(() => validateDraft(draft, quarter, now)).not.toThrow();
    expect(
      validationErrors(() => validateDraft({ ...draft, end: local('2026-12-10 09:50') }, quarter, now)).map(
        (e) => e.path,
      ),
    ).toEqual(['end']);
  });
});

describe('bookingPolicy time zones', () => {
  it('refuses a zone whose UTC offset does not fit the 10-minute grid', () => {
    expect(() => bookingPolicy({ timeZone: 'Asia/Kathmandu' })).toThrow(RangeError);
    expect(() => bookingPolicy({ timeZone: 'Australia/Eucla' })).toThrow(RangeError);
  });

  it('accepts zones with whole-hour and half-hour offsets, with or without DST', () => {
    for (const timeZone of ['Asia/Seoul', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC']) {
      expect(bookingPolicy({ timeZone }).timeZone).toBe(timeZone);
    }
  });

  it('accepts Asia/Kathmandu when slots are 15 minutes long', () => {
    expect(bookingPolicy({ timeZone: 'Asia/Kathmandu', slotMinutes: 15 }).grid.slotMinutes).toBe(15);
  });
});
