import { type Kysely, type Migration, sql } from 'kysely';

/** Users, reservations, the slot ledger (its capacity checked by the database itself) and the audit trail. */
export const initialSchema: Migration = {
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
};
