import type { SlotDelta } from '@exam-reservation/domain';

/**
 * The ledger change a unit of work has asked for, held back until commit so
 * the slot rows are locked by the last statement of the transaction only and
 * for as short a time as the database allows.
 */
export class PendingLedgerChange {
  private readonly net = new Map<number, number>();
  private capacityOf: number | undefined;

  /** Adds deltas to the change; deltas for one slot are summed. */
  add(deltas: readonly SlotDelta[], capacity: number): void {
    for (const { slotStart, delta } of deltas) {
      if (!Number.isSafeInteger(slotStart) || !Number.isSafeInteger(delta)) {
        throw new RangeError(`not a whole slot delta: ${slotStart} ${delta}`);
      }
      this.net.set(slotStart, (this.net.get(slotStart) ?? 0) + delta);
    }
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`bad capacity ${capacity}`);
    this.capacityOf = capacity;
  }

  /** What a slot's load will change by at commit (0 when untouched). */
  deltaOf(slotStart: number): number {
    return this.net.get(slotStart) ?? 0;
  }

  /** Net non-zero deltas in ascending slot order: the global lock order. */
  deltas(): SlotDelta[] {
    return [...this.net]
      .filter(([, delta]) => delta !== 0)
      .sort(([a], [b]) => a - b)
      .map(([slotStart, delta]) => ({ slotStart, delta }));
  }

  get capacity(): number {
    return this.capacityOf ?? 0;
  }

  /**
   * The upsert that applies the change, as literal SQL (every value in it is
   * a number this class checked, or an ISO timestamp made from one), so that
   * it can travel in the same simple-protocol message as the COMMIT.
   *
   * Rows are inserted or updated in ascending slot order by this one
   * statement, so every transaction locks slot rows in the same order and
   * none can deadlock. There is no WHERE on the update: a slot that would
   * pass its capacity fails the table's CHECK, which aborts the statement and
   * the transaction, and the COMMIT after it never runs. A release carries 0
   * in the proposed row (a negative one would fail the CHECK before the
   * conflict is found) and reads its real delta back from the input; it keeps
   * the capacity its row has, so a lowered capacity never blocks a cancel.
   */
  statement(): string | null {
    const deltas = this.deltas();
    if (deltas.length === 0) return null;
    const slots = deltas.map((d) => new Date(d.slotStart).toISOString()).join(',');
    const amounts = deltas.map((d) => String(d.delta)).join(',');
    return `with d as (
        select * from unnest('{${slots}}'::timestamptz[], '{${amounts}}'::int[]) as t(slot_start, delta)
      )
      insert into slot_loads as l (slot_start, confirmed_people, capacity)
      select d.slot_start, greatest(d.delta, 0), ${this.capacity} from d
      order by d.slot_start
      on conflict (slot_start) do update
        set confirmed_people = l.confirmed_people + case
              when excluded.confirmed_people > 0 then excluded.confirmed_people
              else (select d.delta from d where d.slot_start = excluded.slot_start)
            end,
            capacity = case when excluded.confirmed_people > 0 then excluded.capacity else l.capacity end`;
  }
}
