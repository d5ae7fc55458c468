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
};
