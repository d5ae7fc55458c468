import type { Reservation, SlotLoads } from '@exam-reservation/domain';
import type { ReadStores, TransactionStores, UnitOfWork } from '../ports/index.js';
import { InMemoryAdmissionRequests } from './in-memory-admission-requests.js';
import { InMemoryIdempotencyKeys } from './in-memory-idempotency-keys.js';
import { InMemoryReservationEvents } from './in-memory-reservation-events.js';
import { InMemoryReservations } from './in-memory-reservations.js';
import { InMemorySlotLedger } from './in-memory-slot-ledger.js';
import { clone, emptyState, type State } from './in-memory-state.js';
import { InMemoryUsers } from './in-memory-users.js';
import { InMemoryWebhookEndpoints, InMemoryWebhookOutbox } from './in-memory-webhooks.js';

/**
 * Every store port in memory, with real transactions: units of work run one
 * at a time, and one that throws leaves the state as it found it. For tests
 * and for simulating booking policies; not shared between processes.
 */
export class InMemoryStore implements UnitOfWork {
  private state: State = emptyState();
  private queue: Promise<unknown> = Promise.resolve();

  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      const draft = clone(this.state);
      const value = await work(storesOver(draft));
      this.state = draft;
      return value;
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return work(storesOver(this.state));
  }

  /** Confirmed load per slot, as the ledger holds it. */
  ledgerSnapshot(): SlotLoads {
    return new Map(this.state.ledger);
  }

  reservationsSnapshot(): Reservation[] {
    return [...this.state.reservations.values()];
  }
}

function storesOver(state: State): TransactionStores {
  return {
    reservations: new InMemoryReservations(state),
    ledger: new InMemorySlotLedger(state),
    events: new InMemoryReservationEvents(state),
    users: new InMemoryUsers(state),
    idempotencyKeys: new InMemoryIdempotencyKeys(state),
    webhookEndpoints: new InMemoryWebhookEndpoints(state),
    outbox: new InMemoryWebhookOutbox(state),
    admissionRequests: new InMemoryAdmissionRequests(state),
  };
}
