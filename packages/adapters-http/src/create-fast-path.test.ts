import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryStore } from '@exam-reservation/application/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookableDay } from './testing/http-api-suite.js';
import { type PlainAndFast, startPlainAndFast } from './testing/plain-and-fast.js';
import { comparable, type RawRequest, sendRaw } from './testing/raw-request.js';
import { capturedLogger, startTestApp, TEST_JWT_SECRET, type TestApp } from './testing/test-app.js';

/**
 * The create fast path must answer exactly as the app would. Two apps over
 * two stores set up alike take the same requests in the same order: one
 * through a plain server over its Express app, the other through the
 * server with the fast path. Answers (ids included), log lines and what
 * is stored must be the same.
 */
describe('the create fast path answers as the app does', () => {
  const plainLog = capturedLogger();
  const fastLog = capturedLogger();
  let apps: PlainAndFast;
  let fastApp: TestApp;
  let plainUrl: string;
  let token: string;
  let adminToken: string;
  const served = () => (fastApp.app.locals.createFastPathServed as { count: number }).count;
  const D = bookableDay(3);

  beforeAll(async () => {
    apps = await startPlainAndFast((side) => ({ logger: (side === 'plain' ? plainLog : fastLog).logger }));
    ({ fast: fastApp, plainUrl } = apps);
    await apps.addUserAndAdmin();
    token = await apps.mint('1');
    adminToken = await apps.mint('2');
  });
  afterAll(() => apps.close());

  const json = (body: unknown, headers: Record<string, string> = {}): RawRequest => ({
    headers: { authorization: 'Bearer {token}', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const booking = (extra: Record<string, unknown> = {}) => ({
    reservation_name: 'Fast',
    start: `${D} 09:00`,
    end: `${D} 10:00`,
    number_of_people: 3,
    ...extra,
  });

  /** Sends one request to both apps; whether the fast path answered it. */
  async function both(sent: RawRequest, id: string) {
    const before = served();
    // The cases are written before the token exists: `{token}` stands for it.
    const headers = Object.fromEntries(
      Object.entries({ 'x-request-id': id, ...sent.headers }).map(([k, v]) => [
        k,
        v.replace('{token}', token),
      ]),
    );
    const viaApp = await sendRaw(plainUrl, { ...sent, headers });
    const viaFast = await sendRaw(fastApp.url, { ...sent, headers });
    expect(comparable(viaFast), id).toEqual(comparable(viaApp));
    return { answer: viaFast, fast: served() - before === 1 };
  }

  it('books with the very status, headers and body of the app, and stores the same', async () => {
    const first = await both(json(booking()), 'book-1');
    expect(first.fast).toBe(true);
    expect(first.answer.status).toBe(201);
    expect(first.answer.headers.location).toBe('/reservations/1');
    const second = await both(
      json(booking({ reservation_name: 'Second' }), { 'content-type': 'application/json; charset=utf-8' }),
      'book-2',
    );
    expect(second.fast).toBe(true);
    expect(second.answer.status).toBe(201);
    const admin = await both(
      {
        ...json(booking({ number_of_people: 1 })),
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      },
      'book-admin',
    );
    expect(admin.fast).toBe(true);
    // What is stored, history included, reads the same through the app.
    for (const path of ['/reservations/1', '/reservations/3/history']) {
      const read = {
        method: 'GET',
        path,
        headers: { authorization: `Bearer ${adminToken}`, 'x-request-id': 'read' },
      };
      expect(comparable(await sendRaw(fastApp.url, read))).toEqual(comparable(await sendRaw(plainUrl, read)));
    }
  });

  it.each<[string, RawRequest]>([
    ['a missing field', json({ reservation_name: 'x', start: `${D} 09:00`, end: `${D} 10:00` })],
    ['an unknown field', json(booking({ extra: true }))],
    ['no people', json(booking({ number_of_people: 0 }))],
    ['a time off the grid', json(booking({ start: `${D} 09:05` }))],
    ['a date that does not exist', json(booking({ start: '2027-02-30 09:00' }))],
    [
      'a start before the lead time',
      json(booking({ start: `${bookableDay(0)} 09:00`, end: `${bookableDay(0)} 10:00` })),
    ],
    ['more people than a slot holds', json(booking({ number_of_people: 50_001 }))],
    ['a name with a NUL', json(booking({ reservation_name: 'a\u0000b' }))],
    ['malformed JSON', json('{"reservation_name": ')],
    ['a JSON string', json('"book me"')],
    ['a JSON array', json('[]')],
    ['null', json('null')],
    ['bytes that are not UTF-8', { ...json(''), body: Buffer.from([0x7b, 0xff, 0x7d]) }],
    ['a byte-order mark', json(`\ufeff${JSON.stringify(booking())}`)],
    ['leading white space', json(`\n\t ${JSON.stringify(booking({ reservation_name: 'Spaced' }))}`)],
  ])('answers %s as the app does', async (label, sent) => {
    const { fast } = await both(sent, `case-${label.replaceAll(/[^a-z0-9]/gi, '-')}`);
    expect(fast).toBe(true);
  });

  it.each<[string, RawRequest]>([
    ['no token', { ...json(booking()), headers: { 'content-type': 'application/json' } }],
    ['a bad token', json(booking(), { authorization: 'Bearer not-a-token' })],
    ['a query', { ...json(booking()), path: '/reservations?x=1' }],
    ['another content type', json(booking(), { 'content-type': 'text/plain' })],
    ['an upper-case charset', json(booking(), { 'content-type': 'application/json; charset=UTF-8' })],
    ['a UTF-16 charset', json(booking(), { 'content-type': 'application/json; charset=utf-16' })],
    ['an Idempotency-Key', json(booking({ reservation_name: 'Keyed' }), { 'idempotency-key': 'k-1' })],
    ['a Content-Encoding', json(booking(), { 'content-encoding': 'identity' })],
    ['an Origin', json(booking({ reservation_name: 'Origin' }), { origin: 'http://example.com' })],
    ['an empty body', { ...json(''), body: '' }],
    ['a body over the limit', json(booking({ reservation_name: 'x'.repeat(20_000) }))],
    [
      'a chunked body',
      {
        ...json(booking({ reservation_name: 'Chunked' })),
        headers: {
          authorization: 'Bearer {token}',
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
        },
      },
    ],
  ])('leaves %s to the app, which answers as always', async (label, sent) => {
    const { fast } = await both(sent, `left-${label.replaceAll(/[^a-z0-9]/gi, '-')}`);
    expect(fast).toBe(false);
  });

  it('leaves an account that no longer exists to the app', async () => {
    const { fast, answer } = await both(
      json(booking(), { authorization: `Bearer ${await apps.mint('424242')}` }),
      'gone',
    );
    expect(fast).toBe(false);
    expect(answer.status).toBe(401);
  });

  it('writes the same request log lines as the app', async () => {
    plainLog.lines.length = 0;
    fastLog.lines.length = 0;
    await both(json(booking({ reservation_name: 'Logged' })), 'logged');
    await both(json('{"broken'), 'logged-refusal');
    const strip = ({ time: _t, responseTime: _r, ...rest }: Record<string, unknown>) => rest;
    const mine = (lines: Record<string, unknown>[]) =>
      lines.filter((l) => String(l.reqId).startsWith('logged')).map(strip);
    expect(mine(fastLog.lines)).toEqual(mine(plainLog.lines));
    expect(mine(fastLog.lines).map((l) => [l.status, l.msg])).toEqual([
      [201, 'request completed'],
      [undefined, 'request refused by the transport'],
      [400, 'request completed'],
    ]);
  });
});

/**
 * With CORS on, the app adds its CORS headers to every answer, with or
 * without an `Origin`: the fast paths (bookings, schedules) must add the same
 * to the requests they take (those without an `Origin`).
 */
describe.each([
  ['a list of origins', ['https://exams.example']],
  ['any origin', ['*']],
])('with CORS on for %s, the fast paths answer as the app does', (_label, corsOrigins) => {
  let plainApp: TestApp;
  let fastApp: TestApp;
  let plain: Server;
  let plainUrl: string;
  let token: string;
  const D = bookableDay(3);

  beforeAll(async () => {
    plainApp = await startTestApp(new InMemoryStore(), {
      http: { corsOrigins, scheduleMaxStalenessMs: 60_000 },
    });
    fastApp = await startTestApp(new InMemoryStore(), {
      http: { corsOrigins, scheduleMaxStalenessMs: 60_000 },
    });
    plain = createServer(plainApp.app);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    for (const app of [plainApp, fastApp]) {
      const register = await fetch(`${app.url}/users/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'cors@example.com', password: 'password-1', user_name: 'C' }),
      });
      expect(register.status).toBe(201);
    }
    token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setIssuer('exam-reservation')
      .setAudience('exam-reservation-api')
      .setExpirationTime(Math.floor(fastApp.clock.now() / 1000) + 600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
  });
  afterAll(async () => {
    await new Promise((resolve) => plain.close(resolve));
    await plainApp.close();
    await fastApp.close();
  });

  it('books, and serves a cached schedule, with the app’s CORS headers, through the fast paths', async () => {
    const created = () => (fastApp.app.locals.createFastPathServed as { count: number }).count;
    const scheduled = () => (fastApp.app.locals.fastPathServed as { count: number }).count;
    const booking: RawRequest = {
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-request-id': 'cors-book',
      },
      body: JSON.stringify({
        reservation_name: 'C',
        start: `${D} 09:00`,
        end: `${D} 10:00`,
        number_of_people: 1,
      }),
    };
    const viaApp = await sendRaw(plainUrl, booking);
    const viaFast = await sendRaw(fastApp.url, booking);
    expect(viaApp.status).toBe(201);
    expect(created()).toBe(1);
    expect(comparable(viaFast)).toEqual(comparable(viaApp));
    const schedule: RawRequest = {
      method: 'GET',
      path: `/reservations/schedules?start=${D}&end=${bookableDay(4)}`,
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'cors-schedule' },
    };
    // The first fills each app's cache; the second is served from it (by the fast path on one).
    await sendRaw(plainUrl, schedule);
    await sendRaw(fastApp.url, schedule);
    const before = scheduled();
    const cachedApp = await sendRaw(plainUrl, schedule);
    const cachedFast = await sendRaw(fastApp.url, schedule);
    expect(scheduled()).toBe(before + 1);
    expect(comparable(cachedFast)).toEqual(comparable(cachedApp));
  });
});
