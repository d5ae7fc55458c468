import type { Reservation } from '@exam-reservation/domain';
import type { ReservationEventType } from './reservation-events.js';

/** What an endpoint may subscribe to: one per kind of change of a reservation. */
export type WebhookEventType = `reservation.${ReservationEventType}`;

/** Every event type, in the order the API documents them. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'reservation.created',
  'reservation.updated',
  'reservation.confirmed',
  'reservation.rejected',
  'reservation.cancelled',
];

/** A registered receiver of webhooks, as admins see it (never with its secret). */
export interface WebhookEndpoint {
  readonly id: number;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  /** epoch ms */
  readonly createdAt: number;
  /** When deliveries to it stopped for good (it answered 410 Gone); null while active. */
  readonly disabledAt: number | null;
  readonly disabledReason: string | null;
}

export interface NewWebhookEndpoint {
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  /** The `whsec_…` signing secret; stored, shown to the admin once. */
  readonly secret: string;
  readonly createdAt: number;
}

/** Where and how to send one message. */
export interface WebhookTarget {
  readonly endpointId: number;
  readonly url: string;
  readonly secret: string;
}

/** One change of a reservation as it is sent to endpoints. */
export interface WebhookMessage {
  /** `webhook-id`: names the change; the same on every attempt (and for every endpoint). */
  readonly id: string;
  readonly type: WebhookEventType;
  /** When the change was made (epoch ms). */
  readonly at: number;
  /** The reservation after the change. */
  readonly reservation: Reservation;
  /** Why, as the history records it (a rejection's or a cancellation's reason), or null. */
  readonly reason: string | null;
}

/** A message taken for one attempt by {@link WebhookOutbox.claim}. */
export interface ClaimedDelivery {
  readonly deliveryId: number;
  /** 1 for the first attempt; the fencing token of this claim. */
  readonly attempt: number;
  readonly target: WebhookTarget;
  readonly message: WebhookMessage;
}

/** What the outbox should take for one round of sending. */
export interface ClaimRequest {
  /** Messages due at or before this instant (epoch ms) are taken. */
  readonly now: number;
  /**
   * No other claim takes a taken message again before this instant: longer
   * than an attempt can last, so that one attempt is made by one process at
   * a time. If the attempt is not settled by then (its process died), the
   * message is due again.
   */
  readonly leaseUntil: number;
  /** At most this many messages in all. */
  readonly limit: number;
  /** At most this many per endpoint, less the ones `busy` says are in flight already. */
  readonly perEndpoint: number;
  /** Attempts in flight per endpoint id, in the caller's process. */
  readonly busy: ReadonlyMap<number, number>;
  /**
   * Endpoints held to fewer than `perEndpoint` in flight (they kept failing),
   * by id. Their messages over it are not taken: they stay due for later.
   */
  readonly allowances?: ReadonlyMap<number, number> | undefined;
}

/** How one attempt ended, as written down by {@link WebhookOutbox.settle}. */
export interface DeliverySettlement {
  readonly deliveryId: number;
  readonly endpointId: number;
  readonly attempt: number;
  /**
   * `delivered`: a 2xx answer; `retry`: try again at `nextAttemptAt`;
   * `failed`: no attempt left; `gone`: the endpoint answered 410, so it is
   * disabled and sent nothing more.
   */
  readonly outcome: 'delivered' | 'retry' | 'failed' | 'gone';
  /** When the attempt started (epoch ms). */
  readonly startedAt: number;
  readonly durationMs: number;
  /** The HTTP status of the answer; null when none came (refused, timed out, connection failed). */
  readonly responseStatus: number | null;
  /** Why no answer came, in a few words; null when one came. */
  readonly error: string | null;
  /** With `retry`: when the message is due again. */
  readonly nextAttemptAt: number | null;
}

/** The state of one message for one endpoint. */
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One attempt at sending a message, as recorded. */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly responseStatus: number | null;
  readonly error: string | null;
}

