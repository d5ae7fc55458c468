import { CapacityLedger, type SlotDelta, type SlotLoads } from '@exam-reservation/domain';
import type { SlotLedger } from '../ports/index.js';
import type { State } from './in-memory-state.js';

/** The slot ledger over the in-memory state of `InMemoryStore`. */
export class InMemorySlotLedger implements SlotLedger {
  constructor(private readonly state: State) {}

  async loadsIn(from: number, to: number): Promise<SlotLoads> {
    return new Map([...this.state.ledger].filter(([slot]) => slot >= from && slot < to));
  }

  /** Units of work already run one at a time here, so there is nothing to lock. */
  async lockLoads(slots: readonly number[]): Promise<SlotLoads> {
    return new Map(slots.map((slot) => [slot, this.state.ledger.get(slot) ?? 0]));
  }

  async apply(deltas: readonly SlotDelta[], capacity: number, timeZone?: string): Promise<void> {
    // Stands in for the table's CHECK, the last guard behind the caller's
    // check: the domain's ledger over the touched slots, all or nothing.
    const touched = new Map(deltas.map((d) => [d.slotStart, this.state.ledger.get(d.slotStart) ?? 0]));
    const ledger = new CapacityLedger(capacity, touched, timeZone);
    ledger.apply(deltas);
    for (const slot of touched.keys()) {
      const load = ledger.load(slot);
      if (load === 0) this.state.ledger.delete(slot);
      else this.state.ledger.set(slot, load);
    }
  }
}
