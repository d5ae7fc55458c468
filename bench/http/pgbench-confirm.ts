/**
 * The database ceiling for hot-window confirmations: pgbench runs the
 * project's own confirm statements, captured from one real confirmation
 * through the PostgreSQL adapter, grouped into the same three messages the
 * adapter sends (`\;` joins statements into one message, as the adapter's
 * simple-protocol batches do).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Database, PostgresUnitOfWork } from '@exam-reservation/adapters-postgres';
import { confirmReservation, SystemClock } from '@exam-reservation/application';
import { bookingPolicy } from '@exam-reservation/domain';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

const run = promisify(execFile);

/** A reservation id that appears nowhere else in the statements, so it can become `:id`. */
const SENTINEL_ID = 987_654_321;

interface Recorded {
  text: string;
  params?: unknown[];
}

/** Runs one real confirmation of reservation `SENTINEL_ID` and returns the messages it sent. */
async function captureConfirm(url: string, adminId: number): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  const recorded: Recorded[] = [];
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    const client = await connect();
    const query = client.query.bind(client) as (text: string, params?: unknown[]) => Promise<pg.QueryResult>;
    (client as unknown as { query: typeof query }).query = (text: string, params?: unknown[]) => {
      recorded.push({ text, params });
      return query(text, params);
    };
    return client;
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const uow = new PostgresUnitOfWork(db, pool);
    const confirm = confirmReservation({ uow, clock: new SystemClock(), policy: bookingPolicy() });
    await confirm.execute({ actor: { userId: adminId, role: 'admin' }, id: SENTINEL_ID });
  } finally {
    await db.destroy();
  }
  return recorded.map((r) => inline(r.text, r.params ?? []));
}

/** `$n` placeholders replaced by literals (the captured reads only carry numbers and dates). */
function inline(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (typeof value === 'number') return String(value);
    if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
    if (typeof value === 'string') return pg.escapeLiteral(value);
    throw new TypeError(`cannot inline parameter $${n}`);
  });
}

/** One pgbench command per message; statements within a message joined by `\;`. */
function toPgbenchScript(messages: readonly string[]): string {
  const body = messages
    .map((message) =>
      message
        .split(';\n')
        .map((s) => s.trim())
        .join(' \\;\n'),
    )
    // In JSON (`"id":987654321`) a space keeps pgbench from reading `::id` as a cast.
    .map(
      (command) =>
        `${command.replaceAll(`:${SENTINEL_ID}`, ': :id').replaceAll(String(SENTINEL_ID), ':id')};`,
    )
    .join('\n');
  return `select nextval('bench_confirm_ids') as id \\gset\n${body}\n`;
}

/**
 * Seeds `count` pending reservations of `people` each in one hour of `day`
 * (YYYY-MM-DD, Seoul), captures the adapter's confirm statements, and runs
 * pgbench with 64 clients confirming each of them once.
 */
export async function writePgbenchConfirm(
  db: pg.Pool,
  url: string,
  count: number,
  people: number,
  day: string,
): Promise<{ tps: number; latencyMs: number; transactions: number; failed: number }> {
  const clients = 64;
  const perClient = Math.floor(count / clients);
  const start = `${day}T09:00:00+09:00`;
  const end = `${day}T10:00:00+09:00`;
  const admin = await db.query<{ id: number }>(
    `insert into users (email, user_name, password_hash, role, created_at)
     values ('pgbench-admin@example.com', 'pgbench', 'x', 'admin', now()) returning id`,
  );
  const adminId = admin.rows[0]!.id;
  const insert = `insert into reservations (id, user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
    overriding system value values ($1, $2, 'pgbench', $3, $4, $5, 'pending', now(), now())`;
  await db.query(insert, [SENTINEL_ID, adminId, start, end, people]);
  const messages = await captureConfirm(url, adminId);
  // The sentinel confirmation took its places; give them back so the window starts empty.
  await db.query(
    `update slot_loads set confirmed_people = confirmed_people - $1
    where slot_start >= $2 and slot_start < $3`,
    [people, start, end],
  );
  const first = SENTINEL_ID + 1;
  await db.query(
    `insert into reservations (id, user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
     overriding system value
     select g, $1, 'pgbench', $2, $3, $4, 'pending', now(), now() from generate_series($5::int, $6::int) g`,
    [adminId, start, end, people, first, first + clients * perClient - 1],
  );
  await db.query(`create sequence bench_confirm_ids start ${first}`);

  const dir = await mkdtemp(join(tmpdir(), 'pgbench-'));
  const script = join(dir, 'confirm.sql');
  await writeFile(script, toPgbenchScript(messages));
  const { stdout } = await run(
    'pgbench',
    ['-n', '-c', String(clients), '-j', '2', '-t', String(perClient), '-f', script, url],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((error: NodeJS.ErrnoException & { stdout?: string; stderr?: string }) => {
    if (error.code === 'ENOENT') {
      throw new Error(
        'pgbench not found: install PostgreSQL client tools (apt-get install -y postgresql-client)',
      );
    }
    throw new Error(`pgbench failed: ${error.stderr ?? error.message}`);
  });
  const confirmed = await db.query<{ n: string }>(
    `select count(*) as n from reservations where reservation_name = 'pgbench' and status = 'confirmed' and id > $1`,
    [SENTINEL_ID],
  );
  const number = (pattern: RegExp): number => Number(pattern.exec(stdout)?.[1] ?? Number.NaN);
  const transactions = number(/number of transactions actually processed: (\d+)/);
  if (Number(confirmed.rows[0]?.n) !== transactions) {
    throw new Error(
      `pgbench processed ${transactions} transactions but ${confirmed.rows[0]?.n} were confirmed`,
    );
  }
  return {
    tps: number(/tps = ([\d.]+)/),
    latencyMs: number(/latency average = ([\d.]+) ms/),
    transactions,
    failed: number(/number of failed transactions: (\d+)/) || 0,
  };
}
