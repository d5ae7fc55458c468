import type { ColumnType, Generated } from 'kysely';

/** A `timestamptz` column: read as a Date, written as a Date. */
type Timestamp = ColumnType<Date, Date, Date>;

/** A reservation as stored in a `jsonb` audit column: times as epoch ms, like the domain. */
export interface ReservationSnapshot {
  readonly id: number;
  readonly userId: number;
  readonly reservationName: string;
  readonly start: number;
  readonly end: number;
  readonly numberOfPeople: number;
  readonly status: 'pending' | 'confirmed' | 'cancelled' | 'rejected';
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Accounts. */
export interface UsersTable {
  id: Generated<number>;
  email: string;
  user_name: string;
  password_hash: string;
  role: 'user' | 'admin';
  created_at: Timestamp;
  /** Raised by each password change; tokens carry the one they were issued under. */
  token_version: Generated<number>;
}

/** Reservations, any status; times as `timestamptz`. */
export interface ReservationsTable {
  id: Generated<number>;
  user_id: number;
  reservation_name: string;
  start_time: Timestamp;
  end_time: Timestamp;
  number_of_people: number;
  status: 'pending' | 'confirmed' | 'cancelled' | 'rejected';
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The capacity ledger: confirmed people per slot, one row per slot ever loaded. */
export interface SlotLoadsTable {
  slot_start: Timestamp;
  confirmed_people: number;
  capacity: number;
}

/** The append-only audit trail (a trigger refuses UPDATE, DELETE and TRUNCATE). */
export interface ReservationEventsTable {
  id: Generated<number>;
  reservation_id: number;
  type: 'created' | 'updated' | 'confirmed' | 'cancelled' | 'rejected';
  /** Null for the system (the waiting list). */
  actor_id: number | null;
  actor_role: 'user' | 'admin' | 'system';
  reason: string | null;
  at: Timestamp;
  before: ColumnType<ReservationSnapshot | null, string | null, never>;
  after: ColumnType<ReservationSnapshot, string, never>;
}

/** Stored answers of requests sent with an Idempotency-Key, per user. */
export interface IdempotencyKeysTable {
  user_id: number;
  key: string;
  fingerprint: string;
  state: 'running' | 'done';
  token: string | null;
  lease_until: Timestamp | null;
  /** The answer of a 'done' row, in the transport's encoding. */
  answer: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Webhook endpoints; removed ones are only marked. */
export interface WebhookEndpointsTable {
  id: Generated<number>;
  url: string;
  events: string[];
  secret: string;
  created_at: Timestamp;
  disabled_at: Timestamp | null;
  disabled_reason: string | null;
  removed_at: Timestamp | null;
}

/** The outbox: one message per (audit event, endpoint), and where its delivery stands. */
export interface WebhookDeliveriesTable {
  /** `bigint`: read as a string. */
  id: ColumnType<string, never, never>;
  endpoint_id: number;
  event_id: number;
  state: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  next_attempt_at: Timestamp;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

/** Every attempt of every message. */
export interface WebhookAttemptsTable {
  delivery_id: ColumnType<string, number, never>;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number;
  response_status: number | null;
  error: string | null;
}

/** The waiting list's queue of freed room. */
export interface AdmissionRequestsTable {
  /** `bigint`: read as a string. */
  id: ColumnType<string, never, never>;
  range_start: Timestamp;
  range_end: Timestamp;
  freed_at: Timestamp;
  after_cursor: string | null;
  claimed_until: Timestamp | null;
  claimed_by: string | null;
}

/** The Kysely schema of the store. */
export interface Database {
  users: UsersTable;
  reservations: ReservationsTable;
  slot_loads: SlotLoadsTable;
  reservation_events: ReservationEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  admission_requests: AdmissionRequestsTable;
}
