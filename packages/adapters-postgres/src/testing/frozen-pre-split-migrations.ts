// FROZEN COPY — do not edit, do not import from production code.
// packages/adapters-postgres/src/migrations.ts exactly as it was on main
// (405b513) before its migrations moved to one file each under
// src/migrations/. The upgrade test (src/migrations/pre-split-upgrade.int.test.ts)
// migrates a database with it, as every database deployed before the split
// was, then checks the split code runs nothing again and ends with the same
// schema as a fresh database.

import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Every schema version, in order. Kept in code rather than read from a
 * folder so the same list runs from the TypeScript sources (tests, tsx) and
 * from the compiled `dist`. Never edit a migration that has shipped; add one.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial-schema': {
    async up(db: Kysely<unknown>): Promise<void> {
      // One statement per round trip: PGlite runs parameterless SQL through the
      // extended protocol too, which takes a single statement.
      const statements = [
        sql`
          create table users (
            id integer generated always as identity primary key,
            email text not null,
            user_name text not null,
            password_hash text not null,
            role text not null check (role in ('user', 'admin')),
            created_at timestamptz not null
          )
        `,
        sql`
          create unique index users_email_key on users (email)
        `,
        sql`
          create table reservations (
            id integer generated always as identity primary key,
            user_id integer not null references users (id),
            reservation_name text not null,
            start_time timestamptz not null,
            end_time timestamptz not null,
            number_of_people integer not null,
            status text not null check (status in ('pending', 'confirmed', 'cancelled')),
            created_at timestamptz not null,
            updated_at timestamptz not null,
            constraint reservations_time_order check (start_time < end_time),
            constraint reservations_people_positive check (number_of_people > 0)
          )
        `,
        sql`
          -- The list order (start_time, id), and its per-user variant.
          create index reservations_start_id_idx on reservations (start_time, id)
        `,
        sql`
          create index reservations_user_start_idx on reservations (user_id, start_time, id)
        `,
        sql`
          -- Overlap queries ("touches [from, to)") on wide ranges.
          create index reservations_range_idx on reservations using gist (tstzrange(start_time, end_time, '[)'))
        `,
        sql`
          -- The capacity ledger. Rows are only ever locked in ascending
          -- slot_start order (one statement, sorted input), so two
          -- transactions cannot deadlock on them. The checks make the database
          -- itself refuse an over-capacity slot even if application code errs.
          create table slot_loads (
            slot_start timestamptz primary key,
            confirmed_people integer not null,
            capacity integer not null,
            constraint slot_loads_not_negative check (confirmed_people >= 0),
            constraint slot_loads_within_capacity check (confirmed_people <= capacity)
          )
        `,
        sql`
          -- actor_id deliberately has no foreign key: it would take a KEY SHARE
          -- lock on the admin's users row in every confirmation, and many
          -- concurrent share lockers of one row cost a MultiXact each.
          create table reservation_events (
            id integer generated always as identity primary key,
            reservation_id integer not null references reservations (id),
            type text not null check (type in ('created', 'updated', 'confirmed', 'cancelled')),
            actor_id integer not null,
            at timestamptz not null,
            before jsonb,
            after jsonb not null
          )
        `,
        sql`
          create index reservation_events_reservation_idx on reservation_events (reservation_id, id)
        `,
        sql`
          -- The audit trail is append-only for everyone who uses this schema,
          -- not just for this code.
          create function reservation_events_append_only() returns trigger
          language plpgsql as $$
            begin
              raise exception 'reservation_events is append-only (% refused)', tg_op
              using errcode = 'insufficient_privilege';
            end;
          $$
        `,
        sql`
          create trigger reservation_events_no_update_or_delete
          before update or delete on reservation_events
          for each row execute function reservation_events_append_only()
        `,
        sql`
          create trigger reservation_events_no_truncate
          before truncate on reservation_events
          for each statement execute function reservation_events_append_only()
        `,
      ];
      for (const statement of statements) await statement.execute(db);
    },
  },
  '0002-login-throttle': {
    async up(db: Kysely<unknown>): Promise<void> {
      const statements = [
        sql`
          -- Recent failed log-ins per throttling key (an account, an address,
          -- or both): stamps in epoch microseconds, oldest first, only those
          -- inside the key's window kept. One row per key that failed lately.
          create table login_failures (
            key text primary key,
            stamps bigint[] not null,
            last_stamp bigint not null
          )
        `,
        sql`
          create index login_failures_last_stamp_idx on login_failures (last_stamp)
        `,
        sql`
          -- The check and the count of one log-in attempt as one atomic step,
          -- so that parallel attempts (from any number of API processes)
          -- cannot all pass the check before any of them is counted. Every
          -- key is locked first (transaction advisory locks, taken in key
          -- order: no deadlocks, no session state, fine behind PgBouncer);
          -- if any key already has max failures inside its window, nothing is
          -- counted and the answer is how long until the earliest of them
          -- leaves it; else the attempt is counted as a failure on every key
          -- (taken back by login_attempt_succeeded) and the answer is 0.
          create function login_attempt_begin(
            p_keys text[], p_max int[], p_window_us bigint[], p_stamp bigint
          ) returns bigint
          language plpgsql as $$
            declare
              i int;
              recent bigint[];
              wait_us bigint := 0;
            begin
              perform pg_advisory_xact_lock(hashtextextended(k, 0))
                from unnest(p_keys) as k order by k;
              for i in 1 .. coalesce(array_length(p_keys, 1), 0) loop
                select coalesce(array_agg(s order by s), '{}') into recent
                  from login_failures, unnest(stamps) as s
                  where key = p_keys[i] and s > p_stamp - p_window_us[i];
                if coalesce(array_length(recent, 1), 0) >= p_max[i] then
                  wait_us := greatest(
                    wait_us,
                    recent[array_length(recent, 1) - p_max[i] + 1] + p_window_us[i] - p_stamp
                  );
                end if;
              end loop;
              if wait_us > 0 then
                return wait_us;
              end if;
              insert into login_failures as f (key, stamps, last_stamp)
                select k, array[p_stamp], p_stamp
                  from unnest(p_keys, p_window_us) as w(k, window_us)
                on conflict (key) do update set
                  stamps = (
                    select coalesce(array_agg(s order by s), '{}')
                      from unnest(f.stamps) as s
                      where s > p_stamp - (select w.window_us from unnest(p_keys, p_window_us) as w(k, window_us) where w.k = f.key)
                  ) || p_stamp,
                  last_stamp = greatest(f.last_stamp, p_stamp);
              -- Now and then, forget keys with no failure in the last day (a
              -- few hundred rows at most; rows another attempt holds are skipped).
              if random() < 0.01 then
                delete from login_failures where key in (
                  select key from login_failures
                    where last_stamp < p_stamp - 86400000000::bigint
                    limit 500 for update skip locked
                );
              end if;
              return 0;
            end;
          $$
        `,
        sql`
          -- A counted attempt turned out to be a success: its failure is
          -- taken back from every key, and the keys in p_forget (the account
          -- from this address) lose all their failures.
          create function login_attempt_succeeded(p_keys text[], p_stamp bigint, p_forget text[])
          returns void
          language plpgsql as $$
            begin
              perform pg_advisory_xact_lock(hashtextextended(k, 0))
                from unnest(p_keys || p_forget) as k group by k order by k;
              update login_failures set stamps = array_remove(stamps, p_stamp)
                where key = any(p_keys);
              delete from login_failures where key = any(p_forget);
            end;
          $$
        `,
      ];
      for (const statement of statements) await statement.execute(db);
    },
  },
  '0003-rejected-history-idempotency': {
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
  },
  '0004-webhooks-outbox': {
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
  },
  '0005-login-undecided-attempts': {
    async up(db: Kysely<unknown>): Promise<void> {
      const statements = [
        sql`
          -- Which counted stamps are attempts still being checked (not yet
          -- taken back as right, nor kept as failures): a key full only of
          -- those makes the next attempt wait rather than be refused.
          alter table login_failures add column undecided bigint[] not null default '{}'
        `,
        sql`
          -- login_attempt_begin, telling failures from undecided attempts: if
          -- any key has max failures inside its window, nothing is counted and
          -- the answer is how long until the earliest of them leaves it; else
          -- if any key is full counting undecided attempts (those younger than
          -- p_undecided_us), nothing is counted and the answer is -1 (try again
          -- once they are decided); else the attempt is counted, undecided, on
          -- every key and the answer is 0. The old function stays for processes
          -- of the previous version during a rolling upgrade.
          create function login_attempt_begin_undecided(
            p_keys text[], p_max int[], p_window_us bigint[], p_stamp bigint, p_undecided_us bigint
          ) returns bigint
          language plpgsql as $$
            declare
              i int;
              failed bigint[];
              counted int;
              wait_us bigint := 0;
              is_full boolean := false;
            begin
              perform pg_advisory_xact_lock(hashtextextended(k, 0))
                from unnest(p_keys) as k order by k;
              for i in 1 .. coalesce(array_length(p_keys, 1), 0) loop
                select coalesce(array_agg(s order by s) filter (
                         where not (s = any(undecided) and s > p_stamp - p_undecided_us)
                       ), '{}'),
                       count(s)
                  into failed, counted
                  from login_failures, unnest(stamps) as s
                  where key = p_keys[i] and s > p_stamp - p_window_us[i];
                if coalesce(array_length(failed, 1), 0) >= p_max[i] then
                  wait_us := greatest(
                    wait_us,
                    failed[array_length(failed, 1) - p_max[i] + 1] + p_window_us[i] - p_stamp
                  );
                elsif counted >= p_max[i] then
                  is_full := true;
                end if;
              end loop;
              if wait_us > 0 then
                return wait_us;
              end if;
              if is_full then
                return -1;
              end if;
              insert into login_failures as f (key, stamps, undecided, last_stamp)
                select k, array[p_stamp], array[p_stamp], p_stamp
                  from unnest(p_keys) as k
                on conflict (key) do update set
                  stamps = (
                    select coalesce(array_agg(s order by s), '{}')
                      from unnest(f.stamps) as s
                      where s > p_stamp - (select w.window_us from unnest(p_keys, p_window_us) as w(k, window_us) where w.k = f.key)
                  ) || p_stamp,
                  undecided = (
                    select coalesce(array_agg(s order by s), '{}')
                      from unnest(f.undecided) as s
                      where s > p_stamp - p_undecided_us
                  ) || p_stamp,
                  last_stamp = greatest(f.last_stamp, p_stamp);
              if random() < 0.01 then
                delete from login_failures where key in (
                  select key from login_failures
                    where last_stamp < p_stamp - 86400000000::bigint
                    limit 500 for update skip locked
                );
              end if;
              return 0;
            end;
          $$
        `,
        sql`
          -- A right password: as before, and no longer undecided.
          create or replace function login_attempt_succeeded(p_keys text[], p_stamp bigint, p_forget text[])
          returns void
          language plpgsql as $$
            begin
              perform pg_advisory_xact_lock(hashtextextended(k, 0))
                from unnest(p_keys || p_forget) as k group by k order by k;
              update login_failures
                set stamps = array_remove(stamps, p_stamp), undecided = array_remove(undecided, p_stamp)
                where key = any(p_keys);
              delete from login_failures where key = any(p_forget);
            end;
          $$
        `,
        sql`
          -- A wrong password: the attempt stays counted, now as a failure.
          create function login_attempt_failed(p_keys text[], p_stamp bigint)
          returns void
          language plpgsql as $$
            begin
              perform pg_advisory_xact_lock(hashtextextended(k, 0))
                from unnest(p_keys) as k group by k order by k;
              update login_failures set undecided = array_remove(undecided, p_stamp)
                where key = any(p_keys);
            end;
          $$
        `,
      ];
      for (const statement of statements) await statement.execute(db);
    },
  },
};

