/**
 * The runs of the adapter-level confirmation benchmark (`pnpm bench:db`):
 * the hot window, single-confirmation latency, the cost of a commit and the
 * round trips of one confirmation, on data seeded here.
 */
import { confirmReservation } from '@exam-reservation/application';
import { FixedClock } from '@exam-reservation/application/testing';
import { type Actor, bookingPolicy, CapacityExceededError } from '@exam-reservation/domain';
import { type Kysely, Kysely as KyselyClass, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type Database, KyselyStore } from '../src/index.js';
import { auditCapacity } from '../src/testing/index.js';

const CAPACITY = 50_000;
const HOT_RESERVATIONS = 4_000;
export const CONCURRENCY = 64;
export const LATENCY_SAMPLES = 300;
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Far enough ahead that the lead time never matters. */
const BASE = Date.parse('2027-03-01T00:00:00Z');
const clock = new FixedClock(BASE - 30 * DAY);
const policy = bookingPolicy({ capacity: CAPACITY });

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function seedUsers(db: Kysely<Database>): Promise<{ admin: Actor; userId: number }> {
  const { rows } = await sql<{ id: number; role: 'user' | 'admin' }>`
    insert into users (email, user_name, password_hash, role, created_at)
    values ('bench-admin@example.com', 'admin', 'x', 'admin', now()), ('bench-user@example.com', 'user', 'x', 'user', now())
    returning id, role
  `.execute(db);
  const admin = rows.find((r) => r.role === 'admin')!;
  const user = rows.find((r) => r.role === 'user')!;
  return { admin: { userId: admin.id, role: 'admin' }, userId: user.id };
}

