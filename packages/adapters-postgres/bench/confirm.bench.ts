/**
 * Adapter-level benchmark of confirmations on PostgreSQL (`pnpm bench:db`).
 * Not a test: it measures, prints a table, and records the figures in
 * BENCHMARKS.md. It drives the real ConfirmReservation use case over
 * PostgresStore, each call its own transaction on its own pooled connection.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { sql } from 'kysely';
import { type KyselyStore, openPostgresStore } from '../src/index.js';
import { createTestDatabase, startTestServer } from '../src/testing/index.js';
import { writeBenchmarks } from './benchmarks-section.js';
import { CONCURRENCY, commitCost, hotWindow, latency, roundTrips, seedUsers } from './confirm-runs.js';

async function main(): Promise<void> {
  const server = await startTestServer();
  const database = await createTestDatabase(server.adminUrl);
  try {
    const store = (await openPostgresStore({ url: database.url, poolSize: CONCURRENCY })) as KyselyStore;
    const { admin, userId } = await seedUsers(store.kysely);
    const { rows: version } = await sql<{ v: string }>`select version() as v`.execute(store.kysely);
    const { rows: settings } = await sql<{ name: string; setting: string }>`
      select name, setting from pg_settings
      where name in ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections')
      order by name
    `.execute(store.kysely);

    console.log(`PostgreSQL: ${server.source}`);
    const statements = await roundTrips(database.url, admin, userId);
    console.log(`one confirmation = ${statements.length} round trips:`);
    for (const m of statements) console.log(`  ${m.length > 160 ? `${m.slice(0, 160)}…` : m}`);

    const hot = await hotWindow(store, admin, userId, 'batched (the default): one confirmer');
    const hotMulti = await hotWindow(
      store,
      admin,
      userId,
      'batched, calls spread over 4 confirmers (as 4 API processes)',
      {
        confirmers: 4,
      },
    );
    const hotSingle = await hotWindow(store, admin, userId, 'one transaction per confirmation (maxBatch 1)', {
      maxBatch: 1,
    });
    await store.close();
    // For information only: the same unbatched run with commits acknowledged
    // before their WAL is flushed. The product never does this (a crash could
    // lose acknowledged confirmations).
    const asyncUrl = new URL(database.url);
    asyncUrl.searchParams.set('options', '-c synchronous_commit=off');
    const asyncStore = (await openPostgresStore({
      url: asyncUrl.toString(),
      poolSize: CONCURRENCY,
    })) as KyselyStore;
    const hotAsync = await hotWindow(
      asyncStore,
      admin,
      userId,
      'for information: one transaction per confirmation, synchronous_commit = off',
      { maxBatch: 1 },
    );
    await asyncStore.close();
    const runs = [hot, hotMulti, hotSingle, hotAsync];

    const latencyStore = (await openPostgresStore({ url: database.url, poolSize: 4 })) as KyselyStore;
    const small = await latency(latencyStore, admin, userId, 2, 100);
    const large = await latency(latencyStore, admin, userId, 3, 100_000);
    await latencyStore.close();
    const commitMs = await commitCost(database.url);

    const fmt = (n: number, digits = 2) => n.toFixed(digits);
    console.log('\nHot window: 4,000 pending reservations (5–25 people) in one 1-hour window, 64 concurrent');
    console.table(
      runs.map((h) => ({
        run: h.label,
        sessions: h.concurrency,
        'confirmed/s': Math.round(h.confirmationsPerSecond),
        'attempts/s': Math.round(h.attemptsPerSecond),
        confirmed: h.confirmed,
        refused: h.refused,
        deadlocks: h.deadlocks,
        seconds: fmt(h.seconds),
        'max slot load': h.maxLoad,
      })),
    );
    console.log('Single confirmation latency (ms), sequential');
    console.table(
      [small, large].map((l) => ({
        'overlapping reservations': l.overlapping,
        p50: fmt(l.p50),
        p95: fmt(l.p95),
        p99: fmt(l.p99),
        mean: fmt(l.mean),
      })),
    );
    console.log(`One-row UPDATE + COMMIT, sequential: ${fmt(commitMs, 3)} ms`);

    const machine = {
      nproc: execFileSync('nproc').toString().trim(),
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
      postgres: version[0]?.v ?? 'unknown',
      settings: settings.map((s) => `${s.name}=${s.setting}`).join(', '),
      source: server.source,
    };
    await writeBenchmarks({
      hot,
      hotMulti,
      hotSingle,
      hotAsync,
      small,
      large,
      commitMs,
      machine,
      statements,
    });
  } finally {
    await database.drop();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
