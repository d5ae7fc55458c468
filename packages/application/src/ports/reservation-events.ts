import type { Reservation, Role } from '@exam-reservation/domain';

export type ReservationEventType = 'created' | 'updated' | 'confirmed' | 'cancelled' | 'rejected';

/** One entry of the append-only audit trail of reservations. */
export interface ReservationEvent {
  readonly reservationId: number;
  readonly type: ReservationEventType;
  /** The user who made the change. */
  readonly actorId: number;
  /** Their role when they made it. */
  readonly actorRole: Role;
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
  /** Oldest first. */
  listFor(reservationId: number): Promise<RecordedReservationEvent[]>;
}
