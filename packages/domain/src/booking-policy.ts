import { DEFAULT_SLOT_CAPACITY } from './capacity.js';
import { type FieldError, ValidationError } from './errors.js';
import { DEFAULT_SLOT_MINUTES, SlotGrid } from './slot-grid.js';
import { textProblem } from './text.js';
import { TimeRange } from './time-range.js';
import {
  assertTimeZone,
  dateRangeToInterval,
  daysInDateRange,
  formatInstant,
  leadTimeBoundary,
  zoneFitsGrid,
} from './time-zone.js';

/** The tunable rules of one deployment. */
export interface BookingPolicy {
  readonly grid: SlotGrid;
  /** People per slot. */
  readonly capacity: number;
  /** First bookable day is today + this many days, in {@link timeZone}. */
  readonly leadTimeDays: number;
  /** IANA zone in which dates and local times are read. */
  readonly timeZone: string;
  /** Longest date range a schedule or list query may span, in days. */
  readonly maxRangeDays: number;
  /** Longest a reservation may last, in hours. */
  readonly maxReservationHours: number;
  /** How many times a user (not an admin) may change one reservation; see {@link assertChangesLeft}. */
  readonly maxChangesPerReservation: number;
}

/** What {@link bookingPolicy} may be told; every field is optional and has the API's default. */
export interface BookingPolicyOptions {
  slotMinutes?: number;
  capacity?: number;
  leadTimeDays?: number;
  timeZone?: string;
  maxRangeDays?: number;
  maxReservationHours?: number;
  maxChangesPerReservation?: number;
}

/** Offsets are checked a year either side of this instant (mid-2026): the rules in force now. */
const ZONE_CHECK_AROUND = Date.UTC(2026, 6, 1);

/**
 * Builds a policy; defaults are the API's: 10-minute slots, 50,000 people, 3 days lead time,
 * Asia/Seoul, ranges of at most 366 days, reservations of at most 24 hours, 100 changes by a user
 * per reservation.
 * @throws RangeError for a bad value, or a zone whose offsets do not fit the slot grid
 */
export function bookingPolicy(options: BookingPolicyOptions = {}): BookingPolicy {
  const capacity = options.capacity ?? DEFAULT_SLOT_CAPACITY;
  const leadTimeDays = options.leadTimeDays ?? 3;
  const timeZone = options.timeZone ?? 'Asia/Seoul';
  if (!Number.isSafeInteger(capacity) || capacity < 1)
    throw new RangeError('capacity must be a positive integer');
  if (!Number.isSafeInteger(leadTimeDays) || leadTimeDays < 0) {
    throw new RangeError('lead time must be a whole number of days ≥ 0');
  }
  const maxRangeDays = options.maxRangeDays ?? 366;
  if (!Number.isSafeInteger(maxRangeDays) || maxRangeDays < 1) {
    throw new RangeError('the longest range must be a whole number of days ≥ 1');
  }
  const maxReservationHours = options.maxReservationHours ?? 24;
  if (
    !Number.isSafeInteger(maxReservationHours) ||
    maxReservationHours < 1 ||
    maxReservationHours > 24 * 366
  ) {
    throw new RangeError('the longest reservation must be a whole number of hours from 1 to 8784');
  }
  const maxChangesPerReservation = options.maxChangesPerReservation ?? 100;
  if (!Number.isSafeInteger(maxChangesPerReservation) || maxChangesPerReservation < 0) {
    throw new RangeError('the most changes per reservation must be a whole number ≥ 0');
  }
  assertTimeZone(timeZone);
  const grid = new SlotGrid(options.slotMinutes ?? DEFAULT_SLOT_MINUTES);
  // Slots are aligned to the Unix epoch; a zone like Asia/Kathmandu (+05:45)
  // would put local midnight and every local HH:00 off the grid.
  if (!zoneFitsGrid(timeZone, grid.slotMinutes, ZONE_CHECK_AROUND)) {
    throw new RangeError(
      `${timeZone} uses a UTC offset that is not a multiple of ${grid.slotMinutes} minutes`,
    );
  }
  return Object.freeze({
    grid,
    capacity,
    leadTimeDays,
    timeZone,
    maxRangeDays,
    maxReservationHours,
    maxChangesPerReservation,
  });
}

