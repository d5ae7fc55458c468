import type { Reservation, ScheduleItem, User } from '@exam-reservation/domain';
import { formatInstant } from '@exam-reservation/domain';

/** The JSON field names of the reference API, times in the zone of the deployment. */
export const present = {
  user(user: User, zone: string) {
    return {
      id: user.id,
      email: user.email,
      user_name: user.userName,
      role: user.role,
      created_at: formatInstant(user.createdAt, zone),
    };
  },

  reservation(r: Reservation, zone: string) {
    return {
      id: r.id,
      user_id: r.userId,
      reservation_name: r.reservationName,
      start_time: formatInstant(r.start, zone),
      end_time: formatInstant(r.end, zone),
      number_of_people: r.numberOfPeople,
      status: r.status,
      created_at: formatInstant(r.createdAt, zone),
      updated_at: formatInstant(r.updatedAt, zone),
    };
  },

  schedule(item: ScheduleItem, zone: string) {
    return {
      start: formatInstant(item.start, zone),
      end: formatInstant(item.end, zone),
      available_capacity: item.availableCapacity,
    };
  },

  /**
   * A schedule as JSON text, written directly: a 180-day schedule has
   * thousands of items, and building an object for each only to serialize
   * it doubled the work. Every value is an ISO time or an integer, so
   * nothing needs escaping; equal to `JSON.stringify(items.map(schedule))`.
   */
  scheduleJson(items: readonly ScheduleItem[], zone: string): string {
    const parts = new Array<string>(items.length);
    // Items mostly follow each other (one ends where the next starts), so the
    // end's text is usually the next start's.
    let lastEnd = Number.NaN;
    let lastEndText = '';
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const start = item.start === lastEnd ? lastEndText : formatInstant(item.start, zone);
      lastEnd = item.end;
      lastEndText = formatInstant(item.end, zone);
      parts[i] = `{"start":"${start}","end":"${lastEndText}","available_capacity":${item.availableCapacity}}`;
    }
    return `[${parts.join(',')}]`;
  },
};
