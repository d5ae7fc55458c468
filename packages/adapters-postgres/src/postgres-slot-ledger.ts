import type { SlotLedger } from '@exam-reservation/application';
import type { SlotDelta, SlotLoads } from '@exam-reservation/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import type { PendingLedgerChange } from './pending-ledger-change.js';

/**
 * The capacity ledger in `slot_loads`, bound to one unit of work.
 *
 * `apply` decides nothing: the caller has asked the domain whether the
 * change fits. It joins the unit's pending change, which
 * {@link PostgresUnitOfWork} writes as the last statement of the
 * transaction, in the same round trip as the COMMIT. The table's CHECK is the
 * last guard: a change that lost a race since the caller's check rolls the
 * whole unit back with a CapacityExceededError.
 */
export class PostgresSlotLedger implements SlotLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: Executor,
    private readonly pending?: PendingLedgerChange,
  ) {}

  async loadsIn(from: number, to: number): Promise<SlotLoads> {
    // One text value `s:load,s:load,…` instead of a row per slot: a 180-day
    // schedule reads thousands of slots, and a row object (and a Date) for
    // each cost more time and memory than the query itself. `s` is whole
    // seconds after `base`, from date_part (double precision, exact for whole
    // seconds): extract() computes in numeric, which took half of the query's
    // time for 9,000 slots. Unordered: sorting inside the aggregate cost the
    // server more than the schedule's own sort of the slot numbers does.
    const base = Math.floor(from / 1000);
    const [row] = await this.exec.rows(
      this.db
        .selectFrom('slot_loads')
        .select(
          sql<string | null>`string_agg(
            (date_part('epoch', slot_start) - ${base}::int8)::int8::text || ':' || confirmed_people::text, ',')`.as(
            'loads',
          ),
        )
        .where('slot_start', '>=', new Date(from))
        .where('slot_start', '<', new Date(to))
        .where('confirmed_people', '>', 0),
      ['slot_loads'],
    );
    return parseLoads(row?.loads ?? '', base);
  }

  async lockLoads(slots: readonly number[], capacity: number): Promise<SlotLoads> {
    const sorted = [...new Set(slots)].sort((a, b) => a - b);
    if (sorted.length === 0) return new Map();
    // One upsert in ascending slot order, like the ledger write at commit:
    // missing rows are created (empty) and existing ones locked by a no-op
    // update, so every slot-locking statement takes its locks in one order.
    const rows = await this.exec.rows(
      this.db
        .insertInto('slot_loads')
        .values(sorted.map((slot) => ({ slot_start: new Date(slot), confirmed_people: 0, capacity })))
        .onConflict((oc) =>
          oc
            .column('slot_start')
            .doUpdateSet({ confirmed_people: (eb) => eb.ref('slot_loads.confirmed_people') }),
        )
        .returning(['slot_start', 'confirmed_people']),
      ['slot_loads'],
    );
    return new Map(rows.map((row) => [row.slot_start.getTime(), row.confirmed_people]));
  }

  async apply(deltas: readonly SlotDelta[], capacity: number, timeZone?: string): Promise<void> {
    if (!this.pending) throw new Error('the slot ledger can only change inside a unit of work');
    this.pending.add(deltas, capacity, timeZone);
  }
}

/**
 * `s:load,s:load,…` (non-negative whole numbers) → slot start (ms) → load,
 * read digit by digit: no substring or number object per pair.
 */
export function parseLoads(text: string, baseSeconds: number): Map<number, number> {
  const loads = new Map<number, number>();
  let seconds = 0;
  let value = 0;
  let afterColon = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 /* : */) {
      afterColon = true;
    } else if (c === 44 /* , */) {
      loads.set((baseSeconds + seconds) * 1000, value);
      seconds = 0;
      value = 0;
      afterColon = false;
    } else if (c >= 48 && c <= 57) {
      if (afterColon) value = value * 10 + (c - 48);
      else seconds = seconds * 10 + (c - 48);
    } else {
      throw new Error(`unexpected character in slot loads: ${JSON.stringify(text[i])}`);
    }
  }
  if (text.length > 0) loads.set((baseSeconds + seconds) * 1000, value);
  return loads;
}
