import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, killHard, startApi } from './api-process.js';
import { type RawOutcome, sendRaw } from './raw-http.js';

/*
 * Issue 9 / API.md "Log-in throttling": failures are counted in the database,
 * check and count in one atomic step, so the limit of 5 failures per
 * (account, client address) holds across processes and for parallel
 * requests; a stranger's failures do not lock the owner out from the owner's
 * own address. The processes run with TRUST_PROXY unset, so the client
 * address is the socket's peer, which the test picks within 127.0.0.0/8.
 */

const JWT_SECRET = 'throttle-secret-throttle-secret-throttle!';
const OWNER = { email: 'owner@example.com', password: 'owner-password-1', user_name: 'Owner' };
const STRANGER_ADDRESS = '127.0.0.1';
const OWNER_ADDRESS = '127.0.0.2';

/** POSTs JSON to one of the processes from a given client address. */
function postJson(api: ApiProcess, path: string, body: unknown, localAddress: string): Promise<RawOutcome> {
  return sendRaw(
    api.url,
    {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
      localAddress,
    },
    60_000,
  );
}

function login(api: ApiProcess, password: string, localAddress: string): Promise<RawOutcome> {
  return postJson(api, '/users/login', { email: OWNER.email, password }, localAddress);
}

describe('log-in throttling across two API processes on one database', () => {
  let database: TestDatabase;
  const apis: ApiProcess[] = [];

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  }, 180_000);
  afterAll(async () => {
    for (const api of apis) await killHard(api);
    await database?.drop();
  });

  it('checks at most 5 of 40 parallel wrong passwords from one address, answers the rest 429 with Retry-After, and still lets the owner in from another address', async () => {
    // Throttling, not shedding, is under test: log-ins queue for the hasher as long as they must.
    const env = { DATABASE_URL: database.url, JWT_SECRET, HASH_QUEUE_MAX_WAIT_MS: '60000' };
    apis.push(...(await Promise.all([startApi(env), startApi(env)])));
    const [a, b] = apis as [ApiProcess, ApiProcess];
    const registered = await postJson(a, '/users/register', OWNER, OWNER_ADDRESS);
    expect(registered.kind === 'response' && registered.status).toBe(201);

    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        login(i % 2 === 0 ? a : b, `wrong-password-${i}`, STRANGER_ADDRESS),
      ),
    );
    const answers = guesses.map((g) => (g.kind === 'response' ? g.status : g.error));
    const checked = answers.filter((s) => s === 401).length;
    const limited = guesses.filter((g) => g.kind === 'response' && g.status === 429);
    expect(checked, `answers: ${answers.join(' ')}`).toBeLessThanOrEqual(5);
    expect(checked, `answers: ${answers.join(' ')}`).toBeGreaterThanOrEqual(1);
    expect(checked + limited.length, `answers: ${answers.join(' ')}`).toBe(40);
    for (const g of limited) {
      if (g.kind !== 'response') continue;
      expect(g.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(JSON.parse(g.body.toString('utf8'))).toMatchObject({ status: 429, code: 'rate_limited' });
    }

    // Past the limit, even the right password is refused from the guesser's address...
    const fromGuesser = await login(b, OWNER.password, STRANGER_ADDRESS);
    expect(fromGuesser.kind === 'response' && fromGuesser.status).toBe(429);
    // ...but the owner, at another address, gets in through either process.
    for (const api of [a, b]) {
      const owner = await login(api, OWNER.password, OWNER_ADDRESS);
      expect(
        owner.kind === 'response' && owner.status,
        owner.kind === 'response' ? owner.body.toString() : owner.error,
      ).toBe(200);
    }
  }, 180_000);

  it('lets right passwords sent at once all in, over both processes: 12 of one account from one address, 60 accounts from another', async () => {
    const [a, b] = apis as [ApiProcess, ApiProcess];
    /** Each account's log-in, sent all at once, alternately to either process. */
    const logInAll = (users: readonly { email: string; password: string }[], localAddress: string) =>
      Promise.all(
        users.map(({ email, password }, i) =>
          postJson(i % 2 === 0 ? a : b, '/users/login', { email, password }, localAddress),
        ),
      );
    const statusOf = (outcome: RawOutcome) => (outcome.kind === 'response' ? outcome.status : outcome.error);
    const accounts = Array.from({ length: 60 }, (_, i) => ({
      email: `crowd-${i}@example.com`,
      password: `crowd-password-${i}`,
      user_name: `Crowd ${i}`,
    }));
    for (const account of accounts) {
      expect(statusOf(await postJson(a, '/users/register', account, '127.0.0.5'))).toBe(201);
    }
    // More than the 5 failures allowed per account and address would be in flight at once,
    // each counted before its password is checked (argon2, a few at a time per process).
    const [first] = accounts as [(typeof accounts)[number]];
    const same = await logInAll(Array(12).fill(first), '127.0.0.3');
    expect(same.map(statusOf)).toEqual(Array(12).fill(200));
    // More than the 50 failures allowed per address.
    const crowd = await logInAll(accounts, '127.0.0.4');
    expect(crowd.map(statusOf)).toEqual(Array(60).fill(200));
  }, 180_000);
});
