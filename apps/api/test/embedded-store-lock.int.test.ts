import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  buildOnce,
  freePort,
  killHard,
  runApiToExit,
  runCli,
  startApi,
} from './api-process.js';

/*
 * Issue 9: the embedded store (DATABASE_URL unset) belongs to one process.
 * A second server or the CLI on the same DATA_DIR is refused with one line,
 * the first keeps serving, and the lock is one the operating system
 * releases when its holder dies, so a crash never leaves the folder locked.
 */

const JWT_SECRET = 'lock-secret-lock-secret-lock-secret!';
/** Long enough for PGlite to open a folder on a busy machine; a refusal should come well before. */
const REFUSAL_TIMEOUT_MS = 30_000;
/** A server that says it listens was not refused: stop waiting for it at once. */
const LISTENING = /listening on/;

async function json(url: string, method: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The non-empty lines of a process's stderr. */
const lines = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '');

describe('the embedded store is held by one process at a time', () => {
  const folders: string[] = [];
  const running: ApiProcess[] = [];
  const folder = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exam-api-lock-'));
    folders.push(dir);
    return dir;
  };
  const start = async (env: Record<string, string>) => {
    const api = await startApi(env);
    running.push(api);
    return api;
  };

  beforeAll(async () => {
    await buildOnce();
  }, 180_000);
  afterAll(async () => {
    for (const api of running) await killHard(api);
    await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('refuses a second server on the same DATA_DIR with one line, keeps the first serving, and frees the folder when the first is SIGKILLed', async () => {
    const dataDir = await folder();
    const first = await start({ DATA_DIR: dataDir, JWT_SECRET });
    const account = { email: 'kept@example.com', password: 'password-1', user_name: 'Kept' };
    expect((await json(`${first.url}/users/register`, 'POST', account)).status).toBe(201);

    const second = await runApiToExit(
      { DATA_DIR: dataDir, JWT_SECRET, PORT: String(await freePort()) },
      { timeoutMs: REFUSAL_TIMEOUT_MS, killWhen: LISTENING },
    );
    expect(
      second.timedOut,
      `a second server on the folder was not refused: ${second.stdout.slice(0, 500)}`,
    ).toBe(false);
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBeNull();
    const refusal = lines(second.stderr);
    expect(refusal, second.stderr).toHaveLength(1);
    // Says the folder is taken, in whatever words.
    expect(refusal[0]).toMatch(/in use|another process|locked|held by/i);
    expect(refusal[0]).toMatch(/\bstop\b/i);
    expect(refusal[0]).toContain('DATABASE_URL');

    // The first one still serves, with its data.
    expect((await json(`${first.url}/readyz`, 'GET')).status).toBe(200);
    expect(
      (await json(`${first.url}/users/login`, 'POST', { email: account.email, password: account.password }))
        .status,
    ).toBe(200);

    // A crash must not leave the folder locked: after SIGKILL a new server opens it, data intact.
    await killHard(first);
    const third = await start({ DATA_DIR: dataDir, JWT_SECRET });
    expect((await json(`${third.url}/readyz`, 'GET')).status).toBe(200);
    expect(
      (await json(`${third.url}/users/login`, 'POST', { email: account.email, password: account.password }))
        .status,
    ).toBe(200);
    expect(await third.stop()).toBe(0);
  }, 240_000);

  it('refuses the CLI on a DATA_DIR a running server holds, saying to stop the server or use DATABASE_URL', async () => {
    const dataDir = await folder();
    const server = await start({ DATA_DIR: dataDir, JWT_SECRET });

    const migrate = await runCli(['migrate'], { DATA_DIR: dataDir }, { timeoutMs: REFUSAL_TIMEOUT_MS });
    expect(migrate.timedOut, 'the CLI was not refused').toBe(false);
    expect(migrate.code).not.toBe(0);
    const refusal = lines(migrate.stderr);
    expect(refusal, migrate.stderr).toHaveLength(1);
    expect(refusal[0]).toMatch(/\bstop\b.*\bserver\b/i);
    expect(refusal[0]).toContain('DATABASE_URL');

    // create-admin, the command a newcomer runs beside the server, says what to do instead.
    const createAdmin = await runCli(
      ['create-admin', '--email', 'boss@example.com', '--password-stdin'],
      { DATA_DIR: dataDir },
      { timeoutMs: REFUSAL_TIMEOUT_MS, input: 'boss-password\n' },
    );
    expect(createAdmin.code).toBe(1);
    const hint = lines(createAdmin.stderr);
    expect(hint, createAdmin.stderr).toHaveLength(1);
    expect(hint[0]).toMatch(/\bstop\b.*\bserver\b/i);
    expect(hint[0]).toMatch(/ADMIN_EMAIL and ADMIN_PASSWORD/);
    expect(hint[0]).toContain('DATABASE_URL');

    expect((await json(`${server.url}/readyz`, 'GET')).status).toBe(200);
    expect(await server.stop()).toBe(0);
    // Once the server is gone, the CLI may use the folder.
    expect((await runCli(['migrate'], { DATA_DIR: dataDir }, { timeoutMs: REFUSAL_TIMEOUT_MS })).code).toBe(
      0,
    );
  }, 240_000);
});
