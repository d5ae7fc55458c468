import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, runApiToExit, runCli, startApi } from './api-process.js';
import { type Call, confirmRace, jsonClient, seoulDate, userStory } from './stories.js';

const JWT_SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e';

const client = (api: ApiProcess): Call => jsonClient(api.url);

describe('the API as a process (node apps/api/dist/main.js)', () => {
  const databases: TestDatabase[] = [];
  const freshDatabase = async () => {
    const database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    databases.push(database);
    return database;
  };

  beforeAll(async () => {
    await buildOnce();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('serves a whole user story on PostgreSQL and stops with exit code 0 on SIGTERM', async () => {
    const database = await freshDatabase();
    const api = await startApi({
      DATABASE_URL: database.url,
      JWT_SECRET,
      ADMIN_EMAIL: 'Admin@Example.com',
      ADMIN_PASSWORD: 'admin-password',
      NODE_ENV: 'production',
      // The story checks every change at once; the staleness bound has a test of its own.
      SCHEDULE_MAX_STALENESS_MS: '0',
    });
    try {
      expect(api.logs.some((l) => l.store === 'postgres' && !String(l.url).includes('password'))).toBe(true);
      await userStory(client(api), {
        email: 'kim@example.com',
        admin: { email: 'admin@example.com', password: 'admin-password' },
        daysAhead: 10,
      });
    } finally {
      expect(await api.stop()).toBe(0);
    }
    expect(api.logs.at(-1)?.msg).toBe('stopped');
  });

  it('runs on the embedded store in DATA_DIR when DATABASE_URL is unset', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'exam-api-data-'));
    try {
      const api = await startApi({ DATA_DIR: dataDir });
      try {
        const ready = await fetch(`${api.url}/readyz`);
        expect(ready.status).toBe(200);
        expect(api.logs.find((l) => l.store === 'embedded')).toMatchObject({ dataDir });
        expect(api.logs.some((l) => l.level === 40 && String(l.msg).includes('JWT_SECRET'))).toBe(true);
      } finally {
        expect(await api.stop()).toBe(0);
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    ['APP_TIMEZONE', { APP_TIMEZONE: 'Mars/Olympus_Mons' }],
    ['APP_TIMEZONE', { APP_TIMEZONE: 'Asia/Kathmandu' }],
    ['MAX_RESERVATION_HOURS', { MAX_RESERVATION_HOURS: '0' }],
    ['JWT_SECRET', { NODE_ENV: 'production' }],
    ['PORT', { PORT: 'eighty' }],
    ['SLOT_CAPACITY', { SLOT_CAPACITY: '0' }],
    ['ADMIN_PASSWORD', { ADMIN_EMAIL: 'a@example.com' }],
  ])('refuses to start on a bad %s with one line naming it and exit code 1', async (variable, env) => {
    const { code, stderr } = await runApiToExit({
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      ...env,
    });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^config error: ${variable}: `));
  });

  it.each([
    [
      'an unreachable database',
      { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      /^start-up failed: cannot open PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none: .*(refused|ECONNREFUSED)/,
    ],
    [
      'an admin password the rules refuse',
      { ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'short' },
      /^start-up failed: cannot create the admin account .*: password: /,
    ],
  ])('refuses to start on %s with one line on stderr and exit code 1', async (_label, env, line) => {
    const database = await freshDatabase();
    const { code, stderr } = await runApiToExit({ DATABASE_URL: database.url, ...env });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('refuses to start on a port in use with one line and exit code 1', async () => {
    const database = await freshDatabase();
    const first = await startApi({ DATABASE_URL: database.url, JWT_SECRET });
    try {
      const port = new URL(first.url).port;
      const { code, stderr } = await runApiToExit({ DATABASE_URL: database.url, JWT_SECRET, PORT: port });
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^start-up failed: cannot listen on port ${port}: .*(in use|EADDRINUSE)`),
      );
    } finally {
      await first.stop();
    }
  });

  it('migrates and creates an admin with the CLI', async () => {
    const database = await freshDatabase();
    const env = { DATABASE_URL: database.url };
    const migrated = await runCli(['migrate'], env);
    expect(migrated).toMatchObject({ code: 0, stdout: expect.stringContaining('migrations applied') });
    const created = await runCli(
      ['create-admin', '--email', 'ops@example.com', '--password', 'ops-password'],
      env,
    );
    expect(created).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^created admin ops@example.com/),
    });
    // The same e-mail again: refused in one line, nothing changed (the password still works).
    const again = await runCli(
      ['create-admin', '--email', 'ops@example.com', '--password', 'other-password'],
      env,
    );
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^refused: an account with e-mail ops@example.com exists already \(an admin\); nothing changed$/,
      ),
    ]);
    // --promote on an admin says so and changes nothing.
    const already = await runCli(['create-admin', '--email', 'ops@example.com', '--promote'], env);
    expect(already).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^ops@example.com \(id \d+\) is already an admin; nothing changed\n$/),
    });
    // The password from stdin (first line) and from ADMIN_PASSWORD, never from the command line.
    const fromStdin = await runCli(
      ['create-admin', '--email', 'stdin@example.com', '--password-stdin'],
      env,
      { input: 'stdin-password\n' },
    );
    expect(fromStdin).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^created admin stdin@example.com/),
    });
    const fromEnv = await runCli(['create-admin', '--email', 'env@example.com'], {
      ...env,
      ADMIN_PASSWORD: 'env-password',
    });
    expect(fromEnv).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^created admin env@example.com/),
    });
    const both = await runCli(
      ['create-admin', '--email', 'x@example.com', '--password', 'p-password', '--password-stdin'],
      env,
      { input: 'p-password\n' },
    );
    expect(both).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^create-admin takes --password or --password-stdin, not both\n/),
    });
    // --promote without a password cannot create a typo'd account.
    const typo = await runCli(['create-admin', '--email', 'opps@example.com', '--promote'], env);
    expect(typo.code).toBe(1);
    expect(typo.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^failed: email: no account has the e-mail opps@example.com; give a password to create it$/,
      ),
    ]);
    const short = await runCli(['create-admin', '--email', 'x@example.com', '--password', 'short'], env);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^failed: password: /);
    expect(short.stderr.trim().split('\n')).toHaveLength(1);
    const usage = await runCli(['create-admin', '--email', 'x@example.com'], env);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(
      /^create-admin needs a password: --password-stdin, --password or ADMIN_PASSWORD\nusage:/,
    );
    const noEmail = await runCli(['create-admin', '--password', 'x-password'], env);
    expect(noEmail).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^create-admin needs --email \(or ADMIN_EMAIL\)\nusage:/),
    });
    const unknown = await runCli(['bogus'], env);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^unknown command: bogus\nusage:/),
    });
    const help = await runCli(['--help'], env);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage:/) });
  });

  it('create-admin --promote makes a registered user an admin and keeps its password; without it, refuses', async () => {
    const database = await freshDatabase();
    const env = { DATABASE_URL: database.url };
    const api = await startApi({ ...env, JWT_SECRET });
    try {
      const call = client(api);
      const kim = { email: 'kim@example.com', password: 'kims-own-password', user_name: 'Kim' };
      expect((await call('POST', '/users/register', { body: kim })).status).toBe(201);
      // A typo'd or taken e-mail must not take over the account: refused, nothing changed.
      const refused = await runCli(['create-admin', '--email', kim.email], {
        ...env,
        ADMIN_PASSWORD: 'admin-password',
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^refused: an account with e-mail kim@example.com exists already \(a user\); nothing changed; .*--promote$/,
        ),
      ]);
      const promoted = await runCli(['create-admin', '--email', kim.email, '--promote'], env);
      expect(promoted).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(
          /^promoted kim@example.com \(id \d+\) to admin; its password is unchanged\n$/,
        ),
      });
      const login = await call('POST', '/users/login', {
        body: { email: kim.email, password: kim.password },
      });
      expect(login.status).toBe(200);
      const me = await call('GET', '/users/me', { token: login.body.access_token as string });
      expect(me.body).toMatchObject({ email: kim.email, role: 'admin' });
    } finally {
      expect(await api.stop()).toBe(0);
    }
  });

  it('keeps capacity across two API processes sharing one database: exactly 10 of 100 confirms', async () => {
    const database = await freshDatabase();
    const env = { DATABASE_URL: database.url, JWT_SECRET, DATABASE_POOL_SIZE: '10' };
    expect(
      (await runCli(['create-admin', '--email', 'boss@example.com', '--password', 'boss-password'], env))
        .code,
    ).toBe(0);
    const [a, b] = await Promise.all([startApi(env), startApi(env)]);
    try {
      await confirmRace([client(a), client(b)], {
        email: 'many@example.com',
        admin: { email: 'boss@example.com', password: 'boss-password' },
        daysAhead: 20,
      });
    } finally {
      expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    }
  });

  it('never serves a schedule older than SCHEDULE_MAX_STALENESS_MS, whatever another process changed', async () => {
    const database = await freshDatabase();
    const env = { DATABASE_URL: database.url, JWT_SECRET, SCHEDULE_MAX_STALENESS_MS: '400' };
    expect(
      (await runCli(['create-admin', '--email', 'boss@example.com', '--password', 'boss-password'], env))
        .code,
    ).toBe(0);
    const [a, b] = await Promise.all([startApi(env), startApi(env)]);
    try {
      const callA = client(a);
      const callB = client(b);
      await callA('POST', '/users/register', {
        body: { email: 'fresh@example.com', password: 'password-1', user_name: 'F' },
      });
      const user = (
        await callA('POST', '/users/login', { body: { email: 'fresh@example.com', password: 'password-1' } })
      ).body.access_token as string;
      const admin = (
        await callA('POST', '/users/login', {
          body: { email: 'boss@example.com', password: 'boss-password' },
        })
      ).body.access_token as string;
      const day = seoulDate(12);
      const scheduleOnB = () =>
        callB('GET', `/reservations/schedules?start=${day}&end=${day}`, { token: user });
      const before = await scheduleOnB();
      expect(before.headers.get('cache-control')).toBe('private, max-age=0');
      expect(before.body).toHaveLength(1);
      for (let round = 0; round < 3; round++) {
        const booked = await callA('POST', '/reservations', {
          token: user,
          body: {
            reservation_name: `R${round}`,
            start: `${day} 1${round}:00`,
            end: `${day} 1${round}:30`,
            number_of_people: 100,
          },
        });
        expect(booked.status).toBe(201);
        // B reads (and may cache) just before the change is made on A.
        await scheduleOnB();
        expect(
          (await callA('POST', `/reservations/${booked.body.id}/confirm`, { token: admin })).status,
        ).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 450));
        const after = await scheduleOnB();
        expect(after.body).toContainEqual({
          start: `${day}T1${round}:00:00+09:00`,
          end: `${day}T1${round}:30:00+09:00`,
          available_capacity: 49_900,
        });
      }
    } finally {
      expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    }
  });
});
