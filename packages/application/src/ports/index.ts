export type { Clock } from './clock.js';
export type {
  IdempotencyClaim,
  IdempotencyKeys,
  IdempotencyRecord,
  IdempotencyScope,
  StoredResponse,
} from './idempotency-keys.js';
export type { CountedAttempt, LoginAttempts, LoginLimit } from './login-attempts.js';
export type { PasswordHasher } from './password-hasher.js';
export type {
  RecordedReservationEvent,
  ReservationEvent,
  ReservationEvents,
  ReservationEventType,
} from './reservation-events.js';
export type {
  NewReservation,
  PendingQuery,
  ReservationListQuery,
  ReservationPage,
  ReservationReader,
  Reservations,
} from './reservations.js';
export type { SlotLedger, SlotLoadReader } from './slot-ledger.js';
export { StoreUnavailableError } from './store-unavailable.js';
export type { IssuedToken, TokenIssuer } from './token-issuer.js';
export type { ReadStores, TransactionStores, UnitOfWork } from './unit-of-work.js';
export type { NewUser, Users, UserWithPassword } from './users.js';
