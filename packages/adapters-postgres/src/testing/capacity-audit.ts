import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';

/** One slot where the reservations table and the ledger disagree. */
export interface LedgerMismatch {
  readonly slotStart: number;
  /** Confirmed people recomputed from `reservations`. */
  readonly recomputed: number;
  /** What `slot_loads` holds. */
  readonly ledger: number;
}

export interface CapacityAudit {
  /** The highest confirmed load of any slot, recomputed from `reservations`. */
  readonly maxLoad: number;
  /** Slots whose recomputed load is over the capacity. */
  readonly overCapacity: readonly { slotStart: number; load: number }[];
  readonly ledgerMismatches: readonly LedgerMismatch[];
  /** How many reservations are confirmed. */
  readonly confirmed: number;
}

/**
 * Checks the capacity invariant straight from the `reservations` table (each
 * confirmed reservation spread over its 10-minute slots with
 * generate_series), independently of the ledger, and compares the ledger
 * with that recomputation slot by slot.
 */
export async function auditCapacity(db: Kysely<Database>, capacity: number): Promise<CapacityAudit> {
  const { rows } = await sql<{ slot_start: Date; recomputed: number; ledger: number }>`
    with recomputed as (
      select s.slot_start, sum(r.number_of_people)::int as load
      from reservations r
      cross join lateral generate_series(
        r.start_time, r.end_time - interval '10 minutes', interval '10 minutes'
      ) as s(slot_start)
      where r.status = 'confirmed'
      group by s.slot_start
    )
    select coalesce(r.slot_start, l.slot_start) as slot_start,
           coalesce(r.load, 0) as recomputed,
           coalesce(l.confirmed_people, 0) as ledger
    from recomputed r
    full join slot_loads l on l.slot_start = r.slot_start
    order by 1
  `.execute(db);
  const { rows: counted } = await sql<{ n: number }>`
    select count(*)::int as n from reservations where status = 'confirmed'
  `.execute(db);
  const slots = rows.map((row) => ({
    slotStart: row.slot_start.getTime(),
    recomputed: row.recomputed,
    ledger: row.ledger,
  }));
  return {
    maxLoad: Math.max(0, ...slots.map((s) => s.recomputed)),
    overCapacity: slots
      .filter((s) => s.recomputed > capacity)
      .map((s) => ({ slotStart: s.slotStart, load: s.recomputed })),
    ledgerMismatches: slots.filter((s) => s.recomputed !== s.ledger),
    confirmed: counted[0]?.n ?? 0,
  };
}
