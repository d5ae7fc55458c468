/**
 * `pnpm start` runs apps/api/bundle/main.js, the API bundled into one file
 * by scripts/build.mjs (a faster start, see BUNDLE_EXTERNAL there); every
 * other process test runs the plain apps/api/dist/main.js. This checks the
 * bundle against the plain version: the same requests, the same answers, on
 * the embedded store (PGlite and its WebAssembly, argon2's native code and
 * Swagger UI's assets are the parts loaded from outside the bundle).
 */
import { mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, buildOnce, ROOT, START_BUNDLE, startApi } from './api-process.js';

const JWT_SECRET = 'start-bundle-secret-start-bundle-secret';

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly body: string;
}

/** A short story told to one API: what a client sees of it, ids and tokens left out. */
async function story(api: ApiProcess): Promise<Record<string, Answer>> {
  const answers: Record<string, Answer> = {};
  const call = async (name: string, method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    answers[name] = { status: res.status, type: res.headers.get('content-type'), body: text };
    return text;
  };
  await call('healthz', 'GET', '/healthz');
  await call('readyz', 'GET', '/readyz');
  await call('openapi', 'GET', '/openapi.json');
  await call('docs', 'GET', '/api-docs/');
  await call('docs asset', 'GET', '/api-docs/swagger-ui.css');
  await call('register', 'POST', '/users/register', {
    email: 'b@example.com',
    password: 'correct horse 1',
    user_name: 'B',
  });
  const login = JSON.parse(
    await call('login', 'POST', '/users/login', { email: 'b@example.com', password: 'correct horse 1' }),
  ) as { access_token?: string };
  await call('wrong password', 'POST', '/users/login', { email: 'b@example.com', password: 'wrong' });
  await call('bad body', 'POST', '/reservations', { reservation_name: '\u0000' }, login.access_token);
  await call('no token', 'GET', '/reservations');
  const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await call(
    'book',
    'POST',
    '/reservations',
    { reservation_name: 'B', start: `${day} 09:00`, end: `${day} 10:00`, number_of_people: 3 },
    login.access_token,
  );
  await call(
    'schedule',
    'GET',
    `/reservations/schedules?start=${day}&end=${day}`,
    undefined,
    login.access_token,
  );
  await call('list', 'GET', '/reservations', undefined, login.access_token);
  await call('unknown route', 'GET', '/nowhere');
  // Tokens and times differ from process to process; the rest must not.
  for (const name of ['register', 'login', 'book', 'list'])
    answers[name] = {
      ...answers[name]!,
      body: answers[name]!.body.replace(/"[^"]*(_at|token|expires_in)"\s*:\s*("[^"]*"|\d+)/g, ''),
    };
  return answers;
}

describe('the start bundle (what `pnpm start` runs)', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await buildOnce();
  }, 180_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const run = async (entry?: string) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'start-bundle-'));
    dirs.push(dataDir);
    const api = await startApi({ DATA_DIR: dataDir, JWT_SECRET, APP_TIMEZONE: 'Asia/Seoul' }, entry);
    try {
      return await story(api);
    } finally {
      expect(await api.stop()).toBe(0);
    }
  };

  it('answers every request of a story exactly as the plain dist/main.js does', async () => {
    const plain = await run();
    const bundled = await run(START_BUNDLE);
    expect(Object.keys(bundled)).toEqual(Object.keys(plain));
    for (const name of Object.keys(plain)) expect(bundled[name], name).toEqual(plain[name]);
    // The story reached the parts loaded from outside the bundle: argon2 hashed, PGlite stored, Swagger UI served.
    expect(plain.register!.status).toBe(201);
    expect(plain.login!.status).toBe(200);
    expect(plain['wrong password']!.status).toBe(401);
    expect(plain.docs!.status).toBe(200);
    expect(plain['docs asset']!.status).toBe(200);
    expect(plain['bad body']!.status).toBe(400);
    expect(plain.book!.status).toBe(201);
    expect(plain.schedule!.status).toBe(200);
  }, 120_000);

  it('is made again when a file it was made from changes, and only then', async () => {
    const before = (await stat(START_BUNDLE)).mtimeMs;
    await buildOnce();
    expect((await stat(START_BUNDLE)).mtimeMs).toBe(before);
    const source = join(ROOT, 'packages/domain/dist/errors.js');
    const later = new Date(Date.now() + 2_000);
    await utimes(source, later, later);
    await buildOnce();
    expect((await stat(START_BUNDLE)).mtimeMs).toBeGreaterThan(before);
  }, 120_000);
});
