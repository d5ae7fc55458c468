import { admitFirstComeFirstServed } from './admission.js';
import type { BookingDraft, BookingPolicy } from './booking-policy.js';
import { firstOverflow, rangeLoad, type SlotLoads } from './capacity.js';
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
 * One thing that happens, in the order given to {@link simulate}. Every event
 * says who acts (`actor`) and when (`at`, epoch ms); reservation ids are given
 * out from 1 in the order the `create` events succeed.
 *
 * - `create`: a user books `draft` (pending); refused when the confirmed load leaves no room.
 * - `confirm`, `cancel`, `update`: the single actions of the API on reservation `id`.
 * - `reject`: an admin rejects pending reservation `id`, with an optional `reason` (1–500 characters).
 * - `admit`: an admin admits, first come first served, the pending reservations that overlap
 *   `[start, end)` (epoch ms), in creation order: each one that still fits is confirmed; the
 *   rest stay pending, or are rejected ("no capacity left") when `rejectRest` is true.
 */
export type SimulationEvent =
  | {
      /** Book: a new pending reservation, refused if the confirmed load already leaves no room. */
      readonly type: 'create';
      /** Who books; the reservation becomes theirs. */
      readonly actor: Actor;
      /** What is booked; `start` and `end` are epoch ms on the slot grid. */
      readonly draft: BookingDraft;
      /**
       * The simulated clock when the event happens, epoch ms: the `now` the
       * lead time is counted from, and the reservation's `createdAt`.
       */
      readonly at: number;
    }
  | {
      /** Confirm (admins only): the reservation's people start counting against capacity. */
      readonly type: 'confirm';
      /** Who confirms; must have the `admin` role. */
      readonly actor: Actor;
      /** The reservation, by the id its `create` event was given. */
      readonly id: number;
      /** The simulated clock when the event happens, epoch ms: the reservation's new `updatedAt`. */
      readonly at: number;
    }
  | {
      /** Cancel: the owner while pending, an admin at any status; frees a confirmed one's places. */
      readonly type: 'cancel';
      /** Who cancels. */
      readonly actor: Actor;
      /** The reservation, by the id its `create` event was given. */
      readonly id: number;
      /** The simulated clock when the event happens, epoch ms: the reservation's new `updatedAt`. */
      readonly at: number;
    }
  | {
      /** Change some fields; the result must satisfy every booking rule. */
      readonly type: 'update';
      /** Who changes it: the owner while pending, an admin at any status but cancelled. */
      readonly actor: Actor;
      /** The reservation, by the id its `create` event was given. */
      readonly id: number;
      /** The fields to change (at least one); times in epoch ms. */
      readonly patch: ReservationPatch;
      /**
       * The simulated clock when the event happens, epoch ms: the `now` the
       * lead time is counted from, and the reservation's new `updatedAt`.
       */
      readonly at: number;
    }
  | {
      /** Reject (admins only): a pending reservation becomes `rejected`, for good. */
      readonly type: 'reject';
      /** Who rejects; must have the `admin` role. */
      readonly actor: Actor;
      /** The reservation, by the id its `create` event was given. */
      readonly id: number;
      /** Why, 1–500 characters; kept with the change. */
      readonly reason?: string | undefined;
      /** The simulated clock when the event happens, epoch ms: the reservation's new `updatedAt`. */
      readonly at: number;
    }
  | {
      /** Admit (admins only), first come first served, the pending reservations overlapping `[start, end)`. */
      readonly type: 'admit';
      /** Who admits; must have the `admin` role. */
      readonly actor: Actor;
      /** Start of the range, epoch ms. */
      readonly start: number;
      /** End of the range (exclusive), epoch ms. */
      readonly end: number;
      /** Reject the ones that do not fit ("no capacity left") instead of leaving them pending. */
      readonly rejectRest?: boolean | undefined;
      /** The simulated clock when the event happens, epoch ms: the changed reservations' `updatedAt`. */
      readonly at: number;
    };

/** An event the rules refused: it changed nothing. */
export interface Refusal {
  /** Position of the refused event in the input. */
  readonly index: number;
  /** The refused event itself. */
  readonly event: SimulationEvent;
  /** Why: a {@link DomainError} with a stable `code` (`capacity_exceeded`, `validation_error`, …). */
  readonly error: DomainError;
}

/** What {@link simulate} ends with. */
export interface SimulationResult {
  /** Every reservation created, by id, as it stands after the last event. */
  readonly reservations: ReadonlyMap<number, Reservation>;
  /** Confirmed people per slot after the last event. */
  readonly loads: SlotLoads;
  /** The refused events, in input order. */
  readonly refusals: readonly Refusal[];
}

/**
 * Replays events against an in-memory ledger with the same rules the service
 * applies, for trying out booking policies: every refused event is reported
 * with the domain error it got, and changes nothing.
 */
export function simulate(events: Iterable<SimulationEvent>, policy: BookingPolicy): SimulationResult {
  const reservations = new Map<number, Reservation>();
  const ledger = new CapacityLedger(policy.capacity, new Map(), policy.timeZone);
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
          const overflow = firstOverflow(
            ledger.snapshot(),
            rangeLoad(rangeOf(draft), draft.numberOfPeople, policy.grid),
            policy.capacity,
            policy.timeZone,
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
