import type { AdmissionRule } from './admission.js';
import type { BookingDraft, BookingPolicy } from './booking-policy.js';
import type { SlotLoads } from './capacity.js';
import type { DomainError } from './errors.js';
import { Replay } from './lab/replay.js';
import type { Actor, Reservation, ReservationPatch } from './reservation.js';

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
 *   (With {@link SimulationOptions.admission} another rule chooses.)
 * - `tick`: nothing happens but the clock: the waiting list's promotions due by `at` run.
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
      /** Why, 1–500 characters; kept with the change. */
      readonly reason?: string | undefined;
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
    }
  | {
      /** The clock moves on: the waiting list's promotions due by `at` run (nothing else happens). */
      readonly type: 'tick';
      /** The simulated clock, epoch ms. */
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
  /** The refused events, in input order (none kept with `refusals: 'count'`). */
  readonly refusals: readonly Refusal[];
  /** How many events were refused, kept or not. */
  readonly refusalCount: number;
}

/** What made a reservation change in a simulation. */
export type ChangeCause = 'confirm' | 'cancel' | 'update' | 'reject' | 'admit' | 'waiting list';

/** One change a simulation made, as an observer sees it. */
export interface SimulatedChange {
  /** The reservation before the change. */
  readonly before: Reservation;
  /** The reservation after the change. */
  readonly after: Reservation;
  /** The event kind (or the waiting list) that made it. */
  readonly cause: ChangeCause;
  /** The reason recorded with it: the one given, `NO_CAPACITY_LEFT` or `WAITING_LIST_REASON`. */
  readonly reason: string | undefined;
}

/** One admission decided in a simulation (an `admit` event or a waiting-list promotion). */
export interface SimulatedAdmission {
  /** An admin's `admit` event, or the waiting list's promotion. */
  readonly kind: 'admit' | 'waiting list';
  /** The simulated clock of the decision, epoch ms. */
  readonly at: number;
  /** Confirmed people per slot before it, for every slot a candidate covers. */
  readonly loads: SlotLoads;
  /** The pending candidates, in creation order. */
  readonly candidates: readonly Reservation[];
  /** The ones it confirmed. */
  readonly admitted: readonly Reservation[];
}

/**
 * Watches a simulation as it runs (the lab's report is one), so that a long
 * run keeps no per-event record of its own. Every method is optional.
 */
export interface SimulationObserver {
  /** A `create` succeeded: the new pending reservation. */
  readonly created?: (reservation: Reservation) => void;
  /** A reservation changed. */
  readonly changed?: (change: SimulatedChange) => void;
  /** An admission was decided (called after its changes). */
  readonly admitted?: (admission: SimulatedAdmission) => void;
  /** An event was refused. */
  readonly refused?: (refusal: Refusal) => void;
}

/** How {@link simulate} runs; every field is optional and defaults to what the service does by default. */
export interface SimulationOptions {
  /**
   * The waiting list, as the service's `AUTO_ADMIT`: `'off'` (default), or
   * `'fifo'`: a change that frees room queues its freed range, and once the
   * clock reaches `autoAdmitDelayMs` after the first queued one, the pending
   * reservations overlapping the ranges are promoted: over each join of the
   * ranges that overlap or touch, in order of start, as the service walks its
   * queue (a booking between two ranges apart is no candidate).
   */
  readonly autoAdmit?: 'off' | 'fifo' | undefined;
  /** The waiting list's delay, ms (default 0: promoted right after the change that freed room). */
  readonly autoAdmitDelayMs?: number | undefined;
  /** How `admit` events and promotions choose (default: the service's first come, first served). */
  readonly admission?: AdmissionRule | undefined;
  /** `'keep'` (default) every refusal in the result, or only `'count'` them (memory stays bounded). */
  readonly refusals?: 'keep' | 'count' | undefined;
  /** Called as the run goes. */
  readonly observer?: SimulationObserver | undefined;
}

/**
 * Replays events against an in-memory ledger with the same rules the service
 * applies, for trying out booking policies: every refused event is reported
 * with the domain error it got, and changes nothing. Time per event does not
 * grow with the number of reservations (admissions find their candidates
 * through an index, not a scan).
 * @throws RangeError for options out of range
 */
export function simulate(
  events: Iterable<SimulationEvent>,
  policy: BookingPolicy,
  options: SimulationOptions = {},
): SimulationResult {
  const replay = new Replay(policy, options);
  let index = 0;
  for (const event of events) replay.step(event, index++);
  return replay.finish();
}
