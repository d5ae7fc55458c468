import { describeAdmissionRequestsContract } from './admission-requests-contract.js';
import type { MakeStore } from './fixtures.js';
import { describeIdempotencyKeysContract } from './idempotency-keys-contract.js';
import { describeReservationEventsContract } from './reservation-events-contract.js';
import { describeReservationListsContract } from './reservation-lists-contract.js';
import { describeReservationsContract } from './reservations-contract.js';
import { describeSlotLedgerContract } from './slot-ledger-contract.js';
import { describeUnitOfWorkContract } from './unit-of-work-contract.js';
import { describeUsersContract } from './users-contract.js';
import { describeWebhooksContract } from './webhooks-contract.js';

/** Every store contract, for an adapter that implements all the store ports. */
export function describeStoreContracts(name: string, makeStore: MakeStore): void {
  describeUnitOfWorkContract(name, makeStore);
  describeReservationsContract(name, makeStore);
  describeReservationListsContract(name, makeStore);
  describeSlotLedgerContract(name, makeStore);
  describeReservationEventsContract(name, makeStore);
  describeUsersContract(name, makeStore);
  describeIdempotencyKeysContract(name, makeStore);
  describeWebhooksContract(name, makeStore);
  describeAdmissionRequestsContract(name, makeStore);
}
