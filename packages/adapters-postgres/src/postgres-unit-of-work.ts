import {
  type ReadStores,
  StoreUnavailableError,
  type TransactionStores,
  type UnitOfWork,
} from '@exam-reservation/application';
import { CapacityExceededError, firstOverflow } from '@exam-reservation/domain';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';
import { type Executor, KyselyExecutor } from './executor.js';
import { KyselySession, type Session } from './kysely-session.js';
import type { PendingLedgerChange } from './pending-ledger-change.js';
import { isPgError, isUnavailable, SqlState } from './pg-error.js';
import { PgReadExecutor } from './pg-read-executor.js';
import { PgSession } from './pg-session.js';
import { PostgresAdmissionRequests } from './postgres-admission-requests.js';
import { PostgresIdempotencyKeys } from './postgres-idempotency-keys.js';
import { PostgresReservationEvents } from './postgres-reservation-events.js';
import { PostgresReservations } from './postgres-reservations.js';
import { PostgresSlotLedger } from './postgres-slot-ledger.js';
import { PostgresUsers } from './postgres-users.js';
import { PostgresWebhookEndpoints, PostgresWebhookOutbox } from './postgres-webhooks.js';

function storesOver(db: Kysely<Database>, exec: Executor, pending?: PendingLedgerChange): TransactionStores {
  return {
    reservations: new PostgresReservations(db, exec),
    ledger: new PostgresSlotLedger(db, exec, pending),
    events: new PostgresReservationEvents(db, exec),
    users: new PostgresUsers(db, exec),
    idempotencyKeys: new PostgresIdempotencyKeys(db, exec),
    webhookEndpoints: new PostgresWebhookEndpoints(db, exec),
    outbox: new PostgresWebhookOutbox(db, exec),
    admissionRequests: new PostgresAdmissionRequests(db, exec),
  };
}

/** A failure because the database is unavailable, told apart from the others as StoreUnavailableError. */
export async function unavailableAsSuch<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof StoreUnavailableError) && isUnavailable(error)) {
      throw new StoreUnavailableError({ cause: error });
    }
    throw error;
  }
}

/**
 * Units of work on PostgreSQL. `run` is one READ COMMITTED transaction on one
 * connection; the row locks the stores take serialize conflicting changes,
 * and the slot-ledger write is the last statement before COMMIT. `read` uses
 * the pool directly and never locks.
 *
 * Given the node-postgres pool, transactions go through {@link PgSession},
 * which saves round trips and keeps hot slot rows locked only while the
 * server runs the final message; without it (PGlite), through Kysely's own
 * connection, one statement at a time.
 */
export class PostgresUnitOfWork implements UnitOfWork {
  private readonly reads: Executor;
  private readonly queuedListeners: (() => void)[] = [];

  /**
   * @param settings `set local` statements for every transaction and read on
   *   the pool (time limits); see {@link sessionLimits}
   */
  constructor(
    protected readonly db: Kysely<Database>,
    private readonly pool?: pg.Pool,
    private readonly settings = '',
  ) {
    this.reads = pool && settings !== '' ? new PgReadExecutor(pool, settings) : new KyselyExecutor(db);
  }

  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    return unavailableAsSuch(this.runOnce(work));
  }

  /**
   * Calls `listener` after every commit that queued webhook messages (so a
   * deliverer in this process may start at once instead of at its next poll).
   */
  onWebhooksQueued(listener: () => void): void {
    this.queuedListeners.push(listener);
  }

  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return unavailableAsSuch(work(storesOver(this.db, this.reads)));
  }

  private async runOnce<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    const pool = this.pool;
    if (!pool)
      return this.db.connection().execute((connection) => this.within(new KyselySession(connection), work));
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await this.within(new PgSession(client, this.settings), work, (error) => {
        broken = error;
      });
    } finally {
      // A connection that could not even roll back is not put back in the pool.
      client.release(broken);
    }
  }

  private async within<T>(
    session: Session,
    work: (stores: TransactionStores) => Promise<T>,
    onBroken: (error: Error) => void = () => undefined,
  ): Promise<T> {
    try {
      const result = await work(storesOver(this.db, session, session.ledger));
      await session.commit();
      if (session.outboxRows > 0) for (const listener of this.queuedListeners) listener();
      return result;
    } catch (error) {
      // The server has already rolled back if the connection died; a failed
      // ROLLBACK must not hide the error that caused it.
      await session.rollback().catch((rollbackError: unknown) => {
        onBroken(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
      });
      if (isPgError(error, SqlState.checkViolation) && error.constraint === 'slot_loads_within_capacity') {
        throw await this.refusal(session);
      }
      throw error;
    }
  }

  /** The refusal for a ledger write the CHECK stopped (a race lost since the caller's check), in the domain's terms. */
  private async refusal(session: Session): Promise<CapacityExceededError> {
    // Read on the session's own connection, now out of its transaction:
    // PGlite has no other connection to read on.
    const pending = session.ledger;
    const deltas = pending.deltas();
    const first = deltas[0]!;
    const loads = await new PostgresSlotLedger(this.db, session)
      .loadsIn(first.slotStart, deltas[deltas.length - 1]!.slotStart + 1)
      .catch(() => new Map<number, number>());
    return (
      firstOverflow(loads, deltas, pending.capacity, pending.timeZone) ??
      // The load moved again after the refusal; still name a slot of the change.
      new CapacityExceededError(
        first.slotStart,
        pending.capacity - (loads.get(first.slotStart) ?? 0),
        first.delta,
        pending.timeZone,
      )
    );
  }
}
