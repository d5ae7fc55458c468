import { type AdmissionRule, admit, admitFirstComeFirstServed, NO_CAPACITY_LEFT } from '../admission.js';
import type { BookingPolicy } from '../booking-policy.js';
import { rangeLoad, type SlotDelta } from '../capacity.js';
import { CapacityLedger } from '../capacity-ledger.js';
import { DomainError, NotFoundError } from '../errors.js';
import {
  assertAdmin,
  assertChangesLeft,
  cancel,
  confirm,
  confirmedLoadDelta,
  newReservation,
  type Reservation,
  rangeOf,
  reject,
  type Transition,
  update,
  validateReason,
} from '../reservation.js';
import type {
  ChangeCause,
  Refusal,
  SimulationEvent,
  SimulationObserver,
  SimulationOptions,
  SimulationResult,
} from '../simulate.js';
import { TimeRange } from '../time-range.js';
import {
  coverRanges,
  freedRange,
  joinFreedRooms,
  promoteWaiting,
  WAITING_LIST_REASON,
} from '../waiting-list.js';
import { PendingIndex } from './pending-index.js';

/**
 * The state of one simulation and the step that applies one event to it:
 * what `simulate` runs. Each action is the domain's rule (the transitions,
 * the capacity ledger, the one admission and waiting-list rule); the order of
 * the checks is the service's (see the application's `changeWithin`).
 */
export class Replay {
  private readonly reservations = new Map<number, Reservation>();
  private readonly ledger: CapacityLedger;
  private readonly pending: PendingIndex;
  /** Changes each reservation's owner made as a user: the service's change limit counts them. */
  private readonly userUpdates = new Map<number, number>();
  private readonly refusals: Refusal[] = [];
  private refusalCount = 0;
  private readonly rule: AdmissionRule;
  private readonly observer: SimulationObserver;
  private readonly waitingList: boolean;
  private readonly delayMs: number;
  /** The freed ranges the waiting list has yet to promote over, and when. */
  private freed: { readonly range: TimeRange }[] = [];
  private due = Number.POSITIVE_INFINITY;

  constructor(
    private readonly policy: BookingPolicy,
    private readonly options: SimulationOptions,
  ) {
    this.ledger = new CapacityLedger(policy.capacity, new Map(), policy.timeZone);
    this.pending = new PendingIndex(policy.grid);
    this.rule = options.admission ?? admit;
    this.observer = options.observer ?? {};
    this.waitingList = (options.autoAdmit ?? 'off') === 'fifo';
    this.delayMs = options.autoAdmitDelayMs ?? 0;
    if (!Number.isSafeInteger(this.delayMs) || this.delayMs < 0) {
      throw new RangeError('autoAdmitDelayMs must be a whole number of ms ≥ 0');
    }
  }

  /** Applies one event: first the promotions due by its time, then the event, then (delay 0) its promotion. */
  step(event: SimulationEvent, index: number): void {
    if (event.at >= this.due) this.promote();
    try {
      this.apply(event);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const refusal: Refusal = { index, event, error };
      this.refusalCount++;
      if (this.options.refusals !== 'count') this.refusals.push(refusal);
      this.observer.refused?.(refusal);
    }
    if (this.freed.length > 0 && this.delayMs === 0) this.promote();
  }

  /** Runs the promotion still due, and gives the outcome. */
  finish(): SimulationResult {
    if (this.freed.length > 0) this.promote();
    return {
      reservations: this.reservations,
      loads: this.ledger.snapshot(),
      refusals: this.refusals,
      refusalCount: this.refusalCount,
    };
  }

  private apply(event: SimulationEvent): void {
    switch (event.type) {
      case 'create':
        this.create(event);
        break;
      case 'confirm':
        // Admin-only actions refuse a user before reading anything, as the service does.
        assertAdmin(event.actor, 'confirm reservations');
        this.commit(confirm(event.actor, this.find(event.id), event.at), 'confirm');
        break;
      case 'cancel':
        this.commit(cancel(event.actor, this.find(event.id), event.at, event.reason), 'cancel', event.reason);
        break;
      case 'update':
        this.update(event);
        break;
      case 'reject':
        assertAdmin(event.actor, 'reject reservations');
        if (event.reason !== undefined) validateReason(event.reason);
        this.commit(reject(event.actor, this.find(event.id), event.at, event.reason), 'reject', event.reason);
        break;
      case 'admit':
        this.admit(event);
        break;
      case 'tick':
        break;
    }
  }

