import { ExportReservations, type ReadStores, type UnitOfWork } from '@exam-reservation/application';
import { bookingPolicy, TimeRange } from '@exam-reservation/domain';
import fc from 'fast-check';
import type { Compilable } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZonedReads } from './executor.js';
import { exportCursorAt } from './export-csv-sql.js';
import type { KyselyStore } from './index.js';
import { PgReadExecutor, sessionLimits } from './pg-read-executor.js';
import { resetSchema, simpleQuery, type TestDatabase } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';
import { offsetChanges, ZONE_CHECKED_FROM, ZONE_CHECKED_UNTIL, zoneAgrees } from './zone-agreement.js';

// The CSV PostgreSQL writes for an export's windows against the plain way (the
// application's reservationCsvRows over the rows of exportPage), byte for byte.

let database: TestDatabase;
let store: KyselyStore;

storePerFile({ poolSize: 2 }, (opened) => {
  ({ database, store } = opened);
});

const admin = { userId: 1, role: 'admin' as const };

/** The whole export's text, and how many of its rows PostgreSQL wrote. */
async function exported(zone: string, storeWritesCsv: boolean, pageSize: number, windowRows: number) {
  let written = 0;
  const counting: UnitOfWork = {
    run: (work) => store.run(work),
    read: (work) =>
      store.read((stores) => {
        // The store's reservations, with the rows it writes counted.
        const reservations = Object.create(stores.reservations) as ReadStores['reservations'];
        reservations.exportCsv = async (query, zone, take) => {
          const end = await stores.reservations.exportCsv(query, zone, take);
          written += end?.rows ?? 0;
          return end;
        };
        return work({ ...stores, reservations });
      }),
  };
  const exporter = new ExportReservations({
    uow: counting,
    policy: bookingPolicy({ timeZone: zone }),
    pageSize,
    windowRows,
    storeWritesCsv,
  });
  let text = '';
  for await (const page of exporter.csvPages({
    actor: admin,
    startDate: '2027-01-01',
    endDate: '2027-01-31',
  })) {
    text += page;
  }
  return { text, written };
}

/** A name a spreadsheet or a CSV reader could trip on, or any text. */
const name = fc.oneof(
  fc.constantFrom(
    'plain',
    '',
    ',',
    '"',
    '""',
    '=1+2',
    '+1',
    '-1',
    '@SUM(A1)',
    '\tx',
    '\rx',
    '=A1,"b"',
    'a\nb',
  ),
  fc.constantFrom('Kim, "bench"', "'quoted", '시험 ✓', 'a=b', ' =lead', '-', '\r\n', 'x\r'),
  fc
    .string({
      unit: fc.constantFrom('a', ',', '"', '\r', '\n', '\t', '=', '+', '-', '@', "'", ' ', '시', '😀'),
    })
    .filter((s) => s.length > 0),
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replaceAll('\0', '')),
);

/** Microseconds since 1970; mostly within the checked years, now and then outside them. */
const MICROS_2027 = Date.UTC(2027, 0, 1) * 1000;
const DAY_MICROS = 86_400_000_000;
const inMonth = fc.integer({ min: 0, max: 30 * DAY_MICROS }).map((us) => MICROS_2027 + us);
const anyTime = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 130 * 365 * DAY_MICROS }) },
  { weight: 1, arbitrary: fc.integer({ min: -80 * 365 * DAY_MICROS, max: -1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 130 * 365 * DAY_MICROS, max: 400 * 365 * DAY_MICROS }) },
);
const row = fc.record({
  name,
  start: inMonth,
  length: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 1, max: 7 * DAY_MICROS }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 * 365 * DAY_MICROS }) },
  ),
  people: fc.integer({ min: 1, max: 50_000 }),
  status: fc.constantFrom('pending', 'confirmed', 'cancelled', 'rejected'),
  created: anyTime,
  updated: anyTime,
});
type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

/** A fresh schema holding `rows` of one user, written by SQL with times to the microsecond. */
async function seed(rows: readonly Row[]): Promise<void> {
  await resetSchema(store);
  const [user] = await simpleQuery<{ id: number }>(
    database.url,
    "insert into users (email, user_name, password_hash, role, created_at) values ('csv@example.com', 'c', 'x', 'user', now()) returning id",
  );
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    // Microseconds since 1970 in numeric: exact.
    const at = (column: string) => `timestamptz 'epoch' + (${column} * interval '1 microsecond')`;
    await db.query(
      `insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
       select $1, name, ${at('s')}, ${at('e')}, people, status, ${at('c')}, ${at('u')}
       from unnest($2::text[], $3::numeric[], $4::numeric[], $5::int[], $6::text[], $7::numeric[], $8::numeric[])
         as r(name, s, e, people, status, c, u)`,
      [
        user?.id,
        rows.map((r) => r.name),
        rows.map((r) => String(r.start)),
        rows.map((r) => String(r.start + r.length)),
        rows.map((r) => r.people),
        rows.map((r) => r.status),
        rows.map((r) => String(r.created)),
        rows.map((r) => String(r.updated)),
      ],
    );
  } finally {
    await db.end();
  }
}

