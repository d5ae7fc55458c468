import type { SlotDelta, SlotLoads } from '@exam-reservation/domain';

/** Reading confirmed load per slot; no locks taken. */
export interface SlotLoadReader {
  /** Confirmed load of the slots that start in `[from, to)`; slots with no load may be absent. */
  loadsIn(from: number, to: number): Promise<SlotLoads>;
}

/**
 * The per-slot ledger of confirmed people: the one place the capacity
 * invariant is enforced. Changed only inside the unit of work that changes a
 * reservation's confirmed load.
 */
export interface SlotLedger extends SlotLoadReader {
  /**
   * Adds the deltas all at once, locking slots in ascending order. Refuses
   * (and changes nothing) if any slot would end above `capacity`.
   * @throws CapacityExceededError naming the first slot that would overflow
   */
  apply(deltas: readonly SlotDelta[], capacity: number): Promise<void>;
  /**
   * Locks the given slots (creating empty ones as needed) in ascending order
   * until the unit of work ends, and returns their confirmed loads. While
   * held, no other unit of work can change these slots, so checks made
   * against the returned loads stay true until commit.
   */
  lockLoads(slots: readonly number[], capacity: number): Promise<SlotLoads>;
}
