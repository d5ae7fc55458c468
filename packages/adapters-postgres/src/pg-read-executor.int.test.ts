import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { PgReadExecutor, sessionLimits } from './pg-read-executor.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseAdminUrl'));
});
afterAll(() => database?.drop());

/** The pools a test opened, ended after it. */
const pools: pg.Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

/** A read executor on a pool of one connection, whose sessions start with `options`. */
function reads(options = '') {
  const pool = new pg.Pool({ connectionString: database.url, max: 1, options });
  pool.on('error', () => undefined);
  pools.push(pool);
  const exec = new PgReadExecutor(
    pool,
    sessionLimits({ statementTimeoutMs: 10_000, idleInTransactionMs: 10_000 }),
  );
  const each = async <R>(text: string, row: (r: R) => void = () => undefined) =>
    exec.eachRowInZone<R>({ compile: () => CompiledQuery.raw(text) }, 'Asia/Seoul', row);
  const pid = async () => {
    let found = 0;
    await each<{ pid: number }>('select pg_backend_pid() as pid', (r) => {
      found = r.pid;
    });
    return found;
  };
  return { pool, exec, each, pid };
}

describe('PgReadExecutor.eachRowInZone', () => {
  it('hands over every row in order, in the zone, and floats in full even where the server writes them short', async () => {
    const { pool, each } = reads('-c extra_float_digits=0');
    const got: { n: number; x: number; at: string }[] = [];
    await each<{ n: number; x: number; at: string }>(
      "select n, 0.1::float8 * n + 0.2::float8 as x, to_char(timestamptz '2027-01-01 00:00:00+00', 'HH24TZH') as at from generate_series(1, 2000) as n",
      (row) => got.push(row),
    );
    expect(got.map((r) => r.n)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(got[0]).toEqual({ n: 1, x: 0.1 + 0.2, at: '09+09' });
    // Outside the read, the session writes floats short: the setting ended with the statement.
    expect((await pool.query('select 0.1::float8 + 0.2::float8 as x')).rows[0].x).toBe(0.3);
  });

  it('rejects a statement that fails after some rows, and does not use its connection again', async () => {
    const { each, pid } = reads();
    const before = await pid();
    const got: number[] = [];
    await expect(
      each<{ x: number }>('select 10 / (5 - n) as x from generate_series(1, 10) as n', (row) =>
        got.push(row.x),
      ),
    ).rejects.toMatchObject({ code: '22012' });
    expect(got.length).toBeLessThan(5);
    expect(await pid()).not.toBe(before);
  });

  it("rejects with the row callback's error once the statement has ended, hands it no more rows, and keeps the connection", async () => {
    const { each, pid } = reads();
    const before = await pid();
    let calls = 0;
    await expect(
      each('select n from generate_series(1, 100) as n', () => {
        calls++;
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    expect(calls).toBe(1);
    expect(await pid()).toBe(before);
  });
});
