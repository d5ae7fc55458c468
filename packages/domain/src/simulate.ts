import { admitFirstComeFirstServed } from './admission.js';
import type { BookingDraft, BookingPolicy } from './booking-policy.js';
import { findOverflow, type SlotLoads } from './capacity.js';
import { CapacityLedger } from './capacity-ledger.js';
import { DomainError, NotFoundError } from './errors.js';
import {
  type Actor,
  cancel,
  confirm,
  confirmedLoadDelta,
  newReservation,
  type Reservation,
  type ReservationPatch,
  rangeOf,
  reject,
  type Transition,
  update,
} from './reservation.js';
import { TimeRange } from './time-range.js';

/**
 * One thing that happens to the ledger, at `at` (epoch ms), done by `actor`.
 * Reservation ids are given out from 1 in creation order.
 *
 * - `create`: a user books `draft` (pending); refused when the confirmed load leaves no room.
 * - `confirm`, `cancel`, `update`: the single actions of the API on reservation `id`.
 * - `reject`: an admin rejects pending reservation `id`, with an optional `reason` (1–500 characters).
 * - `admit`: an admin admits, first come first served, the pending reservations that overlap
 *   `[start, end)` (epoch ms), in creation order: each one that still fits is confirmed; the
 *   rest stay pending, or are rejected ("no capacity left") when `rejectRest` is true.
 */
export type SimulationEvent =
  | { readonly type: 'create'; readonly actor: Actor; readonly draft: BookingDraft; readonly at: number }
  | { readonly type: 'confirm'; readonly actor: Actor; readonly id: number; readonly at: number }
  | { readonly type: 'cancel'; readonly actor: Actor; readonly id: number; readonly at: number }
  | {
      readonly type: 'update';
      readonly actor: Actor;
      readonly id: number;
      readonly patch: ReservationPatch;
      readonly at: number;
    }
  | {
      readonly type: 'reject';
      readonly actor: Actor;
      readonly id: number;
      readonly reason?: string | undefined;
      readonly at: number;
    }
  | {
      readonly type: 'admit';
      readonly actor: Actor;
      readonly start: number;
      readonly end: number;
      readonly rejectRest?: boolean | undefined;
      readonly at: number;
    };

export interface Refusal {
  /** Position of the refused event in the input. */
  readonly index: number;
  readonly event: SimulationEvent;
  readonly error: DomainError;
}

export interface SimulationResult {
  readonly reservations: ReadonlyMap<number, Reservation>;
  /** Confirmed people per slot after the last event. */
  readonly loads: SlotLoads;
  readonly refusals: readonly Refusal[];
}

/**
 * Replays events against an in-memory ledger with the same rules the service
 * applies, for trying out booking policies: every refused event is reported
 * with the domain error it got, and changes nothing.
 */
export function simulate(events: Iterable<SimulationEvent>, policy: BookingPolicy): SimulationResult {
  const reservations = new Map<number, Reservation>();
  const ledger = new CapacityLedger(policy.capacity);
  const refusals: Refusal[] = [];
  const find = (id: number): Reservation => {
    const found = reservations.get(id);
    if (!found) throw new NotFoundError();
    return found;
  };
  const commit = ({ before, after, changed }: Transition): void => {
    if (!changed) return;
    ledger.apply(confirmedLoadDelta(before, after, policy.grid));
    reservations.set(after.id, after);
  };
  let index = 0;
  for (const event of events) {
    try {
      switch (event.type) {
        case 'create': {
          const draft = newReservation(event.actor, event.draft, policy, event.at);
          const overflow = findOverflow(
            ledger.snapshot(),
            rangeOf(draft),
            draft.numberOfPeople,
            policy.capacity,
            policy.grid,
          );
          if (overflow) throw overflow;
          const id = reservations.size + 1;
          reservations.set(id, { ...draft, id });
          break;
        }
        case 'confirm':
          commit(confirm(event.actor, find(event.id), event.at));
          break;
        case 'cancel':
          commit(cancel(event.actor, find(event.id), event.at));
          break;
        case 'update':
          commit(update(event.actor, find(event.id), event.patch, policy, event.at));
          break;
        case 'reject':
          commit(reject(event.actor, find(event.id), event.at, event.reason));
          break;
        case 'admit': {
          const range = TimeRange.of(event.start, event.end);
          const candidates = [...reservations.values()]
            .filter((r) => r.status === 'pending' && rangeOf(r).overlaps(range))
            .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
          const admission = admitFirstComeFirstServed(
            event.actor,
            ledger.snapshot(),
            candidates,
            policy,
            event.at,
            { rejectRest: event.rejectRest ?? false },
          );
          for (const t of [...admission.confirmed, ...admission.rejected]) commit(t);
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refusals.push({ index, event, error });
    }
    index++;
  }
  return { reservations, loads: ledger.snapshot(), refusals };
}
