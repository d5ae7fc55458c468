import { type Kysely, type Migration, sql } from 'kysely';

/** Log-in attempts still being checked, told apart from failures. */
export const loginUndecidedAttempts: Migration = {
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
};
