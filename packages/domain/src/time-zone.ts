import { Temporal } from 'temporal-polyfill';
import { ValidationError } from './errors.js';
import { TimeRange } from './time-range.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})$/;
const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Checks that `zone` names a time zone.
 * @throws RangeError when `zone` is not an IANA time zone this runtime knows
 */
export function assertTimeZone(zone: string): void {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
  } catch {
    throw new RangeError(`unknown IANA time zone: ${zone}`);
  }
}

/**
 * Whether every UTC offset `zone` uses around `now` (a year either side) is a
 * whole number of `minutes`, so that local midnight and local `HH:00` lie on
 * a grid of slots that many minutes long.
 */
export function zoneFitsGrid(zone: string, minutes: number, now: number): boolean {
  const start = Temporal.Instant.fromEpochMilliseconds(now)
    .toZonedDateTimeISO(zone)
    .subtract({ hours: 24 * 366 });
  const stepMs = minutes * 60_000;
  for (let day = 0; day <= 2 * 366; day += 7) {
    const offsetNs = start.add({ hours: 24 * day }).offsetNanoseconds;
    if ((offsetNs / 1_000_000) % stepMs !== 0) return false;
  }
  return true;
}

/** The first request date accepted (`YYYY-MM-DD` compares as text). */
export const FIRST_DATE = '1970-01-01';
/** The last request date accepted: one day short of the year 10000, so `end + 1 day` still has four digits. */
export const LAST_DATE = '9999-12-30';

/** @throws ValidationError when the `YYYY-MM-DD` that `text` starts with lies outside FIRST_DATE..LAST_DATE */
function assertDateInBounds(text: string, path: string): void {
  const date = text.slice(0, 10);
  if (date < FIRST_DATE || date > LAST_DATE) {
    throw ValidationError.of(path, `dates must lie from ${FIRST_DATE} to ${LAST_DATE}`);
  }
}

function parsePlainDate(text: string, path: string): Temporal.PlainDate {
  if (!DATE.test(text)) throw ValidationError.of(path, 'must be a date, YYYY-MM-DD');
  assertDateInBounds(text, path);
  try {
    return Temporal.PlainDate.from(text, { overflow: 'reject' });
  } catch {
    throw ValidationError.of(path, `${text} is not a calendar date`);
  }
}

/** Epoch ms of the first instant of `date` in `zone` (local midnight, or the first valid time). */
function startOfDay(date: Temporal.PlainDate, zone: string): number {
  return date.toZonedDateTime({ timeZone: zone }).epochMilliseconds;
}

/**
 * Reads an inclusive `YYYY-MM-DD` date range as the instants from `start`
 * 00:00 to `end + 1 day` 00:00 in `zone`.
 * @throws ValidationError for a malformed or impossible date, or `end` before `start`
 */
export function dateRangeToInterval(
  start: string,
  end: string,
  zone: string,
  paths: { start: string; end: string } = { start: 'start', end: 'end' },
): TimeRange {
  const first = parsePlainDate(start, paths.start);
  const last = parsePlainDate(end, paths.end);
  if (Temporal.PlainDate.compare(last, first) < 0) {
    throw ValidationError.of(paths.end, 'end date is before start date');
  }
  return TimeRange.of(startOfDay(first, zone), startOfDay(last.add({ days: 1 }), zone));
}

/** Number of calendar days an inclusive `YYYY-MM-DD` range spans (1 for `start == end`). */
export function daysInDateRange(start: string, end: string): number {
  const first = parsePlainDate(start, 'start');
  const last = parsePlainDate(end, 'end');
  return first.until(last, { largestUnit: 'days' }).days + 1;
}

/** Per zone, the instant the year 10000 begins there. */
const year10000 = new Map<string, number>();

function year10000In(zone: string): number {
  let at = year10000.get(zone);
  if (at === undefined) {
    at = startOfDay(Temporal.PlainDate.from({ year: 10000, month: 1, day: 1 }), zone);
    year10000.set(zone, at);
  }
  return at;
}

/**
 * Reads a request time: `YYYY-MM-DD HH:MM` in `zone`, or ISO 8601 with an
 * explicit offset or `Z`, dated from {@link FIRST_DATE} to {@link LAST_DATE}
 * as written, and before the year 10000 in `zone` (an offset west of it could
 * otherwise carry 9999-12-30 into 10000, which no answer could write in the
 * `YYYY-MM-DDTHH:MM:SS±HH:MM` form). A local time that does not exist in
 * `zone` (a DST gap) is refused; one that exists twice (a DST overlap) means
 * the earlier.
 * @returns epoch milliseconds
 * @throws ValidationError for anything else
 */
