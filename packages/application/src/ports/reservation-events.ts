import type { Reservation, Role } from '@exam-reservation/domain';

export type ReservationEventType = 'created' | 'updated' | 'confirmed' | 'cancelled' | 'rejected';

/** Who made a change: a user, an admin, or the service itself (the waiting list). */
export type ActorRole = Role | 'system';

/** One entry of the append-only audit trail of reservations. */
export interface ReservationEvent {
  readonly reservationId: number;
  readonly type: ReservationEventType;
  /** The user who made the change; null when the system made it. */
  readonly actorId: number | null;
  /** Their role when they made it, or `system`. */
  readonly actorRole: ActorRole;
  /** Why, when the actor gave a reason (a rejection); else null. */
  readonly reason: string | null;
  /** epoch ms */
  readonly at: number;
  /** The reservation before the change; null for `created`. */
  readonly before: Reservation | null;
  readonly after: Reservation;
}

export interface RecordedReservationEvent extends ReservationEvent {
  readonly id: number;
}

/** One page of a reservation's audit trail. */
export interface ReservationEventPage {
  /** Oldest first. */
  readonly items: readonly RecordedReservationEvent[];
  /** How many events the reservation has across all pages. */
  readonly total: number;
}

/**
 * The audit trail: written in the same unit of work as the change it records.
 * It is also the source of the webhook outbox: appending an event queues,
 * in the same unit of work, one message for every active endpoint
 * subscribed to its type (see `WebhookOutbox`).
 */
export interface ReservationEvents {
  append(event: ReservationEvent): Promise<void>;
  /** {@link append} for several events, in order, as one write where the store can. */
  appendAll(events: readonly ReservationEvent[]): Promise<void>;
  /** The whole trail, oldest first: for audits and tests; answers to clients read {@link pageFor}. */
  listFor(reservationId: number): Promise<RecordedReservationEvent[]>;
  /**
   * At most `limit` events of the trail, oldest first, after skipping
   * `offset`; the store reads only those and the count.
   */
  pageFor(reservationId: number, page: { offset: number; limit: number }): Promise<ReservationEventPage>;
  /** How many `updated` events `userId` recorded on the reservation while acting as a user (not an admin). */
  countUserUpdates(reservationId: number, userId: number): Promise<number>;
}
