/**
 * PostgreSQL adapters of the store ports: Kysely over node-postgres for a
 * server, or over PGlite embedded in the process; versioned migrations; and
 * the slot ledger that enforces the capacity invariant.
 * @packageDocumentation
 */

export { DataDirInUseError } from './data-dir-lock.js';
export type {
  Database,
  IdempotencyKeysTable,
  ReservationEventsTable,
  ReservationSnapshot,
  ReservationsTable,
  SlotLoadsTable,
  UsersTable,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from './database.js';
export { KyselyStore, type PoolUsage, type PostgresStore } from './kysely-store.js';
export { migrations } from './migrations/index.js';
export { type MigrationRun, migrateToLatest } from './migrations/migrate-to-latest.js';
export {
  EMBEDDED_SHARED_BUFFERS,
  type EmbeddedStoreOptions,
  openEmbeddedStore,
} from './open-embedded-store.js';
export { openPostgresStore, type PostgresStoreOptions } from './open-postgres-store.js';
export { sessionLimits } from './pg-read-executor.js';
export { PostgresIdempotencyKeys } from './postgres-idempotency-keys.js';
export { PostgresLoginAttempts } from './postgres-login-attempts.js';
export { PostgresReservationEvents } from './postgres-reservation-events.js';
export { PostgresReservations } from './postgres-reservations.js';
export { PostgresSlotLedger } from './postgres-slot-ledger.js';
export { PostgresUnitOfWork } from './postgres-unit-of-work.js';
export { PostgresUsers } from './postgres-users.js';
export { PostgresWebhookEndpoints, PostgresWebhookOutbox } from './postgres-webhooks.js';
