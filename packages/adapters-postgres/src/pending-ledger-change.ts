import { type SlotDelta, sumDeltas } from '@exam-reservation/domain';

/**
 * The ledger change a unit of work has asked for, held back until commit so
 * the slot rows are locked by the last statement of the transaction only and
 * for as short a time as the database allows.
 */
export class PendingLedgerChange {
  private readonly changes: SlotDelta[] = [];
  private capacityOf: number | undefined;
  /** The zone a refusal names its slot in. */
  timeZone: string | undefined;

  /** Adds deltas to the change. */
  add(deltas: readonly SlotDelta[], capacity: number, timeZone?: string): void {
    for (const { slotStart, delta } of deltas) {
      if (!Number.isSafeInteger(slotStart) || !Number.isSafeInteger(delta)) {
        throw new RangeError(`not a whole slot delta: ${slotStart} ${delta}`);
      }
      this.changes.push({ slotStart, delta });
    }
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`bad capacity ${capacity}`);
    this.capacityOf = capacity;
    if (timeZone !== undefined) this.timeZone = timeZone;
  }

  /** The change summed per slot by the domain: ascending slot order is the global lock order. */
  deltas(): SlotDelta[] {
    return sumDeltas(this.changes);
  }

  get capacity(): number {
    return this.capacityOf ?? 0;
  }

  /**
   * The statements that apply the change, as literal SQL (every value in them
   * is a number this class checked, or an ISO timestamp made from one), so
   * that they can travel in the same simple-protocol message as the COMMIT.
   * Their cost is linear in the number of slots.
   *
   * Every transaction locks slot rows in ascending slot order, in one
   * statement, so none can deadlock. There is no WHERE on any update: a slot
   * that would pass its capacity fails the table's CHECK, which aborts the
   * statement and the transaction, and the COMMIT after it never runs.
   *
   * - Only additions (every confirmation): one upsert in ascending order
   *   inserts or adds to each row.
   * - Any release (cancelling or moving a confirmed reservation): an upsert
   *   in ascending order that only creates missing rows (empty) and locks
   *   them all, then one UPDATE joined on the input (a hash join, not a
   *   lookup per row) that adds every delta to rows this transaction already
   *   holds, so its own lock order no longer matters. A release cannot ride
   *   in the proposed row of an upsert: a negative one fails the CHECK
   *   before the conflict is found. A release keeps the capacity its row
   *   has, so a lowered capacity never blocks a cancel.
   */
  statements(): string[] {
    const deltas = this.deltas();
    if (deltas.length === 0) return [];
    const slots = `'{${deltas.map((d) => new Date(d.slotStart).toISOString()).join(',')}}'::timestamptz[]`;
    const amounts = `'{${deltas.map((d) => String(d.delta)).join(',')}}'::int[]`;
    const capacity = this.capacity;
    if (deltas.every((d) => d.delta > 0)) {
      return [
        `insert into slot_loads as l (slot_start, confirmed_people, capacity)
        select d.slot_start, d.delta, ${capacity} from unnest(${slots}, ${amounts}) as d(slot_start, delta)
        order by d.slot_start
        on conflict (slot_start) do update
          set confirmed_people = l.confirmed_people + excluded.confirmed_people, capacity = excluded.capacity`,
      ];
    }
    return [
      `insert into slot_loads as l (slot_start, confirmed_people, capacity)
      select d.slot_start, 0, ${capacity} from unnest(${slots}) as d(slot_start)
      order by d.slot_start
      on conflict (slot_start) do update set confirmed_people = l.confirmed_people`,
      `update slot_loads as l
      set confirmed_people = l.confirmed_people + d.delta,
          capacity = case when d.delta > 0 then ${capacity} else l.capacity end
      from unnest(${slots}, ${amounts}) as d(slot_start, delta)
      where l.slot_start = d.slot_start`,
    ];
  }
}