/** One message to one endpoint, with its attempts so far. */
export interface WebhookDelivery {
  readonly messageId: string;
  readonly type: WebhookEventType;
  readonly reservationId: number;
  readonly state: DeliveryState;
  /** When the change was made (epoch ms). */
  readonly createdAt: number;
  /** While pending: when the next attempt is due (or, while an attempt runs, when its lease ends). */
  readonly nextAttemptAt: number | null;
  /** Oldest first. */
  readonly attempts: readonly DeliveryAttempt[];
}

/** How much is waiting to be sent. */
export interface OutboxDepth {
  /** Messages not yet delivered, failed or cancelled. */
  readonly pending: number;
  /** Of those, the ones due now. */
  readonly due: number;
  /** When the oldest due one became due (epoch ms); null when none is. */
  readonly oldestDueAt: number | null;
}

/** Registered endpoints, changed only by admins. */
export interface WebhookEndpoints {
  insert(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  /** Endpoints not removed (active and disabled), by id. */
  list(): Promise<WebhookEndpoint[]>;
  /**
   * How many endpoints are not removed. Holds other transactions' counts
   * until this one ends, so that a check of the count before an insert
   * holds against concurrent inserts.
   */
  count(): Promise<number>;
  /** An endpoint not removed; null otherwise. */
  get(id: number): Promise<WebhookEndpoint | null>;
  /**
   * Removes an endpoint: it is no longer listed, and none of its messages
   * is sent again (one being sent may still arrive).
   * @returns false when there was no such endpoint
   */
  remove(id: number, now: number): Promise<boolean>;
  /** The endpoint's most recent messages (newest first, at most `limit`), with their attempts. */
  deliveries(endpointId: number, limit: number): Promise<WebhookDelivery[]>;
}

/**
 * The transactional outbox of webhook messages. A message for every active
 * endpoint subscribed to its type is queued by {@link ReservationEvents.append}
 * in the unit of work of the change itself: it is committed with the change,
 * or not at all.
 */
export interface WebhookOutbox {
  /**
   * Takes due messages of active endpoints for one attempt each, in turns
   * across endpoints (every endpoint's oldest due before any endpoint's
   * second, and so on; the oldest due first within a turn), skipping any another unit of work is taking (so concurrent
   * claims, in any process, never take the same message), and counts the
   * attempt. Within the limits of `request`.
   */
  claim(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /**
   * Records attempts and moves their messages on. A settlement whose attempt
   * is no longer the message's latest (its lease ran out and another
   * process took it) is recorded as an attempt but moves nothing. A `gone`
   * outcome disables the endpoint.
   */
  settle(settlements: readonly DeliverySettlement[]): Promise<void>;
  /** How much is waiting, for operators. */
  depth(now: number): Promise<OutboxDepth>;
  /**
   * Housekeeping, at most `limit` messages each: cancels (as of `now`) the
   * pending messages of removed or disabled endpoints, and deletes messages
   * (and their attempts) that finished before `finishedBefore`.
   * @returns how many messages were cancelled or deleted
   */
  tidy(now: number, finishedBefore: number, limit: number): Promise<number>;
}

/** The answer of one attempt, as the network gave it. */
export type SendResult =
  | { readonly kind: 'answered'; readonly status: number; readonly durationMs: number }
  | { readonly kind: 'failed'; readonly error: string; readonly durationMs: number };

/**
 * Sending webhooks over the network, in the Standard Webhooks format, to
 * addresses the deployment allows.
 */
export interface WebhookTransport {
  /**
   * Checks that a URL may receive webhooks: http or https, no credentials,
   * a sensible length, and a host that resolves only to addresses this
   * deployment sends to (by default no loopback, private, link-local or
   * other non-public ones).
   * @returns the URL as it will be stored
   * @throws ValidationError on path `url`
   */
  checkUrl(url: string): Promise<string>;
  /** A new random signing secret, `whsec_` and base64. */
  newSecret(): string;
  /**
   * One attempt: a signed POST, checked against the address rules again at
   * connection time. Never throws for a failure of the network or the
   * receiver; it is a `failed` result.
   */
  send(target: WebhookTarget, message: WebhookMessage): Promise<SendResult>;
}
