import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The rejected status, the actor's role and a rejection's reason in history,
 * admission's index of pending reservations, and Idempotency-Key answers.
 */
export const rejectedHistoryIdempotency: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const statements = [
      // The new status and event type. NOT VALID then VALIDATE: the scan of
      // existing rows does not hold the table's strongest lock.
      sql`alter table reservations drop constraint reservations_status_check`,
      sql`
          alter table reservations add constraint reservations_status_check
          check (status in ('pending', 'confirmed', 'cancelled', 'rejected')) not valid
        `,
      sql`alter table reservations validate constraint reservations_status_check`,
      sql`alter table reservation_events drop constraint reservation_events_type_check`,
      sql`
          alter table reservation_events add constraint reservation_events_type_check
          check (type in ('created', 'updated', 'confirmed', 'cancelled', 'rejected')) not valid
        `,
      sql`alter table reservation_events validate constraint reservation_events_type_check`,
      // History shows the actor's role at the time and a rejection's reason.
      sql`alter table reservation_events add column reason text`,
      sql`alter table reservation_events add column actor_role text`,
      // Events written before this migration did not record the role. Best
      // evidence: only admins confirm or act on someone else's reservation;
      // otherwise the account's role now. The append-only trigger is off for
      // this one statement, inside the migration's transaction.
      sql`alter table reservation_events disable trigger reservation_events_no_update_or_delete`,
      sql`
          update reservation_events e set actor_role = case
            when e.type = 'confirmed' or e.actor_id <> (e.after ->> 'userId')::int then 'admin'
            else coalesce((select u.role from users u where u.id = e.actor_id), 'user')
          end
        `,
      sql`alter table reservation_events enable trigger reservation_events_no_update_or_delete`,
      sql`alter table reservation_events alter column actor_role set not null`,
      sql`
          alter table reservation_events add constraint reservation_events_actor_role_check
          check (actor_role in ('user', 'admin'))
        `,
      sql`
          -- Admission walks the pending reservations in creation order, a page
          -- at a time: (created_at, id) > last seen, among pending ones only.
          create index reservations_pending_created_idx on reservations (created_at, id)
          where status = 'pending'
        `,
      sql`
          -- Answers to requests sent with an Idempotency-Key, per user. 'done'
          -- rows hold the answer, written in the transaction of the effect;
          -- 'running' rows are the lease of a request that spans several
          -- transactions (admission). No foreign key to users, for the same
          -- reason as reservation_events.actor_id.
          create table idempotency_keys (
            user_id integer not null,
            key text not null,
            fingerprint text not null,
            state text not null check (state in ('running', 'done')),
            token text,
            lease_until timestamptz,
            status integer,
            headers jsonb,
            body text,
            created_at timestamptz not null,
            expires_at timestamptz not null,
            primary key (user_id, key),
            constraint idempotency_keys_done_has_answer check (
              (state = 'done') = (status is not null and headers is not null and body is not null)
            ),
            constraint idempotency_keys_running_has_lease check (
              (state = 'running') = (token is not null and lease_until is not null)
            )
          )
        `,
      sql`create index idempotency_keys_expires_idx on idempotency_keys (expires_at)`,
    ];
    for (const statement of statements) await statement.execute(db);
  },
};
