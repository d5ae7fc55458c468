/**
 * In-memory implementations of every port, and contract suites for store adapters: the same cases run against the
 * in-memory fakes and every real store, so they cannot drift apart.
 * Import from `@exam-reservation/application/testing` in test files only.
 * @packageDocumentation
 */
export { FixedClock } from '../fakes/clocks.js';
export { FakePasswordHasher, FakeTokenIssuer } from '../fakes/fake-auth.js';
export { FakeWebhookTransport } from '../fakes/fake-webhook-transport.js';
export { InMemoryIdempotencyKeys } from '../fakes/in-memory-idempotency-keys.js';
export { InMemoryLoginAttempts } from '../fakes/in-memory-login-attempts.js';
export { InMemoryReservationEvents } from '../fakes/in-memory-reservation-events.js';
export { InMemoryReservations } from '../fakes/in-memory-reservations.js';
export { InMemorySlotLedger } from '../fakes/in-memory-slot-ledger.js';
export { InMemoryStore } from '../fakes/in-memory-store.js';
export { InMemoryUsers } from '../fakes/in-memory-users.js';
export { InMemoryWebhookEndpoints, InMemoryWebhookOutbox } from '../fakes/in-memory-webhooks.js';
export { describeAdmissionRequestsContract } from './admission-requests-contract.js';
export { at, type MakeStore, rejectionOf, SLOT, T0 } from './fixtures.js';
export { describeIdempotencyKeysContract } from './idempotency-keys-contract.js';
export { encodeAnswer, keyedAnswer, type TestResponse } from './keyed.js';
export { describeLoginAttemptsContract, type MakeLoginAttempts } from './login-attempts-contract.js';
export { describeReservationEventsContract } from './reservation-events-contract.js';
export { describeReservationListsContract } from './reservation-lists-contract.js';
export { describeReservationsContract } from './reservations-contract.js';
export {
  type DifferentialOptions,
  differentialSteps,
  expectServiceMatchesSimulate,
  FREEING_ROOM,
  type Kit,
  type Step,
  type StepMix,
  type StepWeights,
  waitingListRuns,
} from './simulate-differential.js';
export { describeSlotLedgerContract } from './slot-ledger-contract.js';
export { describeStoreContracts } from './store-contracts.js';
export { describeUnitOfWorkContract } from './unit-of-work-contract.js';
export { bookingDraft, NOW, useCaseKit } from './use-case-kit.js';
export { describeUsersContract } from './users-contract.js';
export { describeWebhooksContract } from './webhooks-contract.js';