/**
 * The instants of a range of whole days (`YYYY-MM-DD`, both inclusive) in
 * the policy's zone, no longer than its `maxRangeDays`.
 * @throws ValidationError for bad dates or a range over the maximum (on `end`)
 */
export function policyDateRange(startDate: string, endDate: string, policy: BookingPolicy): TimeRange {
  const range = dateRangeToInterval(startDate, endDate, policy.timeZone);
  if (daysInDateRange(startDate, endDate) > policy.maxRangeDays) {
    throw ValidationError.of('end', `a range may span at most ${policy.maxRangeDays} days`);
  }
  return range;
}

/** The fields a booking is made of; times in epoch ms. */
export interface BookingDraft {
  readonly reservationName: string;
  readonly start: number;
  readonly end: number;
  readonly numberOfPeople: number;
}

/** The earliest instant a reservation may start at, given the clock. */
export function bookableFrom(policy: BookingPolicy, now: number): number {
  return leadTimeBoundary(now, policy.timeZone, policy.leadTimeDays);
}

/**
 * What a start before the lead-time boundary is told: the boundary itself,
 * with the offset of the policy's zone, so that a reader in any zone knows it.
 */
function leadTimeMessage(policy: BookingPolicy, firstBookable: number): string {
  const days = policy.leadTimeDays === 1 ? '1 day' : `${policy.leadTimeDays} days`;
  return (
    `must be on or after ${formatInstant(firstBookable, policy.timeZone)} ` +
    `(the first bookable instant: 00:00 in ${policy.timeZone}, ${days} from today)`
  );
}

/**
 * Checks every rule a booking must satisfy on its own: a name of 1–100
 * characters with no control characters and not only white space, 1..capacity
 * people, `start < end`, both on the slot grid, at most
 * `maxReservationHours` long, and `start` not before the lead-time boundary.
 * Reports all problems at once. Costs the same for any input: nothing here
 * walks the slots of the range, so a client cannot make it expensive.
 * @returns the booking's time range
 * @throws ValidationError
 */
export function validateDraft(draft: BookingDraft, policy: BookingPolicy, now: number): TimeRange {
  const errors: FieldError[] = [];
  const name = draft.reservationName;
  const nameProblem = textProblem(name, 100);
  if (nameProblem) errors.push({ path: 'reservation_name', message: nameProblem });
  const people = draft.numberOfPeople;
  if (!Number.isSafeInteger(people) || people < 1 || people > policy.capacity) {
    errors.push({ path: 'number_of_people', message: `must be an integer from 1 to ${policy.capacity}` });
  }
  const { grid } = policy;
  if (!grid.isAligned(draft.start)) {
    errors.push({ path: 'start', message: `must be on the ${grid.slotMinutes}-minute grid` });
  }
  if (!grid.isAligned(draft.end)) {
    errors.push({ path: 'end', message: `must be on the ${grid.slotMinutes}-minute grid` });
  }
  if (draft.start >= draft.end) errors.push({ path: 'end', message: 'must be after start' });
  else if (draft.end - draft.start > policy.maxReservationHours * 3_600_000) {
    errors.push({
      path: 'end',
      message: `a reservation may last at most ${policy.maxReservationHours} hours`,
    });
  }
  const firstBookable = bookableFrom(policy, now);
  const early = draft.start < firstBookable;
  if (early) errors.push({ path: 'start', message: leadTimeMessage(policy, firstBookable) });
  if (errors.length > 0) throw new ValidationError(errors, early ? firstBookable : undefined);
  return TimeRange.of(draft.start, draft.end);
}
