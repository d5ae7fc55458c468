import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './testing/test-app.js';
import type { HostResolver } from './webhooks/address-policy.js';
import { NodeWebhookTransport } from './webhooks/node-webhook-transport.js';

/** Names resolve only through this table; nothing is ever sent anywhere by these tests. */
const resolver: HostResolver = async (host) => {
  const table: Record<string, string[]> = {
    'hooks.example.com': ['93.184.215.14'],
    'internal.example.com': ['10.20.30.40'],
    'sneaky.example.com': ['93.184.215.14', '127.0.0.1'],
  };
  const found = table[host];
  if (!found) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: 4 as const }));
};

describe('/webhooks over HTTP', () => {
  let app: TestApp;
  let admin: string;
  let user: string;
  const http = () => request(app.url);

  beforeAll(async () => {
    app = await startTestApp(new InMemoryStore(), {
      webhookTransport: new NodeWebhookTransport({ timeZone: 'Asia/Seoul', allowPrivate: false, resolver }),
    });
    await app.ensureAdmin.execute({ email: 'admin@example.com', password: 'admin-password' });
    admin = (
      await http().post('/users/login').send({ email: 'admin@example.com', password: 'admin-password' })
    ).body.access_token;
    await http()
      .post('/users/register')
      .send({ email: 'u@example.com', password: 'password-1', user_name: 'U' });
    user = (await http().post('/users/login').send({ email: 'u@example.com', password: 'password-1' })).body
      .access_token;
  });
  afterAll(async () => {
    await app?.close();
  });

  const subscribe = (body: object, token = admin) =>
    http().post('/webhooks').auth(token, { type: 'bearer' }).send(body);

  it('registers an endpoint: 201 with its secret once, then listed without it', async () => {
    const res = await subscribe({ url: 'https://hooks.example.com/exam', events: ['reservation.confirmed'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      url: 'https://hooks.example.com/exam',
      events: ['reservation.confirmed'],
      status: 'active',
      created_at: '2026-11-20T12:00:00+09:00',
      disabled_at: null,
      disabled_reason: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    expect(res.headers.location).toBe(`/webhooks/${res.body.id}`);
    expect(res.headers['cache-control']).toBe('no-store');
    const listed = await http().get('/webhooks').auth(admin, { type: 'bearer' });
    expect(listed.status).toBe(200);
    const { secret: _, ...shown } = res.body;
    expect(listed.body).toContainEqual(shown);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    const deliveries = await http()
      .get(`/webhooks/${res.body.id}/deliveries`)
      .auth(admin, { type: 'bearer' });
    expect(deliveries.status).toBe(200);
    expect(deliveries.body).toEqual([]);
  });

  it('shows an endpoint’s deliveries once a change happened, and removes it with 204, after which it is 404', async () => {
    const { body: endpoint } = await subscribe({
      url: 'https://hooks.example.com/d',
      events: ['reservation.created'],
    });
    const booked = await http().post('/reservations').auth(user, { type: 'bearer' }).send({
      reservation_name: 'T',
      start: '2026-12-01 10:00',
      end: '2026-12-01 11:00',
      number_of_people: 3,
    });
    expect(booked.status).toBe(201);
    const listed = await http()
      .get(`/webhooks/${endpoint.id}/deliveries?limit=5`)
      .auth(admin, { type: 'bearer' });
    expect(listed.body).toEqual([
      {
        id: expect.stringMatching(/^msg_\d+$/),
        event_type: 'reservation.created',
        reservation_id: booked.body.id,
        status: 'pending',
        created_at: '2026-11-20T12:00:00+09:00',
        next_attempt_at: '2026-11-20T12:00:00+09:00',
        attempts: [],
      },
    ]);
    const removed = await http().delete(`/webhooks/${endpoint.id}`).auth(admin, { type: 'bearer' });
    expect(removed.status).toBe(204);
    for (const res of [
      await http().delete(`/webhooks/${endpoint.id}`).auth(admin, { type: 'bearer' }),
      await http().get(`/webhooks/${endpoint.id}/deliveries`).auth(admin, { type: 'bearer' }),
      await http().delete('/webhooks/2147483647').auth(admin, { type: 'bearer' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it('answers a user 403 before anything else, and no token 401', async () => {
    for (const res of [
      await subscribe({ nonsense: true }, user),
      await subscribe({ url: 'https://hooks.example.com/x', events: ['reservation.created'] }, user),
      await http().get('/webhooks').auth(user, { type: 'bearer' }),
      await http().delete('/webhooks/999999').auth(user, { type: 'bearer' }),
      await http().delete('/webhooks/not-an-id').auth(user, { type: 'bearer' }),
      await http().get('/webhooks/999999/deliveries?limit=oops').auth(user, { type: 'bearer' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await http().get('/webhooks')).status).toBe(401);
    expect((await http().post('/webhooks').send({})).status).toBe(401);
  });

  it.each([
    [
      'an unknown field',
      { url: 'https://hooks.example.com/', events: ['reservation.created'], extra: 1 },
      'extra',
    ],
    ['no events', { url: 'https://hooks.example.com/', events: [] }, 'events'],
    [
      'an unknown event type',
      { url: 'https://hooks.example.com/', events: ['reservation.deleted'] },
      'events.0',
    ],
    [
      'a repeated event type',
      { url: 'https://hooks.example.com/', events: ['reservation.created', 'reservation.created'] },
      'events',
    ],
    ['events not a list', { url: 'https://hooks.example.com/', events: 'reservation.created' }, 'events'],
    ['no url', { events: ['reservation.created'] }, 'url'],
    ['a url that is not a string', { url: 42, events: ['reservation.created'] }, 'url'],
    ['an ftp url', { url: 'ftp://hooks.example.com/', events: ['reservation.created'] }, 'url'],
    [
      'credentials in the url',
      { url: 'https://a:b@hooks.example.com/', events: ['reservation.created'] },
      'url',
    ],
    [
      'a url too long',
      { url: `https://hooks.example.com/${'x'.repeat(2100)}`, events: ['reservation.created'] },
      'url',
    ],
    ['loopback', { url: 'http://127.0.0.1:8080/', events: ['reservation.created'] }, 'url'],
    ['10/8', { url: 'http://10.1.2.3/', events: ['reservation.created'] }, 'url'],
    ['172.16/12', { url: 'http://172.20.0.1/', events: ['reservation.created'] }, 'url'],
    ['192.168/16', { url: 'http://192.168.1.1/', events: ['reservation.created'] }, 'url'],
    ['169.254/16', { url: 'http://169.254.169.254/', events: ['reservation.created'] }, 'url'],
    ['::1', { url: 'http://[::1]/', events: ['reservation.created'] }, 'url'],
    ['localhost', { url: 'http://localhost/', events: ['reservation.created'] }, 'url'],
    [
      'a name resolving to 10/8',
      { url: 'https://internal.example.com/', events: ['reservation.created'] },
      'url',
    ],
    [
      'a name resolving to loopback among public ones',
      { url: 'https://sneaky.example.com/', events: ['reservation.created'] },
      'url',
    ],
    [
      'a name that does not resolve',
      { url: 'https://nowhere.example.com/', events: ['reservation.created'] },
      'url',
    ],
  ])('refuses %s with 400 naming the field, and registers nothing', async (_label, body, path) => {
    const before = (await http().get('/webhooks').auth(admin, { type: 'bearer' })).body.length;
    const res = await subscribe(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await http().get('/webhooks').auth(admin, { type: 'bearer' })).body.length).toBe(before);
  });

  it('tells the admin that an internal host is not public, not what it resolves to', async () => {
    for (const [host, addresses] of [
      ['internal.example.com', ['10.20.30.40']],
      ['sneaky.example.com', ['93.184.215.14', '127.0.0.1']],
    ] as const) {
      const res = await subscribe({ url: `https://${host}/hook`, events: ['reservation.created'] });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { path: 'url', message: expect.stringContaining(`${host} is not a public host`) },
      ]);
      for (const address of addresses) expect(res.text).not.toContain(address);
    }
  });

  it('refuses unknown query parameters, a bad limit, a bad id and a body on DELETE', async () => {
    const { body: endpoint } = await subscribe({
      url: 'https://hooks.example.com/q',
      events: ['reservation.created'],
    });
    for (const res of [
      await http().get('/webhooks?page=2').auth(admin, { type: 'bearer' }),
      await http().get(`/webhooks/${endpoint.id}/deliveries?limit=0`).auth(admin, { type: 'bearer' }),
      await http().get(`/webhooks/${endpoint.id}/deliveries?limit=101`).auth(admin, { type: 'bearer' }),
      await http().get(`/webhooks/${endpoint.id}/deliveries?since=1`).auth(admin, { type: 'bearer' }),
      await http().get('/webhooks/0/deliveries').auth(admin, { type: 'bearer' }),
      await http().delete('/webhooks/abc').auth(admin, { type: 'bearer' }),
      await http().delete(`/webhooks/${endpoint.id}`).auth(admin, { type: 'bearer' }).send({ force: true }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_error');
    }
    expect(
      (await http().get(`/webhooks/${endpoint.id}/deliveries`).auth(admin, { type: 'bearer' })).status,
    ).toBe(200);
  });
});
