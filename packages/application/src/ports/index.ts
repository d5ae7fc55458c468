export type {
  AdmissionClaim,
  AdmissionRequests,
  ClaimedAdmission,
  FreedRoom,
} from './admission-requests.js';
export type { Clock } from './clock.js';
export type {
  IdempotencyClaim,
  IdempotencyKeys,
  IdempotencyRecord,
  IdempotencyScope,
  StoredAnswer,
} from './idempotency-keys.js';
export {
  type CountedAttempt,
  type LoginAttempts,
  type LoginLimit,
  UNDECIDED_ATTEMPT_MS,
} from './login-attempts.js';
export { type Metrics, NO_METRICS, type WebhookAttemptOutcome } from './metrics.js';
export { type HashOptions, OverloadedError, type PasswordHasher } from './password-hasher.js';
export type {
  ActorRole,
  RecordedReservationEvent,
  ReservationEvent,
  ReservationEventPage,
  ReservationEvents,
  ReservationEventType,
} from './reservation-events.js';
export type {
  ExportCsvEnd,
  ExportCursor,
  ExportPage,
  ExportQuery,
  NewReservation,
  PendingCursor,
  PendingPage,
  PendingQuery,
  ReservationListQuery,
  ReservationPage,
  ReservationReader,
  Reservations,
} from './reservations.js';
export type { SlotLedger, SlotLoadReader } from './slot-ledger.js';
export { StoreUnavailableError } from './store-unavailable.js';
export type { IssuedToken, TokenIssuer, TokenSubject } from './token-issuer.js';
export type { ReadStores, TransactionStores, UnitOfWork } from './unit-of-work.js';
export type { Account, NewUser, UserListQuery, UserPage, Users, UserWithPassword } from './users.js';
export {
  type ClaimedDelivery,
  type ClaimRequest,
  type DeliveryAttempt,
  type DeliverySettlement,
  type DeliveryState,
  type NewWebhookEndpoint,
  type OutboxDepth,
  type SendResult,
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEndpoints,
  type WebhookEventType,
  type WebhookMessage,
  type WebhookOutbox,
  type WebhookTarget,
  type WebhookTransport,
} from './webhooks.js';
