import {
  type BookingPolicy,
  CapacityExceededError,
  type SlotLoads,
  type TimeRange,
} from '@exam-reservation/domain';
import type { Clock, PendingCursor, TransactionStores, UnitOfWork } from '../ports/index.js';
import type { Lease } from '../wrappers/leased.js';
import {
  type AdmissionCounts,
  type AdmissionRule,
  addCounts,
  admitChunk,
  NO_COUNTS,
} from './admission-chunk.js';

/** What one walk through the queue did. */
export interface WalkResult extends AdmissionCounts {
  /** True when it went through the whole range; false when it stopped at its time limit. */
  readonly complete: boolean;
}

/** What holds a walk: renewed by every chunk but the last, finished by the last of a complete walk. */
export interface WalkHold extends Lease<WalkResult> {
  /** Told, in the unit of the last chunk, where a walk cut short by its time limit stopped. */
  cut?(stores: TransactionStores, next: PendingCursor): Promise<void>;
  /** Told after each chunk commits: how many it confirmed, and when it decided. */
  committed?(confirmed: number, at: number): void;
}

/** One walk: the range, the rule, and where in the queue it starts (from the first when absent). */
export interface Walk {
  readonly range: TimeRange;
  readonly rule: AdmissionRule;
  readonly after?: PendingCursor | undefined;
  /**
   * Hold to the loads as first read (plus the walk's own admissions): one
   * FIFO pass over the queue as it stood; room freed meanwhile is left to
   * a later walk from the head of the queue.
   */
  readonly holdLoads?: boolean | undefined;
}

/** Whether every slot of `range` is known and at capacity in `loads`. */
function isFull(loads: SlotLoads, range: TimeRange, policy: BookingPolicy): boolean {
  for (let slot = range.start; slot < range.end; slot += policy.grid.slotMs) {
    if ((loads.get(slot) ?? 0) < policy.capacity) return false;
  }
  return true;
}

/**
 * Admits the pending reservations overlapping a range in creation order, in
 * chunks of one unit of work each (see {@link admitChunk}): memory is one
 * chunk however many wait. Each page starts strictly after the store's exact
 * cursor, so a walk decides a reservation once. A chunk that lost a race for
 * room is decided again with its slots locked. A walk stops after the first
 * chunk that ends past `maxMs` (`complete: false`), and, holding to its
 * loads, as soon as every slot of its range is full (`complete: true`).
 */
export async function walkAdmission(
  deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy; chunkSize: number; maxMs: number },
  walk: Walk,
  hold: WalkHold,
): Promise<WalkResult> {
  const { uow, clock, policy, chunkSize } = deps;
  const deadline = clock.now() + deps.maxMs;
  let totals = NO_COUNTS;
  let after = walk.after;
  let lockSlots = false;
  let seen = walk.holdLoads ? new Map<number, number>() : undefined;
  for (;;) {
    const locked = lockSlots;
    const chunk = await uow
      .run(async (stores) => {
        const page = await stores.reservations.listPending({
          overlapping: walk.range,
          after,
          limit: chunkSize,
        });
        const now = clock.now();
        const decision = { rule: walk.rule, range: walk.range, policy, now, floor: seen };
        const decided = await admitChunk(stores, decision, page.items, locked);
        const sum = addCounts(totals, decided);
        const looked = seen && new Map([...seen, ...decided.loads]);
        // Holding to what it saw, a walk whose every slot is full can admit nobody further on.
        const full = looked !== undefined && isFull(looked, walk.range, policy);
        const result = { ...sum, complete: page.items.length < chunkSize || full };
        const stop = result.complete || clock.now() >= deadline;
        if (result.complete) await hold.finish(stores, result);
        else if (!stop) await hold.renew(stores);
        else if (page.next) await hold.cut?.(stores, page.next);
        return { result, stop, next: page.next, looked, confirmed: decided.confirmed, now };
      })
      .catch((error: unknown) => {
        // Lost a race for room since the loads were read: decide this chunk again, slots locked.
        if (locked || !(error instanceof CapacityExceededError)) throw error;
        return null;
      });
    lockSlots = chunk === null;
    if (!chunk) continue;
    hold.committed?.(chunk.confirmed, chunk.now);
    seen = chunk.looked;
    if (chunk.stop || !chunk.next) return chunk.result;
    totals = chunk.result;
    after = chunk.next;
  }
}
