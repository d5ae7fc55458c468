/**
 * (11) The CSV export (`GET /reservations/export`) beside its ceiling,
 * PostgreSQL's own `COPY (…) TO STDOUT WITH CSV` of the same columns and
 * rows through psql, in the same run; and the API's RSS while it streams
 * EXPORT_SMALL_ROWS rows and then EXPORT_ROWS rows, so that memory that
 * grows with the export's size shows as the difference of the two.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createTestDatabase } from '@exam-reservation/adapters-postgres/testing';
import pg from 'pg';
import { rssSampler, startOwnApi } from './own-api.js';
import { EXPORT_DAYS, EXPORT_PAIRS, EXPORT_ROWS, EXPORT_SMALL_ROWS, ZONE } from './settings.js';
import { median } from './summary.js';
import { rssMb, seoulDate } from './support.js';

/** One streamed export: what arrived and how fast. */
export interface Streamed {
  /** Data rows (lines less the header). */
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

export interface ApiExport extends Streamed {
  /** The API's RSS just before the request, MB. */
  readonly rssBeforeMb: number;
  /** The highest RSS sampled (every 20 ms) while it ran, MB. */
  readonly rssPeakMb: number;
}

export interface ExportReport {
  /** Rows the database holds in each range, counted with SQL. */
  readonly expected: { readonly small: number; readonly big: number };
  readonly small: ApiExport;
  /** The big export and COPY of the same rows, in turn, EXPORT_PAIRS times: each pair ran back to back. */
  readonly pairs: { readonly api: ApiExport; readonly copy: Streamed }[];
}

/** Counts the lines of a byte stream as it arrives; keeps nothing. */
function lineCounter() {
  let lines = 0;
  let bytes = 0;
  return {
    take(chunk: Buffer) {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
    },
    result(started: number): Streamed {
      const seconds = (performance.now() - started) / 1000;
      return { rows: lines - 1, bytes, seconds, rowsPerSecond: (lines - 1) / seconds };
    },
  };
}

/** GETs the export of `first`..`last` and reads it to the end. */
function apiExport(origin: string, token: string, first: string, last: string): Promise<Streamed> {
  const url = new URL(`/reservations/export?start=${first}&end=${last}`, origin);
  const counter = lineCounter();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export answered ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => counter.take(chunk));
      // A cut export ends without the chunked body's end: 'aborted', then an error.
      res.on('error', reject);
      res.on('end', () =>
        res.complete ? resolve(counter.result(started)) : reject(new Error('export cut')),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The export's columns in SQL, times written as the API writes them (ISO 8601, the zone's offset). */
const TIME = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM') as ${column}`;
const COPY_COLUMNS = `id, user_id, reservation_name, ${TIME('start_time')}, ${TIME('end_time')}, number_of_people, status, ${TIME('created_at')}, ${TIME('updated_at')}`;

/** `COPY (the export's query) TO STDOUT WITH CSV` through psql, read by this process as the API's answer is. */
function copyExport(url: string, from: string, to: string): Promise<Streamed> {
  const query =
    `copy (select ${COPY_COLUMNS} from reservations where start_time < '${to}' and end_time > '${from}' ` +
    'order by start_time, id) to stdout with (format csv, header)';
  const counter = lineCounter();
  const started = performance.now();
  const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query], {
    env: { ...process.env, PGTZ: ZONE },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  psql.stdout.on('data', (chunk: Buffer) => counter.take(chunk));
  return new Promise((resolve, reject) => {
    psql.on('error', reject);
    psql.on('close', (code) =>
      code === 0 ? resolve(counter.result(started)) : reject(new Error(`psql exited ${code}`)),
    );
  });
}

/**
 * EXPORT_ROWS reservations over EXPORT_DAYS days (the same number each day,
 * each within its day), written with one INSERT … SELECT; names with a comma
 * or quotes now and then, so that some cells are quoted.
 */
async function seed(db: pg.Pool, firstDay: string): Promise<void> {
  await db.query(
    `insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
     select u.id, case when g % 10 = 0 then 'Kim, "bench" ' || g else 'bench ' || g end,
            day + slot * interval '10 minutes', day + (slot + 1 + g % 6) * interval '10 minutes',
            1 + g % 60, (array['pending', 'confirmed', 'cancelled', 'rejected'])[1 + g % 4],
            now() - interval '1 day' + g * interval '1 millisecond', now()
     from (select g, $1::timestamptz + (g % $2::int) * interval '1 day' as day, (g / $2::int) % 138 as slot
           from generate_series(0, $3::int - 1) g) t
     cross join (select min(id) as id from users) u`,
    [`${firstDay}T00:00:00+09:00`, EXPORT_DAYS, EXPORT_ROWS],
  );
  await db.query('analyze reservations');
}

/** One run: a fresh database and API, the small export, the big one, then COPY of the big one. */
export async function exportRun(adminUrl: string): Promise<ExportReport> {
  const database = await createTestDatabase(adminUrl);
  const db = new pg.Pool({ connectionString: database.url, max: 1 });
  db.on('error', () => undefined);
  const api = await startOwnApi(database.url);
  try {
    const first = seoulDate(10);
    const last = seoulDate(10 + EXPORT_DAYS - 1);
    const seeding = performance.now();
    await seed(db, first);
    process.stdout.write(
      `seeded ${EXPORT_ROWS.toLocaleString('en')} rows in ${((performance.now() - seeding) / 1000).toFixed(1)} s\n`,
    );
    const from = `${first}T00:00:00+09:00`;
    const count = async (to: string) =>
      Number(
        (
          await db.query<{ n: string }>(
            'select count(*) as n from reservations where start_time < $2 and end_time > $1',
            [from, to],
          )
        ).rows[0]?.n,
      );
    const bigEnd = `${seoulDate(10 + EXPORT_DAYS)}T00:00:00+09:00`;
    const expected = { small: await count(`${seoulDate(11)}T00:00:00+09:00`), big: await count(bigEnd) };
    // Not measured: the route's code compiled, the first pages read.
    await apiExport(api.origin, api.adminToken, first, first);
    const measured = async (end: string): Promise<ApiExport> => {
      const rssBeforeMb = await rssMb(api.pid);
      const sampler = rssSampler(api.pid);
      const streamed = await apiExport(api.origin, api.adminToken, first, end);
      return { ...streamed, rssBeforeMb, rssPeakMb: await sampler.stop() };
    };
    const small = await measured(first);
    if (small.rows !== expected.small)
      throw new Error(`the small export sent ${small.rows} of ${expected.small}`);
    const pairs: ExportReport['pairs'] = [];
    // In turn, so that the machine's speed of the moment (it is shared) weighs on both alike.
    for (let i = 0; i < EXPORT_PAIRS; i++) {
      const big = await measured(last);
      const copy = await copyExport(database.url, from, bigEnd);
      if (big.rows !== expected.big || copy.rows !== expected.big) {
        throw new Error(`the export sent ${big.rows} rows and COPY ${copy.rows}, of ${expected.big}`);
      }
      // The same text but for the API's CRLF line ends: one byte more per line.
      if (big.bytes - (big.rows + 1) !== copy.bytes) {
        throw new Error(`the export sent ${big.bytes} bytes in ${big.rows + 1} lines, COPY ${copy.bytes}`);
      }
      pairs.push({ api: big, copy });
    }
    return { expected, small, pairs };
  } finally {
    await api.stop();
    await db.end();
    await database.drop();
  }
}

const f = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits });

