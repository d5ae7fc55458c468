import type { AdmissionRequests } from './admission-requests.js';
import type { IdempotencyKeys } from './idempotency-keys.js';
import type { ReservationEvents } from './reservation-events.js';
import type { ReservationReader, Reservations } from './reservations.js';
import type { SlotLedger, SlotLoadReader } from './slot-ledger.js';
import type { Users } from './users.js';
import type { WebhookEndpoints, WebhookOutbox } from './webhooks.js';

/** The stores bound to one transaction. */
export interface TransactionStores {
  readonly reservations: Reservations;
  readonly ledger: SlotLedger;
  readonly events: ReservationEvents;
  readonly users: Users;
  readonly idempotencyKeys: IdempotencyKeys;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly outbox: WebhookOutbox;
  /** The waiting list's queue of freed room. */
  readonly admissionRequests: AdmissionRequests;
}

/** Stores for plain reads outside any transaction: nothing here can lock. */
export interface ReadStores {
  readonly reservations: ReservationReader;
  readonly ledger: SlotLoadReader;
  readonly events: Pick<ReservationEvents, 'listFor' | 'pageFor'>;
  readonly users: Pick<Users, 'findById' | 'findManyById' | 'findByEmail' | 'list'>;
  readonly webhookEndpoints: Pick<WebhookEndpoints, 'list' | 'get' | 'deliveries'>;
  readonly outbox: Pick<WebhookOutbox, 'depth'>;
}

export interface UnitOfWork {
  /**
   * Runs `work` in one transaction: all of its writes happen, or (when it
   * throws, or the process dies) none do.
   */
  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T>;
  /** Runs read-only `work` without a transaction. */
  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T>;
}