/** Inserts `count` pending reservations over `[start, end)` in one statement; returns their ids. */
async function insertPending(
  db: Kysely<Database>,
  userId: number,
  count: number,
  start: number,
  end: number,
  people: (i: number) => string,
): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
    select ${userId}, 'bench ' || i, ${new Date(start).toISOString()}::timestamptz, ${new Date(end).toISOString()}::timestamptz,
           ${sql.raw(people(0))}, 'pending', now(), now()
    from generate_series(1, ${count}) as i
    returning id
  `.execute(db);
  return rows.map((r) => r.id);
}

export async function hotWindow(
  store: KyselyStore,
  admin: Actor,
  userId: number,
  label: string,
  mode: { maxBatch?: number; confirmers?: number } = {},
  concurrency = CONCURRENCY,
) {
  // Each run starts from an empty window: earlier runs' reservations go back to pending.
  await sql`update slot_loads set confirmed_people = 0`.execute(store.kysely);
  await sql`update reservations set status = 'pending'`.execute(store.kysely);
  const start = BASE + 9 * HOUR;
  const end = start + HOUR;
  // 5–25 people each (mean 15): about 3,300 of the 4,000 fit in 50,000.
  const ids = await insertPending(store.kysely, userId, HOT_RESERVATIONS, start, end, () => '5 + (i % 21)');
  await sql`analyze`.execute(store.kysely);
  // Several confirmers over one store stand for several API processes.
  const confirmers = Array.from({ length: mode.confirmers ?? 1 }, () =>
    confirmReservation({ uow: store, clock, policy }, mode.maxBatch),
  );
  let turn = 0;
  // Open every pooled connection before the clock starts: connecting (a
  // backend fork and authentication each) is not what is measured.
  await Promise.all(
    Array.from({ length: concurrency }, () =>
      store.run(async (s) => {
        await s.ledger.loadsIn(0, 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }),
    ),
  );
  const queue = [...ids];
  let confirmed = 0;
  let refused = 0;
  let deadlocks = 0;
  const other: unknown[] = [];
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          await confirmers[turn++ % confirmers.length]!.execute({ actor: admin, id });
          confirmed++;
        } catch (error) {
          if (error instanceof CapacityExceededError) refused++;
          else if ((error as { code?: string }).code === '40P01') deadlocks++;
          else other.push(error);
        }
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  const audit = await auditCapacity(store.kysely, CAPACITY);
  if (audit.overCapacity.length > 0 || audit.ledgerMismatches.length > 0) {
    throw new Error(`invariant broken: ${JSON.stringify(audit).slice(0, 500)}`);
  }
  if (other.length > 0) throw new Error(`unexpected errors: ${String(other[0])}`);
  return {
    label,
    concurrency,
    attempts: ids.length,
    confirmed,
    refused,
    deadlocks,
    seconds,
    confirmationsPerSecond: confirmed / seconds,
    attemptsPerSecond: ids.length / seconds,
    maxLoad: audit.maxLoad,
  };
}

/** Latency of one confirmation at a time while `overlapping` other reservations overlap the window. */
export async function latency(
  store: KyselyStore,
  admin: Actor,
  userId: number,
  day: number,
  overlapping: number,
) {
  const start = BASE + day * DAY + 9 * HOUR;
  const end = start + HOUR;
  // Overlapping in every way: same window, starting before, ending after.
  const third = Math.floor(overlapping / 3);
  await insertPending(store.kysely, userId, third, start, end, () => '10');
  await insertPending(store.kysely, userId, third, start - HOUR, start + 30 * 60_000, () => '10');
  await insertPending(
    store.kysely,
    userId,
    overlapping - 2 * third,
    start + 30 * 60_000,
    end + HOUR,
    () => '10',
  );
  const targets = await insertPending(store.kysely, userId, LATENCY_SAMPLES, start, end, () => '1');
  await sql`analyze`.execute(store.kysely);
  const confirm = confirmReservation({ uow: store, clock, policy });
  // Warm the pool and the plan caches first.
  for (const id of targets.slice(0, 20)) await confirm.execute({ actor: admin, id });
  const samples: number[] = [];
  for (const id of targets.slice(20)) {
    const began = performance.now();
    await confirm.execute({ actor: admin, id });
    samples.push(performance.now() - began);
  }
  samples.sort((a, b) => a - b);
  // What the server does for the two reads of a confirmation, with N overlapping rows present.
  const explain = async (statement: string): Promise<string[]> => {
    const { rows } = await sql<{ 'QUERY PLAN': string }>`${sql.raw(
      `explain (analyze, costs off, timing off, summary off) ${statement}`,
    )}`.execute(store.kysely);
    return rows.map((r) => r['QUERY PLAN']);
  };
  const target = targets[targets.length - 1]!;
  const plans = {
    lock: await explain(`select * from reservations where id = ${target} for no key update`),
    loads: await explain(
      `select slot_start, confirmed_people from slot_loads where slot_start >= '${new Date(start).toISOString()}' and slot_start < '${new Date(end).toISOString()}' and confirmed_people > 0 order by slot_start`,
    ),
  };
  return {
    plans,
    overlapping,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

/** Sequential single-row commits: the floor any transaction that writes pays (WAL flush). */
export async function commitCost(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('create table if not exists bench_commit (id int primary key, n int)');
  await client.query('insert into bench_commit values (1, 0) on conflict do nothing');
  const rounds = 2_000;
  const began = performance.now();
  for (let i = 0; i < rounds; i++) await client.query('update bench_commit set n = n + 1 where id = 1');
  const ms = (performance.now() - began) / rounds;
  await client.end();
  return ms;
}

/** The messages (round trips) one confirmation sends, seen on the wire side of node-postgres. */
export async function roundTrips(url: string, admin: Actor, userId: number): Promise<string[]> {
  const messages: string[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text);
      messages.push(text.replace(/\s+/g, ' ').trim());
      return query(...args);
    };
  });
  const store = new KyselyStore(
    'postgres',
    new KyselyClass<Database>({ dialect: new PostgresDialect({ pool }) }),
    { pool },
  );
  const [id] = await insertPending(
    store.kysely,
    userId,
    1,
    BASE + 20 * DAY,
    BASE + 20 * DAY + HOUR,
    () => '1',
  );
  messages.length = 0;
  await confirmReservation({ uow: store, clock, policy }).execute({ actor: admin, id: id! });
  await store.close();
  return messages;
}