/** The advisory lock every migration run holds for its transaction: one id for this schema. */
const MIGRATION_LOCK_ID = 7_306_115_201_263_142_001n;

/** What a run did: the migrations it applied, in order. */
export interface MigrationRun {
  readonly applied: readonly string[];
}

/**
 * Brings the schema of `db` to the latest version (or to `upTo`), all in one
 * transaction: a failed migration leaves the schema as it was. Safe to call
 * from several processes at once, also through PgBouncer in transaction
 * pooling mode: the run first takes a transaction-scoped advisory lock, so
 * the others wait, then find the work done; the lock ends with the
 * transaction, so a process that dies mid-run never leaves it held.
 * (Kysely's own migrator takes a session lock outside its transaction,
 * which a transaction pooler hands to a server connection the run then
 * leaves behind.) The applied versions are kept in `kysely_migration`,
 * the table Kysely's migrator used, so existing databases carry on.
 * @throws the first migration error, after everything rolled back
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: { upTo?: string } = {},
): Promise<MigrationRun> {
  const names = Object.keys(migrations).sort();
  if (options.upTo !== undefined && !names.includes(options.upTo)) {
    throw new Error(`no migration named ${options.upTo}`);
  }
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_ID.toString())}::bigint)`.execute(trx);
    await sql`create table if not exists kysely_migration (
        name varchar(255) not null primary key,
        timestamp varchar(255) not null
      )`.execute(trx);
    const done = new Set(
      (await sql<{ name: string }>`select name from kysely_migration`.execute(trx)).rows.map((r) => r.name),
    );
    const unknown = [...done].filter((name) => !names.includes(name));
    if (unknown.length > 0) {
      throw new Error(`the database has migrations this version does not know: ${unknown.join(', ')}`);
    }
    const applied: string[] = [];
    for (const name of names) {
      if (done.has(name)) continue;
      await migrations[name]!.up(trx);
      await sql`insert into kysely_migration (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
        trx,
      );
      applied.push(name);
      if (name === options.upTo) break;
    }
    return { applied };
  });
}
