import type { ExportCursor } from '@exam-reservation/application';
import { sql } from 'kysely';
import { ZONE_CHECKED_FROM, ZONE_CHECKED_UNTIL, ZONED_TIME_FORMAT } from './zone-agreement.js';

// The SQL with which PostgreSQL writes the export's CSV lines, and the cursor read from them.

/**
 * The export cursor of a row whose start time is `epochSeconds` (the
 * server's `date_part('epoch', …)`, {@link startSeconds}), as the export's
 * start key (`to_char` in UTC to the microsecond) writes it. Only for
 * starts between 1970 and 2100: there the double is within half a
 * microsecond of the stored time, so it is read back to the very microsecond.
 * The export's lines take it instead of that key, a `to_char` a row.
 */
export function exportCursorAt(epochSeconds: number, id: number): ExportCursor {
  const micros = Math.round(epochSeconds * 1e6);
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction} AD/${id}` as ExportCursor;
}

/** Rows of an export's CSV handed over at a time: each part is one write to the client. */
export const CSV_PART_ROWS = 500;

/**
 * `csvCell` of the application's CSV for the name, in SQL: a leading `'`
 * before a formula's first character (=, +, -, @, tab, CR), and quotes when
 * the text holds a quote, a comma, CR or LF. Written with `ascii` and
 * `strpos`: a regular expression took a third of the page's time. The
 * export's differential test holds the two to the same bytes.
 */
const needsQuotes = sql`strpos(reservation_name, '"') + strpos(reservation_name, ',') + strpos(reservation_name, chr(13)) + strpos(reservation_name, chr(10)) > 0`;
const nameCell = sql`case
  when ascii(reservation_name) in (61, 43, 45, 64, 9, 13)
    then case when ${needsQuotes} then '"''' || replace(reservation_name, '"', '""') || '"' else '''' || reservation_name end
  when ${needsQuotes} then '"' || replace(reservation_name, '"', '""') || '"'
  else reservation_name
  end`;

const time = (column: 'start_time' | 'end_time' | 'created_at' | 'updated_at') =>
  sql`to_char(${sql.ref(column)}, ${ZONED_TIME_FORMAT})`;
const from = new Date(ZONE_CHECKED_FROM).toISOString();
const until = new Date(ZONE_CHECKED_UNTIL).toISOString();

/**
 * A reservation row as its CSV line (CRLF ended) under the session's zone,
 * as `reservationCsvRows` writes it; null for a row with a time outside the
 * checked years, which the plain way writes.
 */
export const csvLine = sql<string | null>`case
  when least(start_time, end_time, created_at, updated_at) >= ${from}::timestamptz
   and greatest(start_time, end_time, created_at, updated_at) < ${until}::timestamptz
  then concat(id, ',', user_id, ',', ${nameCell}, ',', ${time('start_time')}, ',',
    ${time('end_time')}, ',', number_of_people, ',', status, ',', ${time('created_at')}, ',', ${time('updated_at')}, ${'\r\n'})
  end`;

/** A row's start as epoch seconds, for {@link exportCursorAt}. */
export const startSeconds = sql<number>`date_part('epoch', start_time)`;
