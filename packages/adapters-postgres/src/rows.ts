import type { UserWithPassword } from '@exam-reservation/application';
import type { Reservation, User } from '@exam-reservation/domain';
import type { Selectable } from 'kysely';
import type { ReservationsTable, UsersTable } from './database.js';

/** The domain's view of a `reservations` row: times become epoch ms. */
export function toReservation(row: Selectable<ReservationsTable>): Reservation {
  return {
    id: row.id,
    userId: row.user_id,
    reservationName: row.reservation_name,
    start: row.start_time.getTime(),
    end: row.end_time.getTime(),
    numberOfPeople: row.number_of_people,
    status: row.status,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  };
}

export function toUserWithPassword(row: Selectable<UsersTable>): UserWithPassword {
  return {
    id: row.id,
    email: row.email,
    userName: row.user_name,
    role: row.role,
    createdAt: row.created_at.getTime(),
    passwordHash: row.password_hash,
  };
}

export function toUser(row: Selectable<UsersTable>): User {
  const { passwordHash: _, ...user } = toUserWithPassword(row);
  return user;
}