describe('the export CSV PostgreSQL writes', () => {
  it('equals the plain way for random rows and zones, with PostgreSQL writing the rows it can', async () => {
    const zones = [
      'Asia/Seoul',
      'UTC',
      'America/New_York',
      'Asia/Kolkata',
      'America/St_Johns',
      'Australia/Lord_Howe',
    ];
    let writtenByServer = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 25 }),
        fc.constantFrom(...zones),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 12 }),
        async (rows, zone, pageSize, windowRows) => {
          await seed(rows);
          const plain = await exported(zone, false, pageSize, windowRows);
          const fast = await exported(zone, true, pageSize, windowRows);
          expect(plain.written).toBe(0);
          expect(fast.text).toBe(plain.text);
          writtenByServer += fast.written;
        },
      ),
      { numRuns: 60 },
    );
    // Most rows hold only times within the checked years: the server wrote many of them.
    expect(writtenByServer).toBeGreaterThan(80);
  }, 240_000);

  it('writes the rows within the checked years itself, and from a row with a time outside them leaves a page to the plain way', async () => {
    await seed(
      Array.from({ length: 9 }, (_, i) => ({
        name: i === 4 ? '=cmd|"/c calc"' : `r${i}`,
        start: MICROS_2027 + i * 600_000_000,
        length: 600_000_000,
        people: 1,
        status: 'pending',
        created: MICROS_2027 - DAY_MICROS,
        // The seventh row was changed in 2101: the second window stops before it, and a page
        // of two (rows 7 and 8) is written the plain way; a third window writes row 9.
        updated: i === 6 ? Date.UTC(2101, 0, 1) * 1000 : MICROS_2027,
      })),
    );
    const plain = await exported('Asia/Seoul', false, 2, 4);
    const fast = await exported('Asia/Seoul', true, 2, 4);
    expect(fast.text).toBe(plain.text);
    expect(fast.written).toBe(7);
    expect(fast.text.split('\r\n')[4]).toContain(`,"'=cmd|""/c calc""",`);
    expect(fast.text).toContain(',2101-01-01T09:00:00+09:00\r\n');
  });

  it('a status filter that names none reads nothing', async () => {
    const overlapping = TimeRange.of(Date.UTC(2027, 0, 1), Date.UTC(2027, 1, 1));
    const taken: string[] = [];
    const end = await store.read((s) =>
      s.reservations.exportCsv({ overlapping, statuses: [], limit: 5 }, 'Asia/Seoul', (csv) =>
        taken.push(csv),
      ),
    );
    expect(end).toEqual({ rows: 0, next: null, whole: true });
    expect(taken).toEqual([]);
  });
});

describe('exportCursorAt', () => {
  it("gives the cursor the server's own start key gives, to the microsecond, for any start between 1970 and 2100", async () => {
    const until = (ZONE_CHECKED_UNTIL - ZONE_CHECKED_FROM) * 1000;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: until - 1 }),
            fc.constantFrom(0, 1, 999_999, until - 1, until - 999_999, 4_102_444_799_999_999),
          ),
          { minLength: 1, maxLength: 200 },
        ),
        async (micros) => {
          const rows = await simpleQuery<{ s: number; key: string }>(
            database.url,
            `select date_part('epoch', t) as s, to_char(t at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US BC') as key
             from unnest('{${micros.join(',')}}'::numeric[]) with ordinality as m(us, n),
                  lateral (select timestamptz 'epoch' + us * interval '1 microsecond' as t) as x
             order by n`,
          );
          expect(rows.map((row) => exportCursorAt(Number(row.s), 7))).toEqual(
            rows.map((row) => `${row.key}/7`),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('zoneAgrees', () => {
  let pool: pg.Pool;
  let real: PgReadExecutor;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    pool.on('error', () => undefined);
    real = new PgReadExecutor(
      pool,
      sessionLimits({ statementTimeoutMs: 10_000, idleInTransactionMs: 10_000 }),
    );
  });
  afterAll(() => pool?.end());

  /** The server's answers, with the text of each row passed through `rewrite`. */
  const reads = (rewrite: (text: string, i: number) => string): Pick<ZonedReads, 'rowsInZone'> => ({
    rowsInZone: async <R>(query: Compilable<R>, zone: string) =>
      (await real.rowsInZone(query as Compilable<{ text: string }>, zone)).map((r, i) => ({
        text: rewrite(r.text, i),
      })) as R[],
  });
  const failing = (code: string): Pick<ZonedReads, 'rowsInZone'> => ({
    rowsInZone: async () => {
      throw Object.assign(new Error(`failed with ${code}`), { code });
    },
  });

  it("holds where the server's zone database writes every checked time as this process does", async () => {
    for (const zone of ['Asia/Seoul', 'UTC', 'America/New_York', 'Europe/Dublin']) {
      expect(await zoneAgrees(real, zone)).toBe(true);
    }
  });

  it('fails on one time written otherwise, on a zone the server does not know, and for offsets in seconds', async () => {
    // Two sides of each change of offset: about two a year.
    expect(offsetChanges('America/New_York').length).toBeGreaterThan(400);
    const weeks = Math.floor((ZONE_CHECKED_UNTIL - ZONE_CHECKED_FROM) / (7 * 86_400_000));
    expect(
      await zoneAgrees(
        reads((t) => t),
        'America/New_York',
      ),
    ).toBe(true);
    // One midnight, then one side of one change of offset, written otherwise by the server.
    expect(
      await zoneAgrees(
        reads((t, i) => (i === 3_000 ? `${t} ` : t)),
        'America/New_York',
      ),
    ).toBe(false);
    expect(
      await zoneAgrees(
        reads((t, i) => (i === weeks + 100 ? `${t} ` : t)),
        'America/New_York',
      ),
    ).toBe(false);
    // The server has no such zone (invalid_parameter_value); any other failure is not an answer.
    expect(await zoneAgrees(failing('22023'), 'Asia/Seoul')).toBe(false);
    await expect(zoneAgrees(failing('57P01'), 'Asia/Seoul')).rejects.toThrow('failed with 57P01');
    // Monrovia was 44 min 30 s behind UTC until 1972: to_char cannot write that offset as formatInstant does.
    expect(await zoneAgrees(real, 'Africa/Monrovia')).toBe(false);
  });
});
