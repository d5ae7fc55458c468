import { formatInstant } from '@exam-reservation/domain';
import { CompiledQuery } from 'kysely';
import type { ZonedReads } from './executor.js';

/** The instants for which PostgreSQL's writing of a zone's times is checked against this process's. */
export const ZONE_CHECKED_FROM = Date.UTC(1970, 0, 1);
export const ZONE_CHECKED_UNTIL = Date.UTC(2100, 0, 1);
const DAY = 86_400_000;
const DAYS = (ZONE_CHECKED_UNTIL - ZONE_CHECKED_FROM) / DAY;
/** Midnights compared: one a week (a period written otherwise lasts longer), besides every change of offset. */
const WEEKS = Math.floor(DAYS / 7);

/** The time as `to_char` writes it with the session's zone: the export's format (ISO 8601, offset, no fraction). */
export const ZONED_TIME_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM';

const offsetText = (instant: number, zone: string) => formatInstant(instant, zone).slice(-6);

/**
 * Each side of every change of the zone's offset between two midnights (UTC)
 * of the checked years, found to the millisecond: where a difference between
 * two time-zone databases would show.
 */
export function offsetChanges(zone: string): number[] {
  const sides: number[] = [];
  for (let day = 1; day <= DAYS; day++) {
    let before = ZONE_CHECKED_FROM + (day - 1) * DAY;
    let after = before + DAY;
    const old = offsetText(before, zone);
    if (offsetText(after, zone) === old) continue;
    // The first instant with another offset: old at `before`, not at `after`.
    while (after - before > 1) {
      const mid = before + Math.floor((after - before) / 2);
      if (offsetText(mid, zone) === old) before = mid;
      else after = mid;
    }
    sides.push(before, after);
  }
  return sides;
}

/**
 * Whether PostgreSQL writes every time of the checked years in `zone` as
 * {@link formatInstant} does: the same text at every seventh UTC midnight and
 * on each side of every change of offset (found from every midnight). The two sides read different copies of the
 * time-zone database (the server's, and the one in this Node.js), which can
 * differ in version. A zone the server does not know disagrees.
 */
export async function zoneAgrees(reads: Pick<ZonedReads, 'rowsInZone'>, zone: string): Promise<boolean> {
  const changes = offsetChanges(zone);
  const expected = [
    ...Array.from({ length: WEEKS + 1 }, (_, week) =>
      formatInstant(ZONE_CHECKED_FROM + week * 7 * DAY, zone),
    ),
    ...changes.map((instant) => formatInstant(instant, zone)),
  ];
  // Numbers only (no text from outside): written into the statement as they are.
  const query = CompiledQuery.raw(`
    select to_char(t, '${ZONED_TIME_FORMAT}') as text from (
      (select timestamptz '${new Date(ZONE_CHECKED_FROM).toISOString()}' + week * interval '604800 seconds' as t, week as n
       from generate_series(0, ${WEEKS}) week)
      union all
      (select to_timestamp(ms / 1000.0) as t, ${WEEKS + 1} + n as n
       from unnest('{${changes.join(',')}}'::float8[]) with ordinality as c(ms, n))
    ) s order by n`);
  let rows: { text: string }[];
  try {
    rows = await reads.rowsInZone<{ text: string }>({ compile: () => query }, zone);
  } catch (error) {
    // invalid_parameter_value: the server has no such zone.
    if ((error as { code?: unknown }).code === '22023') return false;
    throw error;
  }
  return rows.length === expected.length && rows.every((row, i) => row.text === expected[i]);
}

const agreements = new WeakMap<ZonedReads, Map<string, Promise<boolean>>>();

/** {@link zoneAgrees}, asked once per executor and zone; a failed check (the server unreachable) is asked again. */
export function zoneAgreesOnce(reads: ZonedReads, zone: string): Promise<boolean> {
  let zones = agreements.get(reads);
  if (!zones) {
    zones = new Map();
    agreements.set(reads, zones);
  }
  let agrees = zones.get(zone);
  if (!agrees) {
    agrees = zoneAgrees(reads, zone);
    zones.set(zone, agrees);
    const asked = zones;
    agrees.catch(() => asked.delete(zone));
  }
  return agrees;
}
