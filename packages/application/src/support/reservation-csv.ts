import type { Reservation } from '@exam-reservation/domain';
import { formatInstant } from '@exam-reservation/domain';

/*
 * CSV as RFC 4180 writes it: CRLF line ends; a field holding a comma, a
 * double quote, CR or LF is quoted, its quotes doubled. Text a spreadsheet
 * would read as a formula (a cell starting with =, +, -, @, tab or CR) gets a
 * leading `'` first, so an export opened in a spreadsheet runs nothing.
 */

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell, formula-safe and quoted when it must be. */
export function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The columns of a reservations export, in order: the JSON fields of a Reservation. */
export const RESERVATION_CSV_COLUMNS = [
  'id',
  'user_id',
  'reservation_name',
  'start_time',
  'end_time',
  'number_of_people',
  'status',
  'created_at',
  'updated_at',
] as const;

/** The header row of a reservations export, CRLF included. */
export const RESERVATION_CSV_HEADER = `${RESERVATION_CSV_COLUMNS.join(',')}\r\n`;

/**
 * Reservations as CSV rows, CRLF after each; times as the JSON answers write
 * them (ISO 8601 with the zone's offset, seconds included). Numbers, statuses
 * and times never need quoting; the name goes through {@link csvCell}.
 */
export function reservationCsvRows(reservations: readonly Reservation[], zone: string): string {
  let out = '';
  for (const r of reservations) {
    out +=
      `${r.id},${r.userId},${csvCell(r.reservationName)},${formatInstant(r.start, zone)},` +
      `${formatInstant(r.end, zone)},${r.numberOfPeople},${r.status},${formatInstant(r.createdAt, zone)},` +
      `${formatInstant(r.updatedAt, zone)}\r\n`;
  }
  return out;
}
