import { type Kysely, type Migration, sql } from 'kysely';

/** Failed log-ins per throttling key, and the atomic check-and-count of an attempt. */
export const loginThrottle: Migration = {
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
};
