/**
 * `pnpm bench:profile-create [--creates N] [--repeat K]`: the rush's creates alone, for
 * profiling and for paired before/after runs. One API as `pnpm start` runs it
 * (BENCH_API_NODE_FLAGS as in the other scenarios, e.g. `--cpu-prof
 * --cpu-prof-dir=bench/results/profiles`), on a fresh database, 64 in flight,
 * after the rush's warm-up; then the lean pgbench ceiling in the same run.
 * Prints one JSON line per repeat: creates/s, p50, p99, the lean ceiling's
 * tps, their ratio, and the statements the database ran per create.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, startTestServer } from '@exam-reservation/adapters-postgres/testing';
import pg from 'pg';
import type { BenchRequest, JobResult } from './driver.js';
import { pgbenchCreateLean } from './pgbench-create.js';
import { accounts, startApi } from './rush.js';
import { bareServer, recordAnswer, root, seoulDate, startDriver } from './support.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const creates = option('--creates', 8_000);
const repeat = option('--repeat', 1);
/** `--schedules`: the rush's week schedules instead of its creates, against the bare HTTP ceiling. */
const schedulesMode = args.includes('--schedules');
const warmUps = option('--warmup', 500);
/** `--separate-warmup`: the warm-up books as other candidates, so no measured token is checked before. */
const separateWarmUp = args.includes('--separate-warmup');
const pad = (n: number) => String(n).padStart(2, '0');

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
  cwd: root,
  stdio: 'inherit',
});
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
const server = await startTestServer();
const adminUrl = server.adminUrl;
const driver = startDriver();
try {
  for (let k = 0; k < repeat; k++) {
    const database = await createTestDatabase(adminUrl);
    const db = new pg.Pool({ connectionString: database.url, max: 2 });
    db.on('error', () => undefined);
    try {
      const api = await startApi(database.url);
      let result: JobResult;
      let statements: number;
      try {
        await driver.warmUp(api.origin);
        const { users: all } = await accounts(db, separateWarmUp ? 4_000 : 2_000);
        const users = all.slice(0, 2_000);
        const warmUsers = separateWarmUp ? all.slice(2_000) : users;
        const week = Array.from({ length: 7 }, (_, d) => seoulDate(10 + d));
        const booking = (i: number, name: string, who = users): BenchRequest => ({
          method: 'POST',
          path: '/reservations',
          headers: { authorization: `Bearer ${who[i % who.length]}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            reservation_name: `${name} ${i}`,
            start: `${week[i % 7]} ${pad((i * 5) % 23)}:00`,
            end: `${week[i % 7]} ${pad((i * 5) % 23)}:30`,
            number_of_people: 1 + (i % 4),
          }),
        });
        await driver.run(
          api.origin,
          64,
          Array.from({ length: warmUps }, (_, i) => booking(i, 'warm-up', warmUsers)),
          [201],
        );
        const xact = async () =>
          Number(
            (
              await db.query<{ n: string }>(
                `select xact_commit as n from pg_stat_database where datname = current_database()`,
              )
            ).rows[0]!.n,
          );
        if (schedulesMode) {
          const schedule = (i: number): BenchRequest => ({
            method: 'GET',
            path: `/reservations/schedules?start=${week[0]}&end=${week[6]}`,
            headers: { authorization: `Bearer ${users[i % users.length]}` },
          });
          const requests = Array.from({ length: 64 }, (_, i) => schedule(i));
          await driver.run(api.origin, 64, requests, [200], 1_000);
          const schedules = await driver.run(api.origin, 64, requests, [200], 20_000);
          const answer = await recordAnswer(api.origin, requests[0]!);
          const bodyBytes = Buffer.from(answer.body, 'base64').length;
          const bare = await bareServer(driver, 30_000, 64);
          const replay = await bareServer(driver, 30_000, 64, { answer, requests });
          console.log(
            JSON.stringify({
              schedules: Math.round(schedules.throughput),
              p50: schedules.p50,
              p99: schedules.p99,
              p99OverP50: Number((schedules.p99 / schedules.p50).toFixed(2)),
              errors: schedules.errors,
              bare: Math.round(bare.throughput),
              ratioToBare: Number((schedules.throughput / bare.throughput).toFixed(3)),
              replay: Math.round(replay.throughput),
              ratioToReplay: Number((schedules.throughput / replay.throughput).toFixed(3)),
              bodyBytes,
            }),
          );
          continue;
        }
        const before = await xact();
        result = await driver.run(
          api.origin,
          64,
          Array.from({ length: creates }, (_, i) => booking(i, 'rush')),
          [201],
        );
        statements = (await xact()) - before;
      } finally {
        await api.stop();
      }
      const lean = await pgbenchCreateLean(db, database.url, seoulDate(20), 10);
      console.log(
        JSON.stringify({
          creates: Math.round(result.throughput),
          p50: result.p50,
          p99: result.p99,
          p99OverP50: Number((result.p99 / result.p50).toFixed(2)),
          errors: result.errors,
          lean: Math.round(lean.tps),
          ratioToLean: Number((result.throughput / lean.tps).toFixed(3)),
          transactionsPerCreate: Number((statements / creates).toFixed(3)),
        }),
      );
    } finally {
      await db.end();
      await database.drop();
    }
  }
} finally {
  await driver.close();
  await server.stop();
}
