import type { Reservation } from '@exam-reservation/domain';
import type {
  DeliveryAttempt,
  DeliveryState,
  FreedRoom,
  IdempotencyRecord,
  RecordedReservationEvent,
  UserWithPassword,
  WebhookEndpoint,
} from '../ports/index.js';

/** An endpoint as stored: with its secret, and when it was removed. */
export interface StoredEndpoint extends WebhookEndpoint {
  readonly secret: string;
  readonly removedAt: number | null;
}

/** One message for one endpoint, as stored. */
export interface StoredDelivery {
  readonly id: number;
  readonly endpointId: number;
  readonly eventId: number;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  readonly finishedAt: number | null;
}

/** A request of the waiting list, as stored. */
export interface StoredAdmissionRequest extends FreedRoom {
  readonly id: number;
  readonly claimedUntil: number | null;
  readonly claimedBy: string | null;
}

/** Everything the in-memory fakes hold: one value, copied whole for each unit of work. */
export interface State {
  reservations: Map<number, Reservation>;
  users: Map<number, UserWithPassword>;
  events: RecordedReservationEvent[];
  ledger: Map<number, number>;
  idempotency: Map<string, IdempotencyRecord>;
  endpoints: Map<number, StoredEndpoint>;
  deliveries: Map<number, StoredDelivery>;
  attempts: Map<number, readonly DeliveryAttempt[]>;
  admissionRequests: Map<number, StoredAdmissionRequest>;
  nextAdmissionRequestId: number;
  nextReservationId: number;
  nextUserId: number;
  nextToken: number;
  nextEndpointId: number;
  nextDeliveryId: number;
}

/** A store with nothing in it. */
export const emptyState = (): State => ({
  reservations: new Map(),
  users: new Map(),
  events: [],
  ledger: new Map(),
  idempotency: new Map(),
  endpoints: new Map(),
  deliveries: new Map(),
  attempts: new Map(),
  admissionRequests: new Map(),
  nextAdmissionRequestId: 1,
  nextReservationId: 1,
  nextUserId: 1,
  nextToken: 1,
  nextEndpointId: 1,
  nextDeliveryId: 1,
});

/** A copy for a unit of work to change, then keep or drop whole. */
export const clone = (state: State): State => ({
  reservations: new Map(state.reservations),
  users: new Map(state.users),
  events: [...state.events],
  ledger: new Map(state.ledger),
  idempotency: new Map(state.idempotency),
  endpoints: new Map(state.endpoints),
  deliveries: new Map(state.deliveries),
  attempts: new Map(state.attempts),
  admissionRequests: new Map(state.admissionRequests),
  nextAdmissionRequestId: state.nextAdmissionRequestId,
  nextReservationId: state.nextReservationId,
  nextUserId: state.nextUserId,
  nextToken: state.nextToken,
  nextEndpointId: state.nextEndpointId,
  nextDeliveryId: state.nextDeliveryId,
});

/** Whether an endpoint still takes messages. */
export const isActive = (endpoint: StoredEndpoint): boolean =>
  endpoint.removedAt === null && endpoint.disabledAt === null;