export function parseRequestTime(text: string, zone: string, path: string): number {
  const at = readRequestTime(text, zone, path);
  if (at >= year10000In(zone)) {
    throw ValidationError.of(path, `${text} falls in the year 10000 in ${zone}; times must lie before it`);
  }
  return at;
}

function readRequestTime(text: string, zone: string, path: string): number {
  // Every booking reads two times, and Temporal's parse and zone arithmetic
  // showed in the API's CPU profile under load. The fast reading answers only
  // where it is sure to agree with Temporal (a property test compares them),
  // and hands everything else — bad input included, for its error message — to it.
  const fast = readTimeFast(text, zone);
  if (fast !== undefined) return fast;
  const local = LOCAL_DATE_TIME.exec(text);
  if (local) {
    const [, date, hour, minute] = local;
    const day = parsePlainDate(date!, path);
    let time: Temporal.PlainTime;
    try {
      time = Temporal.PlainTime.from({ hour: Number(hour), minute: Number(minute) }, { overflow: 'reject' });
    } catch {
      throw ValidationError.of(path, `${text} is not a valid time of day`);
    }
    const dateTime = day.toPlainDateTime(time);
    const zoned = dateTime.toZonedDateTime(zone, { disambiguation: 'earlier' });
    if (!zoned.toPlainDateTime().equals(dateTime)) {
      throw ValidationError.of(path, `${text} does not exist in ${zone} (daylight-saving gap)`);
    }
    return zoned.epochMilliseconds;
  }
  if (OFFSET_DATE_TIME.test(text)) {
    assertDateInBounds(text, path);
    // Milliseconds are the finest unit kept; a finer non-zero fraction cannot be on any grid.
    if (/\.\d{3}\d*[1-9]/.test(text))
      throw ValidationError.of(path, 'sub-millisecond times are not accepted');
    try {
      return Temporal.Instant.from(text).epochMilliseconds;
    } catch {
      throw ValidationError.of(path, `${text} is not a valid date and time`);
    }
  }
  throw ValidationError.of(path, 'must be a time, YYYY-MM-DD HH:MM, or ISO 8601 with an offset');
}

/** The boundary computed last, per zone and lead time, with the local day it holds for. */
const boundaries = new Map<string, { readonly from: number; readonly to: number; readonly value: number }>();

/**
 * The lead-time boundary: 00:00 of (the current date in `zone` + `days`).
 * Reservations may start at or after it; schedules show nothing before it.
 * It changes only at local midnight, so it is computed once per local day
 * (every booking asks for it).
 */
export function leadTimeBoundary(now: number, zone: string, days: number): number {
  const key = `${zone}|${days}`;
  const known = boundaries.get(key);
  if (known !== undefined && now >= known.from && now < known.to) return known.value;
  const today = Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(zone).toPlainDate();
  const value = startOfDay(today.add({ days }), zone);
  if (boundaries.size >= 1_000) boundaries.clear();
  boundaries.set(key, { from: startOfDay(today, zone), to: startOfDay(today.add({ days: 1 }), zone), value });
  return value;
}

