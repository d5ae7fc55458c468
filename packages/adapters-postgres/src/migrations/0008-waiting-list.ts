import { type Kysely, type Migration, sql } from 'kysely';

/** The waiting list: changes made by the system in the history, and the queue of freed room. */
export const waitingList: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const statements = [
      sql`alter table reservation_events alter column actor_id drop not null`,
      sql`alter table reservation_events drop constraint reservation_events_actor_role_check`,
      sql`
          -- The system (the waiting list) acts with no account; everyone else with one.
          alter table reservation_events add constraint reservation_events_actor_role_check
          check (actor_role in ('user', 'admin', 'system') and (actor_role = 'system') = (actor_id is null))
        `,
      sql`
          -- Room a change freed, written in the change's own transaction: the
          -- waiting list admits over it. A process claims requests by setting
          -- claimed_until (its lease) and claimed_by; one whose lease ran out
          -- (its process died) is due again. after_cursor: where a promotion cut
          -- short stopped in the queue. No foreign keys, no session state.
          create table admission_requests (
            id bigint generated always as identity primary key,
            range_start timestamptz not null,
            range_end timestamptz not null,
            freed_at timestamptz not null,
            after_cursor text,
            claimed_until timestamptz,
            claimed_by text,
            constraint admission_requests_range_check check (range_start < range_end),
            constraint admission_requests_claim_check check ((claimed_until is null) = (claimed_by is null))
          )
        `,
      sql`create index admission_requests_due_idx on admission_requests (freed_at, id)`,
    ];
    for (const statement of statements) await statement.execute(db);
  },
};
