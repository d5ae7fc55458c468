import { request } from 'node:http';
import { migrations, openPostgresStore } from '@exam-reservation/adapters-postgres';
import {
  createTestDatabase,
  simpleQuery,
  type TestDatabase,
} from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, runCli, startApi } from './api-process.js';
import { type Started, startHaproxy, startPgBouncer } from './proxies.js';
import { confirmRace, jsonClient, userStory } from './stories.js';

/*
 * The way to grow past one process, as it is deployed: N stateless API
 * processes behind a load balancer (HAProxy), reaching PostgreSQL through
 * PgBouncer in transaction pooling mode — no session state may survive a
 * transaction there (no named prepared statements, no session advisory
 * locks, no SET, no LISTEN). Real servers from Debian's packages
 * (`pnpm test` installs them when missing).
 */
describe('two API processes behind HAProxy, through PgBouncer in transaction pooling mode', () => {
  const admin = { email: 'boss@example.com', password: 'boss-password' };
  let database: TestDatabase;
  let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
  let apis: ApiProcess[] = [];
  let balancer: Started;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    bouncer = await startPgBouncer(database.url);
    const env = {
      DATABASE_URL: bouncer.url,
      JWT_SECRET: 'scale-out-secret-scale-out-secret-!!',
      SCHEDULE_MAX_STALENESS_MS: '0',
      TRUST_PROXY: 'loopback',
    };
    // Both processes migrate the fresh database at once, through the pooler.
    apis = await Promise.all([startApi(env), startApi(env)]);
    expect(
      (await runCli(['create-admin', '--email', admin.email, '--password', admin.password], env)).code,
    ).toBe(0);
    balancer = await startHaproxy(apis.map((a) => a.url));
  }, 180_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(apis.map((a) => a.stop()));
    await bouncer?.stop();
    await database?.drop();
  });

  it('serves the whole user story through the load balancer', async () => {
    await userStory(jsonClient(balancer.url), { email: 'kim@example.com', admin, daysAhead: 10 });
  });

  it('lets exactly 10 of 100 × 5,000 people into one window when 100 confirmations race through it', async () => {
    await confirmRace([jsonClient(balancer.url)], { email: 'many@example.com', admin, daysAhead: 20 });
  });

  it('spread the requests over both processes, and every database call went through PgBouncer in transaction mode', async () => {
    const served = apis.map(
      (a) => a.logs.filter((l) => l.msg === 'request completed' && l.url !== '/readyz').length,
    );
    for (const count of served) expect(count).toBeGreaterThan(50);
    // Every request line names the client (the balancer closes each connection after its answer);
    // the balancer's own health checks of /readyz come from it.
    const lines = apis
      .flatMap((a) => a.logs)
      .filter((l) => l.msg === 'request completed' && l.url !== '/readyz');
    expect(lines.filter((l) => l.remoteAddress !== '127.0.0.1')).toEqual([]);
    expect(await bouncer.pools()).toEqual(['transaction']);
    const stats = await bouncer.stats();
    expect(stats.transactions).toBeGreaterThan(200);
  });

  it("sees the client's own address behind the balancer (X-Forwarded-For with TRUST_PROXY), as log-in throttling needs", async () => {
    const { hostname, port } = new URL(balancer.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          path: '/healthz',
          localAddress: '127.0.0.5',
          headers: { 'x-request-id': 'from-five' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    // The request-log line is written when the answer is done; it may reach the pipe a moment later.
    await expect
      .poll(() => apis.flatMap((a) => a.logs).find((l) => l.reqId === 'from-five')?.remoteAddress, {
        timeout: 10_000,
      })
      .toBe('127.0.0.5');
  });

  it('lets several processes migrate one fresh database at once through PgBouncer, and leaves no lock behind', async () => {
    const fresh = await createTestDatabase(inject('testDatabaseAdminUrl'));
    const pooler = await startPgBouncer(fresh.url);
    try {
      // Each store migrates as it opens: one applies every migration, the others wait for it and find them done.
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresStore({ url: pooler.url, poolSize: 2 })),
      );
      await Promise.all(stores.map((s) => s.close()));
      const recorded = await simpleQuery<{ name: string }>(
        fresh.url,
        'select name from kysely_migration order by name',
      );
      expect(recorded.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
      // The lock ended with its transaction: another opening takes it at once, through the same pooler.
      const started = performance.now();
      await (await openPostgresStore({ url: pooler.url, poolSize: 1 })).close();
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await pooler.stop();
      await fresh.drop();
    }
  });
});
