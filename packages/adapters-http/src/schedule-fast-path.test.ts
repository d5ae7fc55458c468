import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryStore } from '@exam-reservation/application/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookableDay } from './testing/http-api-suite.js';
import { comparable, sendRaw } from './testing/raw-request.js';
import { capturedLogger, startTestApp, TEST_JWT_SECRET, type TestApp } from './testing/test-app.js';

/** Sends a request with no body, as a client asking for a schedule does. */
const send = (origin: string, method: string, path: string, headers: Record<string, string>) =>
  sendRaw(origin, { method, path, headers });

/**
 * The fast path must answer exactly as the app would: the same requests go
 * to a server through the fast path (the app's own listen) and to a plain
 * server over the same Express app, and the answers, log lines and metrics
 * must be the same.
 */
describe('the schedule fast path answers as the app does', () => {
  const { logger, lines } = capturedLogger();
  let app: TestApp;
  let plain: Server;
  let plainUrl: string;
  let token: string;
  const D = bookableDay(2);
  const week = `/reservations/schedules?start=${D}&end=${bookableDay(8)}`;
  const served = () => (app.app.locals.fastPathServed as { count: number }).count;

  beforeAll(async () => {
    app = await startTestApp(new InMemoryStore(), {
      http: { scheduleMaxStalenessMs: 60_000 },
      logger,
    });
    plain = createServer(app.app);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const register = await fetch(`${app.url}/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fast@example.com', password: 'password-1', user_name: 'F' }),
    });
    expect(register.status).toBe(201);
    const login = await fetch(`${app.url}/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fast@example.com', password: 'password-1' }),
    });
    token = ((await login.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await new Promise((resolve) => plain.close(resolve));
    await app.close();
  });

  /** Sends one request both ways (plain first, so that the cache is filled as the app fills it). */
  async function both(method: string, path: string, headers: Record<string, string>) {
    const before = served();
    const viaApp = await send(plainUrl, method, path, { 'x-request-id': 'same-id', ...headers });
    expect(served()).toBe(before);
    const viaFast = await send(app.url, method, path, { 'x-request-id': 'same-id', ...headers });
    return { viaApp, viaFast, fast: served() - before === 1 };
  }

  it('serves a cached schedule, and a 304 for its exact ETag, with the very headers and body of the app', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const first = await both('GET', week, auth);
    expect(first.viaApp.status).toBe(200);
    expect(first.fast).toBe(true);
    expect(comparable(first.viaFast)).toEqual(comparable(first.viaApp));
    const etag = first.viaApp.headers.etag as string;
    const notModified = await both('GET', week, { ...auth, 'if-none-match': etag });
    expect(notModified.viaApp.status).toBe(304);
    expect(notModified.fast).toBe(true);
    expect(comparable(notModified.viaFast)).toEqual(comparable(notModified.viaApp));
  });

  it.each([
    ['a weak If-None-Match', (etag: string) => ({ 'if-none-match': `W/${etag}` })],
    ['a list in If-None-Match', (etag: string) => ({ 'if-none-match': `"x", ${etag}` })],
    ['another ETag', () => ({ 'if-none-match': '"other"' })],
  ])('leaves %s to the app, which answers as always', async (_label, extra) => {
    const auth = { authorization: `Bearer ${token}` };
    const etag = (await send(plainUrl, 'GET', week, auth)).headers.etag as string;
    const { viaApp, viaFast, fast } = await both('GET', week, { ...auth, ...extra(etag) });
    expect(fast).toBe(false);
    expect(comparable(viaFast)).toEqual(comparable(viaApp));
  });

  it('leaves every other request to the app: no token, a bad one, an unknown account, other queries, HEAD', async () => {
    const unknown = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('424242')
      .setIssuer('exam-reservation')
      .setAudience('exam-reservation-api')
      .setExpirationTime(Math.floor(app.clock.now() / 1000) + 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const auth = { authorization: `Bearer ${token}` };
    const cases: [string, string, Record<string, string>][] = [
      ['GET', week, {}],
      ['GET', week, { authorization: 'Bearer not-a-token' }],
      ['GET', week, { authorization: `Bearer ${unknown}` }],
      ['GET', `/reservations/schedules?end=${bookableDay(8)}&start=${D}`, auth],
      ['GET', `${week}&x=1`, auth],
      ['GET', `/reservations/schedules?start=${D}&end=2026-02-30`, auth],
      ['HEAD', week, auth],
    ];
    for (const [method, path, headers] of cases) {
      const { viaApp, viaFast, fast } = await both(method, path, headers);
      expect(fast, `${method} ${path}`).toBe(false);
      expect(comparable(viaFast), `${method} ${path}`).toEqual(comparable(viaApp));
    }
  });

  it('writes the same request log line as the app', async () => {
    lines.length = 0;
    await both('GET', week, { authorization: `Bearer ${token}`, 'x-request-id': 'logged' });
    const logged = lines.filter((l) => l.reqId === 'logged');
    expect(logged).toHaveLength(2);
    const strip = ({ time: _t, responseTime: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(logged[1]!)).toEqual(strip(logged[0]!));
    expect(logged[0]).toMatchObject({
      msg: 'request completed',
      status: 200,
      url: week,
      remoteAddress: '127.0.0.1',
    });
  });
});
