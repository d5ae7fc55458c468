import { type Kysely, type Migration, sql } from 'kysely';

/** Webhook endpoints, and the outbox of their deliveries and attempts. */
export const webhooksOutbox: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const statements = [
      sql`
          -- Endpoints admins registered. Removing one only marks it (its
          -- messages are cancelled and deleted later, in small batches), so a
          -- request never has an unbounded amount of rows to touch.
          create table webhook_endpoints (
            id integer generated always as identity primary key,
            url text not null,
            events text[] not null,
            secret text not null,
            created_at timestamptz not null,
            disabled_at timestamptz,
            disabled_reason text,
            removed_at timestamptz,
            constraint webhook_endpoints_events_check check (
              cardinality(events) between 1 and 5 and events <@ array[
                'reservation.created', 'reservation.updated', 'reservation.confirmed',
                'reservation.rejected', 'reservation.cancelled'
              ]::text[]
            )
          )
        `,
      sql`
          -- The outbox and delivery queue: one row per (audit event, endpoint),
          -- inserted by the very statement that appends the audit event, so it
          -- commits with the change or not at all. Claimed with FOR UPDATE SKIP
          -- LOCKED; a claimed row's next_attempt_at is its lease, so a process
          -- that dies mid-attempt leaves it due again. No foreign keys: each
          -- would lock a parent row in every change (see reservation_events).
          create table webhook_deliveries (
            id bigint generated always as identity,
            endpoint_id integer not null,
            event_id integer not null,
            state text not null default 'pending'
              check (state in ('pending', 'delivered', 'failed', 'cancelled')),
            attempts integer not null default 0,
            next_attempt_at timestamptz not null,
            created_at timestamptz not null,
            finished_at timestamptz,
            -- (endpoint, id): also an endpoint's recent messages, newest first.
            -- Two indexes in all to write in every change, not three.
            primary key (endpoint_id, id),
            constraint webhook_deliveries_finished check ((state = 'pending') = (finished_at is null))
          )
        `,
      sql`
          -- Due messages of one endpoint, oldest first: the claim walks this.
          create index webhook_deliveries_due_idx on webhook_deliveries (endpoint_id, next_attempt_at, id)
          where state = 'pending'
        `,
      sql`
          create index webhook_deliveries_finished_idx on webhook_deliveries (finished_at)
          where finished_at is not null
        `,
      sql`
          -- Every attempt, as recorded when it ended. (delivery, attempt) is
          -- unique: a claim counts the attempt, so two processes never make
          -- the same attempt of one message. Deleted with its message.
          create table webhook_attempts (
            delivery_id bigint not null,
            attempt integer not null,
            started_at timestamptz not null,
            duration_ms integer not null,
            response_status integer,
            error text,
            primary key (delivery_id, attempt)
          )
        `,
    ];
    for (const statement of statements) await statement.execute(db);
  },
};
