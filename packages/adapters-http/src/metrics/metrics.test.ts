import { request as httpRequest } from 'node:http';
import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { bearerMatches, PrometheusMetrics } from './prometheus-metrics.js';

const TOKEN = 'metrics-token-0123456789abcdef';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * The Prometheus text format (0.0.4), read strictly: every line is a HELP,
 * a TYPE or a sample with well-formed labels and a number; anything else
 * fails the test.
 */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Set<string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        typed.add(meta[2]!);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|[Nn]a[Nn]|[+-]Inf)$/.exec(line);
    expect(sample, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const body = sample![2] ?? '';
    const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/y;
    let at = 0;
    while (at < body.length) {
      label.lastIndex = at;
      const m = label.exec(body);
      expect(m, `bad labels in: ${line}`).not.toBeNull();
      labels[m![1]!] = m![2]!;
      at = label.lastIndex;
    }
    const name = sample![1]!;
    const family = name.replace(/_(bucket|sum|count|total)$/, '');
    expect(typed.has(name) || typed.has(family), `sample before its TYPE: ${name}`).toBe(true);
    samples.push({ name, labels, value: /nan/i.test(sample![3]!) ? Number.NaN : Number(sample![3]) });
  }
  return samples;
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('GET /metrics', () => {
  let app: TestApp;
  let off: TestApp;
  let admin: string;
  const http = () => request(app.url);
  const scrape = async () => {
    const res = await http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(res.text);
  };

  beforeAll(async () => {
    const store = new InMemoryStore();
    const metrics = new PrometheusMetrics({
      pool: () => ({ total: 4, idle: 3, waiting: 0, max: 10 }),
      outbox: () => store.read((s) => s.outbox.depth(Date.now())),
    });
    app = await startTestApp(store, { metrics, http: { metricsToken: TOKEN } });
    off = await startTestApp(new InMemoryStore(), { metrics: new PrometheusMetrics() });
    await app.ensureAdmin.execute({ email: 'admin@example.com', password: 'admin-password' });
    admin = (
      await http().post('/users/login').send({ email: 'admin@example.com', password: 'admin-password' })
    ).body.access_token;
  });
  afterAll(async () => {
    await app?.close();
    await off?.close();
  });

  it('is 404 when no token is configured, and 401 without the right one', async () => {
    const missing = await request(off.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
    for (const authorization of [
      undefined,
      'Bearer',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${TOKEN}`,
      TOKEN,
    ]) {
      const req = http().get('/metrics');
      const res = await (authorization === undefined ? req : req.set('Authorization', authorization));
      expect(res.status, String(authorization)).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.text).not.toContain('exam_');
    }
  });

  it('parses, and counts requests by route template and status, never by raw path or id', async () => {
    const before = await scrape();
    const booked = await http().post('/reservations').auth(admin, { type: 'bearer' }).send({
      reservation_name: 'T',
      start: '2026-12-01 10:00',
      end: '2026-12-01 11:00',
      number_of_people: 3,
    });
    expect(booked.status).toBe(201);
    await http().post(`/reservations/${booked.body.id}/confirm`).auth(admin, { type: 'bearer' }).expect(200);
    await http().post('/reservations/987654/confirm').auth(admin, { type: 'bearer' }).expect(404);
    await http().get(`/reservations/${booked.body.id}`).auth(admin, { type: 'bearer' }).expect(200);
    await http().get('/reservations/555').expect(401);
    await http().get('/no/such/place/31337').expect(404);
    const after = await scrape();
    const count = (samples: Sample[], labels: Record<string, string>) =>
      find(samples, 'exam_http_requests_total', labels)?.value ?? 0;
    const moved = (labels: Record<string, string>) => count(after, labels) - count(before, labels);
    expect(moved({ method: 'POST', route: '/reservations', status: '201' })).toBe(1);
    expect(moved({ method: 'POST', route: '/reservations/:id/confirm', status: '200' })).toBe(1);
    expect(moved({ method: 'POST', route: '/reservations/:id/confirm', status: '404' })).toBe(1);
    expect(moved({ method: 'GET', route: '/reservations/:id', status: '200' })).toBe(1);
    expect(moved({ method: 'GET', route: '/reservations/*', status: '401' })).toBe(1);
    expect(moved({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(
      find(after, 'exam_http_request_duration_seconds_count', {
        route: '/reservations/:id/confirm',
        status: '200',
      })?.value,
    ).toBeGreaterThanOrEqual(1);
    // No label anywhere carries an id or a raw path (bucket bounds, statuses and versions aside).
    for (const s of after) {
      for (const [key, value] of Object.entries(s.labels)) {
        if (key === 'le' || key === 'version' || key === 'status') continue;
        expect(value, `${s.name} ${JSON.stringify(s.labels)}`).not.toMatch(/\d{3,}|31337|no\/such/);
      }
    }
    const routes = new Set(after.flatMap((s) => (s.labels.route ? [s.labels.route] : [])));
    for (const route of routes) expect(route).toMatch(/^(unmatched|(\/[a-z.:*]+(\/:id)?)+(\/[a-z]+)*)$/);
  });

  it('counts confirmations, capacity refusals and batches, and shows the pool, the outbox and process metrics', async () => {
    const before = await scrape();
    const big = await http().post('/reservations').auth(admin, { type: 'bearer' }).send({
      reservation_name: 'B',
      start: '2026-12-02 10:00',
      end: '2026-12-02 11:00',
      number_of_people: 50_000,
    });
    const second = await http().post('/reservations').auth(admin, { type: 'bearer' }).send({
      reservation_name: 'C',
      start: '2026-12-02 10:00',
      end: '2026-12-02 11:00',
      number_of_people: 1,
    });
    await http().post(`/reservations/${big.body.id}/confirm`).auth(admin, { type: 'bearer' }).expect(200);
    await http().post(`/reservations/${second.body.id}/confirm`).auth(admin, { type: 'bearer' }).expect(409);
    await http()
      .post('/reservations')
      .auth(admin, { type: 'bearer' })
      .send({
        reservation_name: 'D',
        start: '2026-12-02 10:00',
        end: '2026-12-02 11:00',
        number_of_people: 1,
      })
      .expect(409);
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      (find(after, name, labels)?.value ?? 0) - (find(before, name, labels)?.value ?? 0);
    expect(moved('exam_confirmations_total', { outcome: 'confirmed' })).toBe(1);
    expect(moved('exam_confirmations_total', { outcome: 'capacity_exceeded' })).toBe(1);
    expect(moved('exam_capacity_refusals_total', { action: 'confirm' })).toBe(1);
    expect(moved('exam_capacity_refusals_total', { action: 'create' })).toBe(1);
    expect(moved('exam_confirmation_batch_size_count')).toBe(2);
    expect(find(after, 'exam_db_pool_connections', { state: 'idle' })?.value).toBe(3);
    expect(find(after, 'exam_db_pool_waiting_clients')?.value).toBe(0);
    expect(find(after, 'exam_webhook_outbox_pending')?.value).toBe(0);
    expect(find(after, 'process_cpu_user_seconds_total')).toBeDefined();
    expect(find(after, 'nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('labels a request by a standard method, or OTHER for any other method a client sends', async () => {
    const before = await scrape();
    const odd = ['PROPFIND', 'MKCOL', 'LOCK', 'SEARCH', 'PURGE', 'REPORT', 'M-SEARCH', 'QUERY'];
    const sent = [...odd, 'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];
    for (const method of sent) await send(method, '/reservations/12345');
    const after = await scrape();
    const methods = new Set(
      after.filter((s) => s.name === 'exam_http_requests_total').map((s) => s.labels.method),
    );
    for (const method of methods) {
      expect(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER']).toContain(method);
    }
    const moved = (method: string) =>
      [after, before]
        .map((samples) =>
          samples
            .filter((s) => s.name === 'exam_http_requests_total' && s.labels.method === method)
            .reduce((sum, s) => sum + s.value, 0),
        )
        .reduce((a, b) => a - b);
    expect(moved('OTHER')).toBe(odd.length);
    expect(moved('PUT')).toBe(1);
    expect(moved('DELETE')).toBe(1);
  });

  /** One request with any method node:http will write, answered or not. */
  const send = (method: string, path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${app.url}${path}`, { method }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
});

describe('bearerMatches', () => {
  it('accepts exactly the token, case-insensitive scheme, and nothing else', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN} extra`, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer ', TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer', '')).toBe(false);
  });
});
