import type { ExportCsvEnd, ExportCursor, ExportPage, ExportQuery } from '@exam-reservation/application';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { type Executor, hasZonedReads } from './executor.js';
import { CSV_PART_ROWS, csvLine, exportCursorAt, startSeconds } from './export-csv-sql.js';
import { parseKeyCursor, UTC_MICROS_KEY } from './rows.js';
import { zoneAgreesOnce } from './zone-agreement.js';

// The export's reads of `reservations` (PostgresReservations.exportPage and exportCsv).

const READS = ['reservations'] as const;

/**
 * A `timestamptz` column as epoch ms, cut to the millisecond as reading it
 * into a Date does (±Infinity for ±infinity): an export reads four per row,
 * and parsing their text was the largest part of its CPU time.
 */
const epochMs = (column: 'start_time' | 'end_time' | 'created_at' | 'updated_at') =>
  sql<number>`round(date_part('epoch', date_trunc('milliseconds', ${sql.ref(column)})) * 1000)`;

// to_char gives null for ±infinity, whose text is read back as itself.
const startKey = sql<string>`coalesce(to_char(start_time at time zone 'UTC', ${UTC_MICROS_KEY}), start_time::text)`;

/** One page of the export as reservations: for a store that cannot write CSV lines, and rows they cannot hold. */
export async function exportPage(
  db: Kysely<Database>,
  exec: Executor,
  query: ExportQuery,
): Promise<ExportPage> {
  if (query.statuses !== undefined && query.statuses.length === 0) return { items: [], next: null };
  const rows = exportRows(db, query)
    .select(['id', 'user_id', 'reservation_name', 'number_of_people', 'status'])
    .select([
      epochMs('start_time').as('start_ms'),
      epochMs('end_time').as('end_ms'),
      epochMs('created_at').as('created_ms'),
      epochMs('updated_at').as('updated_ms'),
    ])
    .select(startKey.as('start_key'));
  const found = await exec.rows(rows, READS);
  const last = found[found.length - 1];
  return {
    items: found.map((row) => ({
      id: row.id,
      userId: row.user_id,
      reservationName: row.reservation_name,
      start: row.start_ms,
      end: row.end_ms,
      numberOfPeople: row.number_of_people,
      status: row.status,
      createdAt: row.created_ms,
      updatedAt: row.updated_ms,
    })),
    next: last ? (`${last.start_key}/${last.id}` as ExportCursor) : null,
  };
}

/**
 * The rows with each written as its CSV line by the server (one field a
 * row to read here instead of ten to read and format), streamed from one
 * statement, when reads can set the session's zone and the server's
 * time-zone database writes the zone as this process does. Stops before a
 * row with a time outside the checked years, which the caller writes.
 */
export async function exportCsv(
  db: Kysely<Database>,
  exec: Executor,
  query: ExportQuery,
  zone: string,
  take: (csv: string) => void,
): Promise<ExportCsvEnd | null> {
  if (!hasZonedReads(exec) || !(await zoneAgreesOnce(exec, zone))) return null;
  if (query.statuses !== undefined && query.statuses.length === 0)
    return { rows: 0, next: null, whole: true };
  let rows = 0;
  let part = '';
  let inPart = 0;
  let last = undefined as { start_s: number; id: number } | undefined;
  let whole = true;
  await exec.eachRowInZone(
    exportRows(db, query).select([csvLine.as('line'), startSeconds.as('start_s'), 'id']),
    zone,
    (row) => {
      if (!whole) return;
      if (row.line === null) {
        whole = false;
        return;
      }
      part += row.line;
      rows++;
      last = row;
      if (++inPart === CSV_PART_ROWS) {
        take(part);
        part = '';
        inPart = 0;
      }
    },
  );
  if (part !== '') take(part);
  return { rows, next: last ? exportCursorAt(last.start_s, last.id) : null, whole };
}

/** The rows of one export page, in order and limited; the caller selects the columns. */
function exportRows(db: Kysely<Database>, query: ExportQuery) {
  const { overlapping, statuses, after } = query;
  const from = new Date(overlapping.start).toISOString();
  const to = new Date(overlapping.end).toISOString();
  let rows = db
    .selectFrom('reservations')
    // Half-open overlap, written on the columns so the (start_time, id) index bounds the walk above.
    .where(sql<boolean>`start_time < ${to}::timestamptz`)
    .where(sql<boolean>`end_time > ${from}::timestamptz`);
  if (statuses !== undefined) rows = rows.where('status', 'in', [...statuses]);
  if (after) {
    const { key: startKey, id } = parseKeyCursor(after, 'an export');
    // A row comparison against the stored value to the microsecond: the
    // (start_time, id) index is walked from where the previous page stopped.
    rows = rows.where(
      sql<boolean>`(start_time, id) > ((${startKey}::timestamp at time zone 'UTC'), ${id}::int)`,
    );
  } else {
    // The first read starts at the earliest start among the overlapping
    // rows rather than walking every older row of the (start_time, id)
    // index that ends before `from`. A row that starts before `from` and
    // overlaps holds the instant `from`: those few are found through the
    // GiST range index, not all the range's rows. `min(lower(range))` is
    // written so that the planner cannot turn it into such a walk (as it
    // does with `min(start_time)`); `least` skips its null (none).
    rows = rows.where(
      sql<boolean>`start_time >= least(${from}::timestamptz, (select min(lower(tstzrange(start_time, end_time, '[)'))) from reservations where tstzrange(start_time, end_time, '[)') @> ${from}::timestamptz))`,
    );
  }
  return rows.orderBy('start_time').orderBy('id').limit(query.limit);
}
