import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import { bookableDay } from './testing/http-api-suite.js';
import { type PlainAndFast, startPlainAndFast } from './testing/plain-and-fast.js';
import { comparable, type RawRequest, sendRaw } from './testing/raw-request.js';
import { capturedLogger, type TestApp } from './testing/test-app.js';

/**
 * The confirm fast path must answer exactly as the app would. Two apps over
 * two stores set up alike take the same requests in the same order: one
 * through a plain server over its Express app, the other through the server
 * with the fast path. Answers, log lines and what is stored must be the same.
 */
describe('the confirm fast path answers as the app does', () => {
  const plainLog = capturedLogger();
  const fastLog = capturedLogger();
  const plainMetrics = new PrometheusMetrics();
  const fastMetrics = new PrometheusMetrics();
  let apps: PlainAndFast;
  let plainApp: TestApp;
  let fastApp: TestApp;
  let plainUrl: string;
  const tokens: Record<string, string> = {};
  const served = () => (fastApp.app.locals.confirmFastPathServed as { count: number }).count;
  const D = bookableDay(3);

  beforeAll(async () => {
    apps = await startPlainAndFast((side) =>
      side === 'plain'
        ? { logger: plainLog.logger, metrics: plainMetrics }
        : { logger: fastLog.logger, metrics: fastMetrics },
    );
    ({ plain: plainApp, fast: fastApp, plainUrl } = apps);
    tokens.user = await apps.mint('1');
    tokens.admin = await apps.mint('2');
    tokens.gone = await apps.mint('424242');
    await apps.addUserAndAdmin();
    for (const app of [plainApp, fastApp]) {
      // Two bookings that cannot both be confirmed, and four more of one person.
      for (const people of [30_000, 30_000, 1, 1, 1, 1]) {
        const booked = await fetch(`${app.url}/reservations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.user}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            reservation_name: `P${people}`,
            start: `${D} 09:00`,
            end: `${D} 10:00`,
            number_of_people: people,
          }),
        });
        expect(booked.status).toBe(201);
      }
    }
  });
  afterAll(() => apps.close());

  const confirm = (id: string | number, extra: RawRequest = {}, who = 'admin'): RawRequest => ({
    path: `/reservations/${id}/confirm`,
    ...extra,
    headers: { authorization: `Bearer {${who}}`, ...extra.headers },
  });

  /** Sends one request to both apps; whether the fast path answered it. */
  async function both(sent: RawRequest, id: string) {
    const before = served();
    // The cases are written before the tokens exist: `{admin}` stands for one.
    const headers = Object.fromEntries(
      Object.entries({ 'x-request-id': id, ...sent.headers }).map(([k, v]) => [
        k,
        v.replace(/\{(\w+)\}/, (_, who: string) => tokens[who] ?? who),
      ]),
    );
    const viaApp = await sendRaw(plainUrl, { ...sent, headers });
    const viaFast = await sendRaw(fastApp.url, { ...sent, headers });
    expect(comparable(viaFast), id).toEqual(comparable(viaApp));
    return { answer: viaFast, fast: served() - before === 1 };
  }

  it('confirms, and refuses what the rules refuse, with the very status, headers and body of the app', async () => {
    const first = await both(confirm(1), 'confirm-1');
    expect(first).toMatchObject({ fast: true, answer: { status: 200 } });
    expect(JSON.parse(first.answer.body)).toMatchObject({ id: 1, status: 'confirmed' });
    // Confirming it again answers it as it stands.
    expect(await both(confirm(1), 'confirm-1-again')).toMatchObject({ fast: true, answer: { status: 200 } });
    // No room left for the second; no such reservation.
    for (const [id, status] of [
      [2, 409],
      [999_999_999, 404],
    ] as const) {
      const refused = await both(confirm(id), `refused-${id}`);
      expect(refused).toMatchObject({ fast: true, answer: { status } });
      expect(refused.answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    }
    // With an empty body sent as `Content-Length: 0`, as many clients send a POST without one, and a
    // JSON content type as well (what a client that sets it on every request sends).
    for (const [id, headers] of [
      [3, { 'content-length': '0' }],
      [4, { 'content-length': '0', 'content-type': 'application/json' }],
      [5, { 'content-type': 'application/json; charset=utf-8' }],
    ] as const) {
      expect(await both(confirm(id, { headers }), `confirm-${id}`)).toMatchObject({
        fast: true,
        answer: { status: 200 },
      });
    }
    // What is stored, history included, reads the same through the app.
    for (const path of ['/reservations/1', '/reservations/2', '/reservations/1/history']) {
      const read = {
        method: 'GET',
        path,
        headers: { authorization: `Bearer ${tokens.admin}`, 'x-request-id': 'read' },
      };
      expect(comparable(await sendRaw(fastApp.url, read))).toEqual(comparable(await sendRaw(plainUrl, read)));
    }
  });

  it.each<[string, RawRequest]>([
    ['no token', { path: '/reservations/4/confirm' }],
    ['a bad token', confirm(4, { headers: { authorization: 'Bearer not-a-token' } })],
    ['a user', confirm(4, {}, 'user')],
    ['an account that no longer exists', confirm(4, {}, 'gone')],
    ['a query', confirm('4?force=1')],
    ['an id with a leading zero', confirm('04')],
    ['an id of ten digits', confirm('1000000000')],
    ['an id past the largest', confirm('9999999999')],
    ['an id that is not a number', confirm('four')],
    ['a trailing slash', { ...confirm(4), path: '/reservations/4/confirm/' }],
    ['GET', { ...confirm(4), method: 'GET' }],
    ['an empty JSON object', confirm(4, { headers: { 'content-type': 'application/json' }, body: '{}' })],
    [
      'an option in the body',
      confirm(4, { headers: { 'content-type': 'application/json' }, body: '{"force":true}' }),
    ],
    ['another content type with no body', confirm(6, { headers: { 'content-type': 'text/plain' } })],
    ['an upper-case charset', confirm(6, { headers: { 'content-type': 'application/json; charset=UTF-8' } })],
    ['a UTF-16 charset', confirm(6, { headers: { 'content-type': 'application/json; charset=utf-16' } })],
    ['a chunked body', confirm(4, { headers: { 'transfer-encoding': 'chunked' }, body: '' })],
    [
      'a Content-Encoding on an empty JSON body',
      confirm(4, {
        headers: { 'content-type': 'application/json', 'content-length': '0', 'content-encoding': 'gzip' },
      }),
    ],
    ['Expect: 100-continue', confirm(4, { headers: { expect: '100-continue', 'content-length': '0' } })],
    ['an Idempotency-Key', confirm(5, { headers: { 'idempotency-key': 'k-1' } })],
    ['an Origin', confirm(6, { headers: { origin: 'http://example.com' } })],
  ])('leaves %s to the app, which answers as always', async (label, sent) => {
    const { fast } = await both(sent, `left-${label.replaceAll(/[^a-z0-9]/gi, '-')}`);
    expect(fast).toBe(false);
  });

  it('reads the caller’s role and token version on every request: a promoted user, a demoted one, a changed password', async () => {
    const admin = { authorization: 'Bearer {admin}', 'content-type': 'application/json' };
    const setRole = (role: string) =>
      both(
        { method: 'PATCH', path: '/users/1', headers: admin, body: JSON.stringify({ role }) },
        `role-${role}`,
      );
    expect((await setRole('admin')).answer.status).toBe(200);
    expect(await both(confirm(2, {}, 'user'), 'promoted')).toMatchObject({
      fast: true,
      answer: { status: 409 },
    });
    expect((await setRole('user')).answer.status).toBe(200);
    expect(await both(confirm(2, {}, 'user'), 'demoted')).toMatchObject({
      fast: false,
      answer: { status: 403 },
    });
    await setRole('admin');
    const change = await both(
      {
        path: '/users/me/password',
        headers: { authorization: 'Bearer {user}', 'content-type': 'application/json' },
        body: JSON.stringify({ current_password: 'password-1', new_password: 'password-2' }),
      },
      'password',
    );
    expect(change.answer.status).toBe(204);
    expect(await both(confirm(2, {}, 'user'), 'old-token')).toMatchObject({
      fast: false,
      answer: { status: 401 },
    });
  });

  it('takes a request with no Content-Length at all, and leaves one with two Host lines to the app', async () => {
    // Node's client adds `Content-Length: 0` to a POST without a body; a socket sends only what it is given.
    const raw = (origin: string, extra = '') =>
      new Promise<string>((resolveText, reject) => {
        const url = new URL(origin);
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.end(
            `POST /reservations/2/confirm HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${tokens.admin}\r\n` +
              `X-Request-Id: raw\r\n${extra}Connection: close\r\n\r\n`,
          );
        });
        let text = '';
        socket.on('data', (chunk) => {
          text += String(chunk);
        });
        socket.on('end', () => resolveText(text));
        socket.on('error', reject);
      });
    // Status line, header lines in any order (the fast path writes its request id after helmet's), body.
    const parsed = (text: string) => {
      const [head = '', body] = text.split('\r\n\r\n');
      const [status, ...headers] = head.split('\r\n');
      const kept = headers.filter((h) => !/^(date|connection|keep-alive):/i.test(h));
      return { status, headers: kept.map((h) => h.toLowerCase()).sort(), body };
    };
    const before = served();
    const viaApp = await raw(plainUrl);
    const viaFast = await raw(fastApp.url);
    expect(served()).toBe(before + 1);
    expect(parsed(viaFast)).toEqual(parsed(viaApp));
    expect(viaFast).toMatch(/^HTTP\/1\.1 409 /);
    // A second Host line (RFC 9112: a 400) is the app's to refuse, through either server.
    const twice = 'Host: evil.example\r\n';
    const [appTwice, fastTwice] = [await raw(plainUrl, twice), await raw(fastApp.url, twice)];
    expect(served()).toBe(before + 1);
    expect(parsed(fastTwice)).toEqual(parsed(appTwice));
    expect(fastTwice).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('takes a Content-Length of 00 as the empty body it is (the app answers it)', async () => {
    const sent = await both(confirm(4, { headers: { 'content-length': '00' } }), 'length-00');
    expect(sent).toMatchObject({ fast: false, answer: { status: 200 } });
  });

  it('writes the same request log lines and metrics as the app', async () => {
    plainLog.lines.length = 0;
    fastLog.lines.length = 0;
    const before = served();
    await both(confirm(2), 'logged-refusal');
    await both(confirm(123_456), 'logged-missing');
    expect(served()).toBe(before + 2);
    const strip = ({ time: _t, responseTime: _r, ...rest }: Record<string, unknown>) => rest;
    const mine = (lines: Record<string, unknown>[]) =>
      lines.filter((l) => String(l.reqId).startsWith('logged')).map(strip);
    expect(mine(fastLog.lines)).toEqual(mine(plainLog.lines));
    expect(mine(fastLog.lines).map((l) => l.status)).toEqual([409, 404]);
    // The request counts of the route, by status (the latency histogram's buckets depend on the clock).
    const counts = async (metrics: PrometheusMetrics) =>
      (await metrics.registry.metrics())
        .split('\n')
        .filter(
          (l) => l.includes('/reservations/:id/confirm') && !l.includes('_bucket') && !l.includes('_sum'),
        );
    expect(await counts(fastMetrics)).toEqual(await counts(plainMetrics));
    expect((await counts(fastMetrics)).length).toBeGreaterThan(0);
  });
});
