/**
 * The database ceilings for bookings.
 *
 * {@link pgbenchCreate}: pgbench replays the project's own
 * statements for one booking in its own transaction — captured from a real
 * booking through the PostgreSQL adapter, in the same three messages the
 * adapter sends (read the confirmed load with BEGIN and the time limits;
 * insert the reservation; the audit row with COMMIT) — from 64 clients at
 * once: what PostgreSQL on this machine does for these writes when every
 * booking pays for its own transaction and WAL flush.
 *
 * {@link pgbenchCreateLean}: the leanest SQL for a booking that keeps its
 * audit row — the reservation and its `created` event in one statement, one
 * transaction (and WAL flush) per booking, 64 clients — what the database
 * could do for bookings written one at a time with nothing read first.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Database, PostgresUnitOfWork, sessionLimits } from '@exam-reservation/adapters-postgres';
import { createReservation, SystemClock } from '@exam-reservation/application';
import { bookingPolicy, parseRequestTime } from '@exam-reservation/domain';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

const run = promisify(execFile);

/** Runs one real booking and returns the messages it sent, parameters inlined. */
async function captureCreate(url: string, userId: number, day: string): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  const recorded: string[] = [];
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    const client = await connect();
    const query = client.query.bind(client) as (text: string, params?: unknown[]) => Promise<pg.QueryResult>;
    (client as unknown as { query: typeof query }).query = (text: string, params?: unknown[]) => {
      recorded.push(inline(text, params ?? []));
      return query(text, params);
    };
    return client;
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const uow = new PostgresUnitOfWork(
      db,
      pool,
      sessionLimits({ statementTimeoutMs: 30_000, idleInTransactionMs: 60_000 }),
    );
    const create = createReservation({ uow, clock: new SystemClock(), policy: bookingPolicy() });
    await create.execute({
      actor: { userId, role: 'user' },
      draft: {
        reservationName: 'pgbench',
        start: parseRequestTime(`${day} 09:00`, 'Asia/Seoul', 'start'),
        end: parseRequestTime(`${day} 10:00`, 'Asia/Seoul', 'end'),
        numberOfPeople: 1,
      },
    });
  } finally {
    await db.destroy();
  }
  return recorded;
}

/** `$n` placeholders replaced by literals. */
function inline(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (typeof value === 'number') return String(value);
    if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
    if (typeof value === 'string') return pg.escapeLiteral(value);
    if (value === null) return 'null';
    throw new TypeError(`cannot inline parameter $${n}`);
  });
}

/** One pgbench command per message; statements within a message joined by `\;`. */
function toPgbenchScript(messages: readonly string[]): string {
  return `${messages
    .map(
      (message) =>
        `${message
          .split(';\n')
          .map((s) => s.trim().replaceAll('\n', ' '))
          .join(' \\;\n')};`,
    )
    .join('\n')}\n`;
}

/**
 * Captures the adapter's statements for one booking on `day` (YYYY-MM-DD,
 * Seoul) and replays them with pgbench from 64 clients for `seconds`.
 */
export async function pgbenchCreate(
  db: pg.Pool,
  url: string,
  day: string,
  seconds: number,
): Promise<PgbenchResult> {
  const user = await db.query<{ id: number }>(
    `insert into users (email, user_name, password_hash, role, created_at)
     values ('pgbench-candidate@example.com', 'pgbench', 'x', 'user', now()) returning id`,
  );
  const messages = await captureCreate(url, user.rows[0]!.id, day);
  if (messages.length !== 3)
    throw new Error(`expected 3 messages for a booking, captured ${messages.length}`);
  const before = await db.query<{ n: string }>(
    `select count(*) as n from reservations where reservation_name = 'pgbench'`,
  );
  const result = await pgbench(url, toPgbenchScript(messages), seconds);
  const after = await db.query<{ n: string }>(
    `select count(*) as n from reservations where reservation_name = 'pgbench'`,
  );
  if (Number(after.rows[0]?.n) - Number(before.rows[0]?.n) !== result.transactions) {
    throw new Error(
      `pgbench processed ${result.transactions} transactions but the reservations do not say so`,
    );
  }
  return result;
}

/** What a pgbench run reports. */
export interface PgbenchResult {
  readonly tps: number;
  readonly latencyMs: number;
  readonly transactions: number;
  readonly failed: number;
}

/** Runs `script` with pgbench from 64 clients for `seconds` and reads its report. */
async function pgbench(url: string, script: string, seconds: number): Promise<PgbenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'pgbench-create-'));
  const file = join(dir, 'create.sql');
  await writeFile(file, script);
  const { stdout } = await run(
    'pgbench',
    ['-n', '-c', '64', '-j', '2', '-T', String(seconds), '-f', file, url],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
    if (error.code === 'ENOENT') {
      throw new Error(
        'pgbench not found: install PostgreSQL client tools (apt-get install -y postgresql-client)',
      );
    }
    throw new Error(`pgbench failed: ${error.stderr ?? error.message}`);
  });
  const number = (pattern: RegExp): number => Number(pattern.exec(stdout)?.[1] ?? Number.NaN);
  return {
    tps: number(/tps = ([\d.]+)/),
    latencyMs: number(/latency average = ([\d.]+) ms/),
    transactions: number(/number of transactions actually processed: (\d+)/),
    failed: number(/number of failed transactions: (\d+)/) || 0,
  };
}

/**
 * The lean ceiling: one statement per booking inserts the reservation and
 * its audit row (the row's snapshot as `after`), in its own transaction,
 * from 64 clients for `seconds`, on `day` (YYYY-MM-DD, Seoul), at an hour
 * that varies per booking as the rush's do.
 */
export async function pgbenchCreateLean(
  db: pg.Pool,
  url: string,
  day: string,
  seconds: number,
): Promise<PgbenchResult> {
  const user = await db.query<{ id: number }>(
    `insert into users (email, user_name, password_hash, role, created_at)
     values ('pgbench-lean@example.com', 'pgbench lean', 'x', 'user', now()) returning id`,
  );
  const userId = user.rows[0]!.id;
  const at = (offset: string) =>
    `(${pg.escapeLiteral(`${day} 00:00:00+09`)}::timestamptz + make_interval(hours => :h) + interval '${offset}')`;
  const script = `\\set h random(0, 22)
with r as (insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at) values (${userId}, 'pgbench-lean', ${at('0 minutes')}, ${at('30 minutes')}, 1, 'pending', now(), now()) returning *) insert into reservation_events (reservation_id, type, actor_id, actor_role, at, before, after) select r.id, 'created', r.user_id, 'user', r.created_at, null, to_jsonb(r) from r;
`;
  const result = await pgbench(url, script, seconds);
  const written = await db.query<{ n: string; events: string }>(
    `select count(*) as n, (select count(*) from reservation_events e join reservations x on x.id = e.reservation_id
       where x.reservation_name = 'pgbench-lean') as events
     from reservations where reservation_name = 'pgbench-lean'`,
  );
  const n = Number(written.rows[0]?.n);
  if (n !== result.transactions || Number(written.rows[0]?.events) !== n) {
    throw new Error(`pgbench processed ${result.transactions} transactions but ${n} bookings were written`);
  }
  return result;
}