/** A run's figures: medians over its pairs; the ratio is the median of the pairs' ratios. */
export function exportFigures(r: ExportReport) {
  const m = (pick: (p: ExportReport['pairs'][number]) => number) => median(r.pairs.map(pick));
  return {
    apiRowsPerSecond: m((p) => p.api.rowsPerSecond),
    copyRowsPerSecond: m((p) => p.copy.rowsPerSecond),
    ratio: m((p) => p.api.rowsPerSecond / p.copy.rowsPerSecond),
    ratios: r.pairs.map((p) => p.api.rowsPerSecond / p.copy.rowsPerSecond),
    bigPeakMb: Math.max(...r.pairs.map((p) => p.api.rssPeakMb)),
    mbPerSecond: m((p) => p.api.bytes / 2 ** 20 / p.api.seconds),
    copyMbPerSecond: m((p) => p.copy.bytes / 2 ** 20 / p.copy.seconds),
  };
}

/** The export's table: one row per run, the API beside the COPY ceiling of the same run. */
export function exportLines(reports: readonly ExportReport[]): string[] {
  if (reports.length === 0) return [];
  return [
    `(11) CSV export: GET /reservations/export read to the end by this process, beside COPY (the same columns, ` +
      `rows and order) TO STDOUT WITH CSV through psql, ${EXPORT_PAIRS} times in turn per run; API RSS sampled every 20 ms. ` +
      `${f(EXPORT_SMALL_ROWS)} rows (one day), then ${f(EXPORT_ROWS)} (${EXPORT_DAYS} days). Every export's rows counted ` +
      'and checked against SQL, and its bytes against COPY (the same text but for CRLF).',
    '',
    '| run | API rows/s | API MB/s | COPY rows/s | COPY MB/s | **API ÷ COPY** (each pair) | RSS before small MB | peak small MB | peak big MB | **growth small → big MB** |',
    '| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...reports.map((r, i) => {
      const x = exportFigures(r);
      return (
        `| ${i + 1} | ${f(x.apiRowsPerSecond)} | ${f(x.mbPerSecond, 1)} | ${f(x.copyRowsPerSecond)} | ${f(x.copyMbPerSecond, 1)} | ` +
        `**${x.ratio.toFixed(2)}** (${x.ratios.map((v) => v.toFixed(2)).join(', ')}) | ${f(r.small.rssBeforeMb)} | ` +
        `${f(r.small.rssPeakMb)} | ${f(x.bigPeakMb)} | ${f(x.bigPeakMb - r.small.rssPeakMb, 1)} |`
      );
    }),
  ];
}
