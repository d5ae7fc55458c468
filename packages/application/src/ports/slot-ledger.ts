import type { SlotDelta, SlotLoads } from '@exam-reservation/domain';

/** Reading confirmed load per slot; no locks taken. */
export interface SlotLoadReader {
  /** Confirmed load of the slots that start in `[from, to)`; slots with no load may be absent. */
  loadsIn(from: number, to: number): Promise<SlotLoads>;
}

/**
 * The per-slot ledger of confirmed people. Changed only inside the unit of
 * work that changes a reservation's confirmed load, with what the domain
 * allowed: the ledger writes, it does not decide.
 */
export interface SlotLedger extends SlotLoadReader {
  /**
   * Writes the deltas (summed per slot) in this unit of work, locking slots in
   * ascending order. Whether they fit is the caller's to ask the domain
   * (`firstOverflow`) first. The store's last guard still refuses the unit if
   * a slot would end above `capacity` (a race lost since that check), at the
   * latest when it commits, and nothing of the unit is kept.
   * @param capacity stored with every slot the deltas add to
   * @param timeZone the zone a refusal's message writes the slot in (UTC when absent)
   * @throws CapacityExceededError naming the first slot that would overflow
   */
  apply(deltas: readonly SlotDelta[], capacity: number, timeZone?: string): Promise<void>;
  /**
   * Locks the given slots (creating empty ones as needed) in ascending order
   * until the unit of work ends, and returns their confirmed loads. While
   * held, no other unit of work can change these slots, so checks made
   * against the returned loads stay true until commit.
   */
  lockLoads(slots: readonly number[], capacity: number): Promise<SlotLoads>;
}