  private create(event: Extract<SimulationEvent, { type: 'create' }>): void {
    const draft = newReservation(event.actor, event.draft, this.policy, event.at);
    this.assertFits(rangeLoad(rangeOf(draft), draft.numberOfPeople, this.policy.grid));
    const reservation: Reservation = { ...draft, id: this.reservations.size + 1 };
    this.reservations.set(reservation.id, reservation);
    this.pending.add(reservation);
    this.observer.created?.(reservation);
  }

  private update(event: Extract<SimulationEvent, { type: 'update' }>): void {
    const transition = update(event.actor, this.find(event.id), event.patch, this.policy, event.at);
    if (!transition.changed) return;
    const { after } = transition;
    assertChangesLeft(event.actor, this.userUpdates.get(after.id) ?? 0, this.policy);
    // Like a new booking, a changed pending one must fit the confirmed load as it stands.
    if (after.status === 'pending') {
      this.assertFits(rangeLoad(rangeOf(after), after.numberOfPeople, this.policy.grid));
    }
    this.commit(transition, 'update');
    if (event.actor.role !== 'admin')
      this.userUpdates.set(after.id, (this.userUpdates.get(after.id) ?? 0) + 1);
  }

  private admit(event: Extract<SimulationEvent, { type: 'admit' }>): void {
    assertAdmin(event.actor, 'admit reservations');
    const candidates = this.pending.overlapping(TimeRange.of(event.start, event.end));
    const loads = this.loadsOf(candidates);
    const admission = admitFirstComeFirstServed(
      event.actor,
      loads,
      candidates,
      this.policy,
      event.at,
      { rejectRest: event.rejectRest ?? false },
      this.rule,
    );
    for (const t of admission.confirmed) this.commit(t, 'admit');
    for (const t of admission.rejected) this.commit(t, 'reject', NO_CAPACITY_LEFT);
    this.observer.admitted?.({
      kind: 'admit',
      at: event.at,
      loads,
      candidates,
      admitted: admission.confirmed.map((t) => t.before),
    });
  }

  /**
   * The waiting list's promotions at their due time: over each join of the
   * freed ranges that overlap or touch, in order of start, as the service
   * walks the rooms its queue holds.
   */
  private promote(): void {
    const rooms = joinFreedRooms(this.freed, (a, b) => ({ range: coverRanges(a.range, b.range) }));
    const now = this.due;
    this.freed = [];
    this.due = Number.POSITIVE_INFINITY;
    for (const { range } of rooms) this.promoteOver(range, now);
  }

  private promoteOver(range: TimeRange, now: number): void {
    const candidates = this.pending.overlapping(range);
    if (candidates.length === 0) return;
    const loads = this.loadsOf(candidates);
    const { confirmed } = promoteWaiting(loads, candidates, this.policy, now, this.rule);
    for (const t of confirmed) this.commit(t, 'waiting list', WAITING_LIST_REASON);
    this.observer.admitted?.({
      kind: 'waiting list',
      at: now,
      loads,
      candidates,
      admitted: confirmed.map((t) => t.before),
    });
  }

  /** Writes a change: the ledger first (it may refuse), then the reservation, the index and the waiting list. */
  private commit(transition: Transition, cause: ChangeCause, reason?: string): void {
    const { before, after, changed } = transition;
    if (!changed) return;
    this.ledger.apply(confirmedLoadDelta(before, after, this.policy.grid));
    this.reservations.set(after.id, after);
    if (before.status === 'pending') this.pending.remove(before);
    if (after.status === 'pending') this.pending.add(after);
    if (this.waitingList) {
      const range = freedRange(before, after, this.policy.grid);
      if (range) this.queueFreed(range, after.updatedAt);
    }
    this.observer.changed?.({ before, after, cause, reason });
  }

  private queueFreed(range: TimeRange, at: number): void {
    if (this.freed.length === 0) this.due = at + this.delayMs;
    this.freed.push({ range });
  }

  /** Confirmed load of every slot the candidates cover: all an admission reads. */
  private loadsOf(candidates: readonly Reservation[]): Map<number, number> {
    const loads = new Map<number, number>();
    for (const r of candidates) {
      for (const slot of this.policy.grid.slotsOf(rangeOf(r))) {
        if (!loads.has(slot)) loads.set(slot, this.ledger.load(slot));
      }
    }
    return loads;
  }

  private assertFits(deltas: readonly SlotDelta[]): void {
    const overflow = this.ledger.overflowOf(deltas);
    if (overflow) throw overflow;
  }

  private find(id: number): Reservation {
    const found = this.reservations.get(id);
    if (!found) throw new NotFoundError();
    return found;
  }
}