const FAST_LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;
const FAST_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Epoch ms of a calendar date and time read as UTC, or undefined unless every field is in range. */
function utcOf(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number | undefined {
  if (y < FIRST_YEAR || y > LAST_YEAR || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59)
    return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // A day past the end of its month rolls over into the next one.
  return new Date(t).getUTCDate() === d ? t : undefined;
}
const FIRST_YEAR = Number(FIRST_DATE.slice(0, 4));
const LAST_YEAR = Number(LAST_DATE.slice(0, 4)) - 1;

/**
 * {@link parseRequestTime}'s answer where it can be had without Temporal,
 * else undefined: a `YYYY-MM-DD HH:MM` whose offset in `zone` is the same
 * for a day either side (so no daylight-saving change can make it ambiguous
 * or missing), or an ISO 8601 time with `Z` or a `±HH:MM` offset and at most
 * milliseconds. Years from 1970 to 9998 only.
 */
function readTimeFast(text: string, zone: string): number | undefined {
  const local = FAST_LOCAL.exec(text);
  if (local) {
    const naive = utcOf(+local[1]!, +local[2]!, +local[3]!, +local[4]!, +local[5]!, 0, 0);
    if (naive === undefined) return undefined;
    const guess = naive - offsetMs(naive, zone);
    const period = offsetPeriod(guess, zone);
    // Any instant whose local time reads `naive` lies within a day of `guess` (offsets differ by
    // less than that), so when one offset holds all around it, `guess` is the only one.
    if (period.from > guess - DAY_MS || period.to <= guess + DAY_MS || naive - period.offset !== guess) {
      return undefined;
    }
    return guess;
  }
  const offset = FAST_OFFSET.exec(text);
  if (offset) {
    const [, y, mo, d, h, mi, sec, fraction, , sign, oh, om] = offset;
    const utc = utcOf(+y!, +mo!, +d!, +h!, +mi!, sec ? +sec : 0, fraction ? +fraction.padEnd(3, '0') : 0);
    if (utc === undefined) return undefined;
    if (sign === undefined) return utc;
    if (+oh! > 23 || +om! > 59) return undefined;
    return utc - (sign === '-' ? -1 : 1) * (+oh! * 60 + +om!) * 60_000;
  }
  return undefined;
}

/** A stretch of time in which a zone keeps one UTC offset: `[from, to)`, epoch ms. */
interface OffsetPeriod {
  readonly from: number;
  readonly to: number;
  readonly offset: number;
}

/** zone → the offset periods met so far, sorted by `from`. */
const offsetPeriods = new Map<string, OffsetPeriod[]>();

/**
 * The zone's UTC offset at `instant`, memoized per period between two
 * offset transitions of the time-zone database (for Asia/Seoul, one period
 * since 1988), so formatting costs no zone arithmetic after the first call.
 */
function offsetMs(instant: number, zone: string): number {
  return offsetPeriod(instant, zone).offset;
}

/** The period between two offset transitions of `zone` that holds `instant`, memoized. */
function offsetPeriod(instant: number, zone: string): OffsetPeriod {
  let periods = offsetPeriods.get(zone);
  if (!periods) {
    periods = [];
    offsetPeriods.set(zone, periods);
  }
  let lo = 0;
  let hi = periods.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const period = periods[mid]!;
    if (instant < period.from) hi = mid - 1;
    else if (instant >= period.to) lo = mid + 1;
    else return period;
  }
  const zoned = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(zone);
  // The last transition at or before `instant` (the API's 'previous' is strictly before).
  const previous = Temporal.Instant.fromEpochMilliseconds(instant + 1)
    .toZonedDateTimeISO(zone)
    .getTimeZoneTransition('previous');
  const next = zoned.getTimeZoneTransition('next');
  const period = {
    from: previous?.epochMilliseconds ?? Number.NEGATIVE_INFINITY,
    to: next?.epochMilliseconds ?? Number.POSITIVE_INFINITY,
    offset: zoned.offsetNanoseconds / 1e6,
  };
  // `lo` is where the new period keeps the list sorted; the list stays small
  // (two periods a year for a DST zone).
  if (periods.length < 10_000) periods.splice(lo, 0, period);
  return period;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
const DAY_MS = 86_400_000;
/** Local day number → `YYYY-MM-DD`; bounded. */
const dayText = new Map<number, string>();
/** Offset in ms → `+HH:MM`. */
const offsetText = new Map<number, string>();

function dateOf(day: number): string {
  let text = dayText.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayText.size >= 100_000) dayText.clear();
    dayText.set(day, text);
  }
  return text;
}

function offsetOf(offset: number): string {
  let text = offsetText.get(offset);
  if (text === undefined) {
    const minutes = Math.abs(offset) / 60_000;
    text = `${offset < 0 ? '-' : '+'}${TWO_DIGITS[Math.floor(minutes / 60)]}:${TWO_DIGITS[minutes % 60]}`;
    offsetText.set(offset, text);
  }
  return text;
}

/**
 * ISO 8601 with the zone's offset and seconds, `YYYY-MM-DDTHH:MM:SS±HH:MM`
 * (fractions of a second are cut, as Temporal does). Fast: a schedule
 * formats thousands of instants per response.
 */
export function formatInstant(instant: number, zone: string): string {
  // A local mean time of seconds (Seoul's +08:27:52 before 1908) is written with the offset rounded
  // to the minute, as ISO 8601 and Temporal write it, and the time read with that same offset, so
  // the text still names the instant (Temporal keeps the true wall time beside the rounded offset).
  const offset = Math.round(offsetMs(instant, zone) / 60_000) * 60_000;
  const local = instant + offset;
  // Offsets under 24 h and four-digit years: everything in practice.
  if (Math.abs(offset) >= DAY_MS || local < -62_167_219_200_000 || local >= 253_402_300_800_000) {
    return Temporal.Instant.fromEpochMilliseconds(instant)
      .toZonedDateTimeISO(zone)
      .toString({ timeZoneName: 'never', smallestUnit: 'second' });
  }
  const day = Math.floor(local / DAY_MS);
  const seconds = Math.floor((local - day * DAY_MS) / 1000);
  return `${dateOf(day)}T${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}${offsetOf(offset)}`;
}
