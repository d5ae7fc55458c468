import type { Account, UserWithPassword } from '@exam-reservation/application';
import type { Reservation, User } from '@exam-reservation/domain';
import type { Selectable } from 'kysely';
import type { ReservationsTable, UsersTable } from './database.js';

/** The largest `integer` id PostgreSQL can hold. */
const MAX_ROW_ID = 2_147_483_647;

/**
 * Whether `id` can name a row at all (ids are `integer`, from 1). One that
 * cannot (say, the subject of a forged token) names nothing, rather than
 * making the server fail the query as out of range.
 */
export function isRowId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ROW_ID;
}

/** A time written by `to_char` in UTC to the microsecond, era included: read back as the very same instant (the cursors' keys). */
export const UTC_MICROS_KEY = 'YYYY-MM-DD HH24:MI:SS.US BC';

/**
 * The parts of a cursor `<time key>/<id>`, the key written with
 * {@link UTC_MICROS_KEY} (or `infinity`, `-infinity`).
 * @throws RangeError `not a cursor of <what>` when it is not one
 */
export function parseKeyCursor(cursor: string, what: string): { key: string; id: number } {
  const cut = cursor.lastIndexOf('/');
  const key = cursor.slice(0, cut);
  const id = Number(cursor.slice(cut + 1));
  if (cut < 0 || !/^(\d+-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} (AD|BC)|-?infinity)$/.test(key) || !isRowId(id)) {
    throw new RangeError(`not a cursor of ${what}`);
  }
  return { key, id };
}

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
  return { ...toAccount(row), passwordHash: row.password_hash };
}

export function toAccount(row: Selectable<UsersTable>): Account {
  return { ...toUser(row), tokenVersion: row.token_version };
}

/** The account as the API shows it: no password hash, no token version. */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    userName: row.user_name,
    role: row.role,
    createdAt: row.created_at.getTime(),
  };
}
