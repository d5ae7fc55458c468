import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { UnitOfWork } from '@exam-reservation/application';
import { SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './test-app.js';

/** A store for one run of the suite, and how to let it go. */
export interface SuiteStore {
  readonly uow: UnitOfWork;
  close(): Promise<void>;
}

/** 2026-11-23 + `n` days, the first bookable day being 2026-11-23 at {@link TEST_NOW}. */
export function bookableDay(n: number): string {
  return new Date(Date.UTC(2026, 10, 23 + n)).toISOString().slice(0, 10);
}

const PROBLEM = /^application\/problem\+json/;

/** POSTs JSON from a given local address (all of 127.0.0.0/8 reaches this machine), as another client would. */
function postFrom(
  localAddress: string,
  origin: string,
  path: string,
  body: unknown,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Record<string, unknown> }> {
  const url = new URL(path, origin);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += String(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Every row of the HTTP contract (API.md) over a real socket, against the
 * store `makeStore` gives: the in-memory fake in unit runs, PostgreSQL in
 * integration runs. The store is shared by the tests of one run, so each test
 * books on a day of its own and uses e-mails of its own.
 */
export function describeHttpApi(name: string, makeStore: () => Promise<SuiteStore>): void {
  describe(`HTTP API over ${name}`, () => {
    let store: SuiteStore;
    let app: TestApp;
    let seq = 0;
    const http = () => request(app.url);

    beforeAll(async () => {
      store = await makeStore();
      app = await startTestApp(store.uow);
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
    });

    const email = (label: string) => `${label}-${++seq}@example.com`;

    async function signUp(label = 'user'): Promise<{ token: string; id: number; email: string }> {
      const address = email(label);
      const registered = await http()
        .post('/users/register')
        .send({ email: address, password: 'password-1', user_name: label });
      expect(registered.status).toBe(201);
      const login = await http().post('/users/login').send({ email: address, password: 'password-1' });
      expect(login.status).toBe(200);
      return { token: login.body.access_token, id: registered.body.id, email: address };
    }

    async function signUpAdmin(): Promise<{ token: string; id: number }> {
      const address = email('admin');
      const { user } = await app.ensureAdmin.execute({ email: address, password: 'admin-password' });
      const login = await http().post('/users/login').send({ email: address, password: 'admin-password' });
      expect(login.status).toBe(200);
      return { token: login.body.access_token, id: user.id };
    }

    async function book(token: string, fields: Record<string, unknown>) {
      return http()
        .post('/reservations')
        .auth(token, { type: 'bearer' })
        .send({ reservation_name: 'TOEIC', number_of_people: 100, ...fields });
    }

    async function bookOk(token: string, day: string, from = '10:00', to = '11:00', people = 100) {
      const res = await book(token, {
        start: `${day} ${from}`,
        end: `${day} ${to}`,
        number_of_people: people,
      });
      expect(res.status).toBe(201);
      return res.body as { id: number; status: string };
    }

    function expectProblem(res: request.Response, status: number, code: string): void {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
      expect(typeof res.body.detail).toBe('string');
    }

    function expectFieldError(res: request.Response, path: string): void {
      expectProblem(res, 400, 'validation_error');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }

    describe('POST /users/register', () => {
      it('creates a user account and answers 201 with the User shape', async () => {
        const address = email('Reg').toUpperCase();
        const res = await http()
          .post('/users/register')
          .send({ email: address, password: 'password-1', user_name: 'Kim' });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          id: expect.any(Number),
          email: address.toLowerCase(),
          user_name: 'Kim',
          role: 'user',
          created_at: '2026-11-20T12:00:00+09:00',
        });
        expect(res.body).not.toHaveProperty('password');
        expect(res.body).not.toHaveProperty('password_hash');
      });

      it('accepts role "user"', async () => {
        const res = await http()
          .post('/users/register')
          .send({ email: email('r'), password: 'password-1', user_name: 'Kim', role: 'user' });
        expect(res.status).toBe(201);
        expect(res.body.role).toBe('user');
      });

      it('refuses self-registration as admin with 403 and creates nothing', async () => {
        const address = email('admin-wannabe');
        const res = await http()
          .post('/users/register')
          .send({ email: address, password: 'password-1', user_name: 'Eve', role: 'admin' });
        expectProblem(res, 403, 'forbidden');
        const login = await http().post('/users/login').send({ email: address, password: 'password-1' });
        expect(login.status).toBe(401);
      });

      it.each([
        ['password', { password: 'short-7' }],
        ['password', { password: 'x'.repeat(129) }],
        ['email', { email: 'not-an-email' }],
        ['user_name', { user_name: '   ' }],
        ['user_name', { user_name: 42 }],
      ])('refuses a bad %s with 400 naming it', async (path, override) => {
        const res = await http()
          .post('/users/register')
          .send({ email: email('bad'), password: 'password-1', user_name: 'Kim', ...override });
        expectFieldError(res, path);
      });

      it('refuses a missing field, naming it', async () => {
        const res = await http()
          .post('/users/register')
          .send({ email: email('m'), password: 'password-1' });
        expectFieldError(res, 'user_name');
      });

      it('refuses unknown fields, naming them', async () => {
        const res = await http()
          .post('/users/register')
          .send({ email: email('u'), password: 'password-1', user_name: 'Kim', is_admin: true });
        expectFieldError(res, 'is_admin');
      });

      it('refuses malformed JSON with 400 validation_error', async () => {
        const res = await http()
          .post('/users/register')
          .set('Content-Type', 'application/json')
          .send('{"email": "a@b.co",');
        expectProblem(res, 400, 'validation_error');
        expect(res.body.errors).toHaveLength(1);
      });

      it('answers 409 conflict for an e-mail already registered, whatever its case', async () => {
        const { email: address } = await signUp('dup');
        const res = await http()
          .post('/users/register')
          .send({ email: address.toUpperCase(), password: 'password-2', user_name: 'Other' });
        expectProblem(res, 409, 'conflict');
      });
    });

    describe('POST /users/login', () => {
      it('answers 200 with a bearer token', async () => {
        const address = email('login');
        await http().post('/users/register').send({ email: address, password: 'password-1', user_name: 'L' });
        const res = await http().post('/users/login').send({ email: address, password: 'password-1' });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          access_token: expect.any(String),
          token_type: 'bearer',
          expires_in: 3600,
        });
        expect(res.headers['cache-control']).toBe('no-store');
      });

      it('answers a wrong password and an unknown e-mail alike with 401', async () => {
        const { email: address } = await signUp('wrong');
        const wrong = await http().post('/users/login').send({ email: address, password: 'password-X' });
        const unknown = await http()
          .post('/users/login')
          .send({ email: email('nobody'), password: 'password-1' });
        expectProblem(wrong, 401, 'unauthorized');
        expectProblem(unknown, 401, 'unauthorized');
        expect(wrong.body).toEqual(unknown.body);
      });

      it('refuses a body without a password with 400', async () => {
        const res = await http()
          .post('/users/login')
          .send({ email: email('x') });
        expectFieldError(res, 'password');
      });

      it('rate-limits an account from one address after 5 failures: 429 with Retry-After; the owner keeps other addresses', async () => {
        // An app of its own, so the failures here do not lock the shared address of the other tests.
        const own = await startTestApp(store.uow);
        try {
          const { email: address } = await signUp('guessed');
          for (let i = 0; i < 5; i++) {
            const res = await request(own.url)
              .post('/users/login')
              .send({ email: address, password: `guess-${i}xx` });
            expect(res.status).toBe(401);
          }
          const limited = await request(own.url)
            .post('/users/login')
            .send({ email: address, password: 'password-1' });
          expectProblem(limited, 429, 'rate_limited');
          expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
          expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
          // Another account from the same address is not locked out by them.
          const { email: innocent } = await signUp('same-address');
          const fromSameAddress = await request(own.url)
            .post('/users/login')
            .send({ email: innocent, password: 'password-1' });
          expect(fromSameAddress.status).toBe(200);
          // Nor is the owner, from another address (all of 127/8 is this machine).
          const fromElsewhere = await postFrom('127.0.0.2', own.url, '/users/login', {
            email: address,
            password: 'password-1',
          });
          expect(fromElsewhere.status).toBe(200);
          own.clock.advance(15 * 60_000 + 1000);
          const later = await request(own.url)
            .post('/users/login')
            .send({ email: address, password: 'password-1' });
          expect(later.status).toBe(200);
        } finally {
          await own.close();
        }
      });

      it('rate-limits an address after 50 failures across accounts', async () => {
        const own = await startTestApp(store.uow);
        try {
          for (let i = 0; i < 50; i++) {
            const res = await postFrom('127.0.0.3', own.url, '/users/login', {
              email: `nobody-${i}@example.com`,
              password: 'password-1',
            });
            expect(res.status).toBe(401);
          }
          const { email: real } = await signUp('behind-the-guesser');
          const limited = await postFrom('127.0.0.3', own.url, '/users/login', {
            email: real,
            password: 'password-1',
          });
          expect(limited.status).toBe(429);
          expect(limited.body).toMatchObject({ code: 'rate_limited' });
          expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        } finally {
          await own.close();
        }
      });
    });

    describe('bearer tokens', () => {
      const sign = (payload: Record<string, unknown>, secret = TEST_JWT_SECRET) =>
        new SignJWT(payload)
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('exam-reservation')
          .setAudience('exam-reservation-api')
          .setIssuedAt(Math.floor(app.clock.now() / 1000))
          .setExpirationTime(Math.floor(app.clock.now() / 1000) + 60)
          .sign(new TextEncoder().encode(secret));

      it('GET /users/me answers 200 with the caller', async () => {
        const { token, id, email: address } = await signUp('me');
        const res = await http().get('/users/me').auth(token, { type: 'bearer' });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id, email: address, role: 'user' });
      });

      it('answers 401 without a token, with WWW-Authenticate', async () => {
        const res = await http().get('/users/me');
        expectProblem(res, 401, 'unauthorized');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expectProblem(await http().get('/reservations'), 401, 'unauthorized');
      });

      it('answers 401 for a malformed Authorization header', async () => {
        const res = await http().get('/users/me').set('Authorization', 'Basic dXNlcjpwYXNz');
        expectProblem(res, 401, 'unauthorized');
      });

      it('answers 401 for a garbage token', async () => {
        const res = await http().get('/users/me').auth('not.a.jwt', { type: 'bearer' });
        expectProblem(res, 401, 'unauthorized');
      });

      it('answers 401 for a token signed with another key', async () => {
        const { id } = await signUp('forged');
        const forged = await sign({ sub: String(id) }, 'some-other-secret-some-other-secret!');
        expectProblem(await http().get('/users/me').auth(forged, { type: 'bearer' }), 401, 'unauthorized');
        const genuine = await sign({ sub: String(id) });
        expect((await http().get('/users/me').auth(genuine, { type: 'bearer' })).status).toBe(200);
      });

      it('answers 401 for a tampered token', async () => {
        const { token, id } = await signUp('tampered');
        const [header, , signature] = token.split('.');
        const payload = Buffer.from(
          JSON.stringify({
            sub: String(id + 1000),
            iss: 'exam-reservation',
            aud: 'exam-reservation-api',
            exp: 9_999_999_999,
          }),
        ).toString('base64url');
        const res = await http()
          .get('/users/me')
          .auth(`${header}.${payload}.${signature}`, { type: 'bearer' });
        expectProblem(res, 401, 'unauthorized');
      });

      it.each(['0', '-1', '2147483648', '99999999999', '9999999999999999', '1e3', '01', 'admin', ''])(
        'answers 401, never 500, for a well-signed token whose sub is %j',
        async (sub) => {
          // Set in the payload, not with setSubject (which takes strings only).
          const token = await sign({ sub } as Record<string, unknown>);
          expectProblem(await http().get('/users/me').auth(token, { type: 'bearer' }), 401, 'unauthorized');
          const list = await http().get('/reservations').auth(token, { type: 'bearer' });
          expectProblem(list, 401, 'unauthorized');
        },
      );

      it('answers 401 for an alg:none token', async () => {
        const { id } = await signUp('none');
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const unsigned = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({
          sub: String(id),
          iss: 'exam-reservation',
          aud: 'exam-reservation-api',
          exp: 9_999_999_999,
        })}.`;
        expectProblem(await http().get('/users/me').auth(unsigned, { type: 'bearer' }), 401, 'unauthorized');
      });

      it('answers 401 for an expired token', async () => {
        const { token } = await signUp('expired');
        const issuedAt = app.clock.now();
        app.clock.advance(3601_000);
        try {
          expectProblem(await http().get('/users/me').auth(token, { type: 'bearer' }), 401, 'unauthorized');
        } finally {
          app.clock.set(issuedAt);
        }
        expect((await http().get('/users/me').auth(token, { type: 'bearer' })).status).toBe(200);
      });

      it('reads the role from the store on each request, not from the token', async () => {
        const { token, email: address } = await signUp('promoted');
        const owner = await signUp('owner');
        const { id } = await bookOk(owner.token, bookableDay(40));
        const before = await http().post(`/reservations/${id}/confirm`).auth(token, { type: 'bearer' });
        expectProblem(before, 403, 'forbidden');
        await app.ensureAdmin.execute({ email: address, password: 'password-1' });
        const after = await http().post(`/reservations/${id}/confirm`).auth(token, { type: 'bearer' });
        expect(after.status).toBe(200);
        expect(after.body.status).toBe('confirmed');
      });
    });

    describe('GET /reservations/schedules', () => {
      it('gives the merged example of API.md for one confirmed 10,000-person booking 10:00–11:00', async () => {
        const D = bookableDay(1);
        const next = bookableDay(2);
        const user = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, D, '10:00', '11:00', 10_000);
        await bookOk(user.token, D, '12:00', '13:00', 30_000); // pending: holds no places
        const confirmed = await http()
          .post(`/reservations/${id}/confirm`)
          .auth(admin.token, { type: 'bearer' });
        expect(confirmed.status).toBe(200);
        const res = await http()
          .get('/reservations/schedules')
          .query({ start: D, end: D })
          .auth(user.token, { type: 'bearer' });
        expect(res.status).toBe(200);
        expect(res.body).toEqual([
          { start: `${D}T00:00:00+09:00`, end: `${D}T10:00:00+09:00`, available_capacity: 50_000 },
          { start: `${D}T10:00:00+09:00`, end: `${D}T11:00:00+09:00`, available_capacity: 40_000 },
          { start: `${D}T11:00:00+09:00`, end: `${next}T00:00:00+09:00`, available_capacity: 50_000 },
        ]);
      });

      it('drops the days before the lead-time boundary', async () => {
        const user = await signUp();
        const res = await http()
          .get('/reservations/schedules')
          .query({ start: '2026-11-20', end: '2026-11-23' })
          .auth(user.token, { type: 'bearer' });
        expect(res.status).toBe(200);
        expect(res.body[0].start).toBe('2026-11-23T00:00:00+09:00');
      });

      it('drops full slots', async () => {
        const D = bookableDay(3);
        const user = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, D, '00:00', '00:10', 50_000);
        await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
        const res = await http()
          .get('/reservations/schedules')
          .query({ start: D, end: D })
          .auth(user.token, { type: 'bearer' });
        expect(res.body).toEqual([
          {
            start: `${D}T00:10:00+09:00`,
            end: `${bookableDay(4)}T00:00:00+09:00`,
            available_capacity: 50_000,
          },
        ]);
      });

      it.each([
        ['end', { start: '2026-12-01', end: '2027-12-03' }],
        ['end', { start: '2026-12-02', end: '2026-12-01' }],
        ['start', { start: '2026-02-30', end: '2026-03-01' }],
        ['start', { start: '2026/12/01', end: '2026-12-01' }],
        ['end', { start: '2026-12-01' }],
        ['page', { start: '2026-12-01', end: '2026-12-01', page: '1' }],
      ])('refuses a bad query with 400 naming %s', async (path, query) => {
        const user = await signUp();
        const res = await http()
          .get('/reservations/schedules')
          .query(query)
          .auth(user.token, { type: 'bearer' });
        expectFieldError(res, path);
      });

      it('accepts a range of exactly 366 days', async () => {
        const user = await signUp();
        const res = await http()
          .get('/reservations/schedules')
          .query({ start: '2026-12-01', end: '2027-12-01' })
          .auth(user.token, { type: 'bearer' });
        expect(res.status).toBe(200);
      });
    });

    describe('POST /reservations', () => {
      it('books a pending reservation: 201, Location, times in the zone offset', async () => {
        const user = await signUp();
        const D = bookableDay(5);
        const res = await book(user.token, {
          reservation_name: 'JLPT N2',
          start: `${D}T00:00:00Z`,
          end: `${D} 10:00`,
          number_of_people: 1,
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          id: expect.any(Number),
          user_id: user.id,
          reservation_name: 'JLPT N2',
          start_time: `${D}T09:00:00+09:00`,
          end_time: `${D}T10:00:00+09:00`,
          number_of_people: 1,
          status: 'pending',
          created_at: '2026-11-20T12:00:00+09:00',
          updated_at: '2026-11-20T12:00:00+09:00',
        });
        expect(res.headers.location).toBe(`/reservations/${res.body.id}`);
      });

      it.each([
        ['start', { start: '2026-12-01 10:05' }],
        ['start', { start: '2026-02-30 10:00' }],
        ['start', { start: '2026-12-01T10:00:00' }],
        ['start', { start: 'tomorrow' }],
        ['end', { start: '2026-12-01 11:00', end: '2026-12-01 11:00' }],
        ['end', { start: '2026-12-01 12:00', end: '2026-12-01 11:00' }],
        ['start', { start: '2026-11-22 23:50', end: '2026-11-23 01:00' }],
        ['number_of_people', { number_of_people: 0 }],
        ['number_of_people', { number_of_people: 50_001 }],
        ['number_of_people', { number_of_people: 1.5 }],
        ['number_of_people', { number_of_people: '10' }],
        ['reservation_name', { reservation_name: '' }],
        ['reservation_name', { reservation_name: 'x'.repeat(101) }],
        ['reservation_name', { reservation_name: 'TOEIC\u0000' }],
        ['reservation_name', { reservation_name: 'TOEIC\u001b[2J' }],
        ['reservation_name', { reservation_name: 'TOEIC \ud800' }],
        ['reservation_name', { reservation_name: ' \u3000\t' }],
        ['role', { role: 'admin' }],
        ['end', { start: '2026-12-01 10:00', end: '2026-12-02 10:10' }],
        ['end', { start: '2027-01-01 00:00', end: '9999-12-30 00:00' }],
        ['start', { start: '0001-01-01 00:00', end: '2026-12-01 11:00' }],
        ['end', { start: '2026-12-01 10:00', end: '9999-12-31T00:00:00Z' }],
        ['start', { start: '1969-12-31T23:50:00Z' }],
      ])('refuses a bad %s with 400 and books nothing', async (path, override) => {
        const user = await signUp();
        const res = await book(user.token, {
          start: '2026-12-01 10:00',
          end: '2026-12-01 11:00',
          ...override,
        });
        expectFieldError(res, path);
        const list = await http().get('/reservations').auth(user.token, { type: 'bearer' });
        expect(list.headers['x-total-count']).toBe('0');
      });

      it('refuses a body missing a field, naming it', async () => {
        const user = await signUp();
        const res = await http()
          .post('/reservations')
          .auth(user.token, { type: 'bearer' })
          .send({ reservation_name: 'T', start: '2026-12-01 10:00', end: '2026-12-01 11:00' });
        expectFieldError(res, 'number_of_people');
      });

      it('accepts a reservation of exactly MAX_RESERVATION_HOURS (24), across midnight', async () => {
        const user = await signUp();
        const res = await book(user.token, {
          start: `${bookableDay(50)} 10:00`,
          end: `${bookableDay(51)} 10:00`,
        });
        expect(res.status).toBe(201);
      });

      it('refuses a body that is not JSON, or cannot be decoded, with 400 problem+json', async () => {
        const user = await signUp();
        const fields = JSON.stringify({
          reservation_name: 'T',
          start: '2026-12-01 10:00',
          end: '2026-12-01 11:00',
          number_of_people: 1,
        });
        const post = () => http().post('/reservations').auth(user.token, { type: 'bearer' });
        expectProblem(await post().set('Content-Type', 'text/plain').send(fields), 400, 'validation_error');
        for (const encoding of ['gzip', 'deflate', 'br', 'compress', 'x-unknown']) {
          expectProblem(
            await post()
              .set('Content-Type', 'application/json')
              .set('Content-Encoding', encoding)
              .send(fields),
            400,
            'validation_error',
          );
        }
        const list = await http().get('/reservations').auth(user.token, { type: 'bearer' });
        expect(list.headers['x-total-count']).toBe('0');
      });

      it('accepts a reservation that starts exactly at the lead-time boundary', async () => {
        const user = await signUp();
        const res = await book(user.token, { start: '2026-11-23 00:00', end: '2026-11-23 00:10' });
        expect(res.status).toBe(201);
      });

      it('answers 409 capacity_exceeded when the confirmed load leaves no room', async () => {
        const D = bookableDay(6);
        const user = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, D, '10:00', '11:00', 45_000);
        await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
        const res = await book(user.token, {
          start: `${D} 10:50`,
          end: `${D} 12:00`,
          number_of_people: 5_001,
        });
        expectProblem(res, 409, 'capacity_exceeded');
        const fits = await book(user.token, {
          start: `${D} 10:50`,
          end: `${D} 12:00`,
          number_of_people: 5_000,
        });
        expect(fits.status).toBe(201);
      });
    });

    describe('GET /reservations', () => {
      it('pages the caller’s own reservations by start then id, with X-Total-Count', async () => {
        const user = await signUp();
        const other = await signUp();
        const D = bookableDay(7);
        const late = await bookOk(user.token, D, '12:00', '13:00');
        const early = await bookOk(user.token, D, '09:00', '10:00');
        const tie = await bookOk(user.token, D, '12:00', '12:30');
        await bookOk(other.token, D, '08:00', '09:00');
        const first = await http()
          .get('/reservations')
          .query({ page: 1, limit: 2 })
          .auth(user.token, { type: 'bearer' });
        expect(first.status).toBe(200);
        expect(first.headers['x-total-count']).toBe('3');
        expect(first.body.map((r: { id: number }) => r.id)).toEqual([early.id, late.id]);
        const second = await http()
          .get('/reservations')
          .query({ page: 2, limit: 2 })
          .auth(user.token, { type: 'bearer' });
        expect(second.body.map((r: { id: number }) => r.id)).toEqual([tie.id]);
        const past = await http()
          .get('/reservations')
          .query({ page: 3, limit: 2 })
          .auth(user.token, { type: 'bearer' });
        expect(past.body).toEqual([]);
        expect(past.headers['x-total-count']).toBe('3');
      });

      it('lets admins see everyone’s, filtered by a date range, any status', async () => {
        const D = bookableDay(8);
        const a = await signUp();
        const b = await signUp();
        const admin = await signUpAdmin();
        const ra = await bookOk(a.token, D, '10:00', '11:00');
        const crossing = await book(b.token, { start: `${D} 23:50`, end: `${bookableDay(9)} 00:10` });
        expect(crossing.status).toBe(201);
        await http().delete(`/reservations/${ra.id}`).auth(a.token, { type: 'bearer' }).expect(204);
        await bookOk(a.token, bookableDay(10));
        const res = await http()
          .get('/reservations')
          .query({ start: D, end: D, limit: 100 })
          .auth(admin.token, { type: 'bearer' });
        expect(res.status).toBe(200);
        const ids = res.body.map((r: { id: number }) => r.id);
        expect(ids).toEqual([ra.id, crossing.body.id]);
        expect(res.body[0].status).toBe('cancelled');
        const nextDay = await http()
          .get('/reservations')
          .query({ start: bookableDay(9), end: bookableDay(9) })
          .auth(b.token, { type: 'bearer' });
        expect(nextDay.body.map((r: { id: number }) => r.id)).toEqual([crossing.body.id]);
      });

      it.each([
        ['page', { page: 0 }],
        ['page', { page: 'two' }],
        ['limit', { limit: 101 }],
        ['limit', { limit: 0 }],
        ['end', { start: '2026-12-01' }],
        ['end', { start: '2026-12-02', end: '2026-12-01' }],
        ['start', { start: '2026-02-30', end: '2026-03-01' }],
        ['sort', { sort: 'id' }],
      ])('refuses a bad query with 400 naming %s', async (path, query) => {
        const user = await signUp();
        expectFieldError(
          await http().get('/reservations').query(query).auth(user.token, { type: 'bearer' }),
          path,
        );
      });
    });

    describe('GET /reservations/{id}', () => {
      it('shows a reservation to its owner and to admins, and 404 to anyone else', async () => {
        const owner = await signUp();
        const stranger = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(owner.token, bookableDay(11));
        const mine = await http().get(`/reservations/${id}`).auth(owner.token, { type: 'bearer' });
        expect(mine.status).toBe(200);
        expect(mine.body.id).toBe(id);
        expect((await http().get(`/reservations/${id}`).auth(admin.token, { type: 'bearer' })).status).toBe(
          200,
        );
        const theirs = await http().get(`/reservations/${id}`).auth(stranger.token, { type: 'bearer' });
        expectProblem(theirs, 404, 'not_found');
        const missing = await http().get('/reservations/2147483647').auth(owner.token, { type: 'bearer' });
        expect(theirs.body).toEqual(missing.body);
      });

      it.each(['abc', '0', '-1', '1.5', '2147483648', '99999999999999999999'])(
        'refuses the id %s with 400',
        async (id) => {
          const user = await signUp();
          expectFieldError(
            await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' }),
            'id',
          );
        },
      );
    });

    describe('PATCH /reservations/{id}', () => {
      it('lets the owner change a pending reservation', async () => {
        const user = await signUp();
        const D = bookableDay(12);
        const { id } = await bookOk(user.token, D);
        app.clock.advance(60_000);
        try {
          const res = await http()
            .patch(`/reservations/${id}`)
            .auth(user.token, { type: 'bearer' })
            .send({ reservation_name: 'Renamed', end: `${D} 12:00` });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({
            id,
            reservation_name: 'Renamed',
            start_time: `${D}T10:00:00+09:00`,
            end_time: `${D}T12:00:00+09:00`,
            status: 'pending',
            updated_at: '2026-11-20T12:01:00+09:00',
          });
        } finally {
          app.clock.advance(-60_000);
        }
      });

      const patchDay = bookableDay(30);
      it.each([
        ['', {}],
        ['status', { status: 'confirmed' }],
        ['start', { start: `${patchDay} 10:01` }],
        ['end', { end: `${patchDay} 09:00` }],
        ['number_of_people', { number_of_people: -1 }],
        ['reservation_name', { reservation_name: null }],
      ])('refuses a bad change (%s) with 400 and changes nothing', async (path, patch) => {
        const user = await signUp();
        const { id } = await bookOk(user.token, patchDay);
        const res = await http()
          .patch(`/reservations/${id}`)
          .auth(user.token, { type: 'bearer' })
          .send(patch);
        expectFieldError(res, path);
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body).toMatchObject({
          reservation_name: 'TOEIC',
          start_time: `${patchDay}T10:00:00+09:00`,
          end_time: `${patchDay}T11:00:00+09:00`,
          number_of_people: 100,
        });
      });

      it('answers 409 invalid_state to a user changing a confirmed reservation; admins may', async () => {
        const D = bookableDay(13);
        const user = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, D, '10:00', '11:00', 50_000);
        await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
        const refused = await http()
          .patch(`/reservations/${id}`)
          .auth(user.token, { type: 'bearer' })
          .send({ reservation_name: 'X' });
        expectProblem(refused, 409, 'invalid_state');
        // Its own 50,000 in 10:30–11:00 do not count against the moved booking.
        const moved = await http()
          .patch(`/reservations/${id}`)
          .auth(admin.token, { type: 'bearer' })
          .send({ start: `${D} 10:30`, end: `${D} 11:30` });
        expect(moved.status).toBe(200);
        expect(moved.body.status).toBe('confirmed');
        const schedule = await http()
          .get('/reservations/schedules')
          .query({ start: D, end: D })
          .auth(user.token, { type: 'bearer' });
        expect(schedule.body).toEqual([
          { start: `${D}T00:00:00+09:00`, end: `${D}T10:30:00+09:00`, available_capacity: 50_000 },
          {
            start: `${D}T11:30:00+09:00`,
            end: `${bookableDay(14)}T00:00:00+09:00`,
            available_capacity: 50_000,
          },
        ]);
      });

      it('answers 409 capacity_exceeded when the change would overfill a slot', async () => {
        const D = bookableDay(15);
        const user = await signUp();
        const admin = await signUpAdmin();
        const full = await bookOk(user.token, D, '10:00', '11:00', 50_000);
        await http()
          .post(`/reservations/${full.id}/confirm`)
          .auth(admin.token, { type: 'bearer' })
          .expect(200);
        const { id } = await bookOk(user.token, D, '11:00', '12:00', 10);
        const res = await http()
          .patch(`/reservations/${id}`)
          .auth(user.token, { type: 'bearer' })
          .send({ start: `${D} 10:50` });
        expectProblem(res, 409, 'capacity_exceeded');
      });

      it('answers 409 invalid_state to an admin changing a cancelled reservation, 404 to strangers', async () => {
        const user = await signUp();
        const stranger = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, bookableDay(16));
        const theirs = await http()
          .patch(`/reservations/${id}`)
          .auth(stranger.token, { type: 'bearer' })
          .send({ reservation_name: 'Mine now' });
        expectProblem(theirs, 404, 'not_found');
        await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' }).expect(200);
        const res = await http()
          .patch(`/reservations/${id}`)
          .auth(admin.token, { type: 'bearer' })
          .send({ reservation_name: 'Back' });
        expectProblem(res, 409, 'invalid_state');
      });
    });

    describe('POST /reservations/{id}/confirm', () => {
      it('answers a user 403 whether or not the id exists (no existence probe)', async () => {
        const user = await signUp();
        for (const id of [2_147_483_647, 999_999]) {
          expectProblem(
            await http().post(`/reservations/${id}/confirm`).auth(user.token, { type: 'bearer' }),
            403,
            'forbidden',
          );
        }
      });

      it('refuses unknown fields in its body, and any body that is not a JSON object, with 400', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, bookableDay(52));
        const confirm = () =>
          http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' });
        expectFieldError(await confirm().send({ force: true }), 'force');
        for (const body of ['[]', '"yes"', 'null', '1']) {
          expectProblem(
            await confirm().set('Content-Type', 'application/json').send(body),
            400,
            'validation_error',
          );
        }
        expectProblem(
          await confirm().set('Content-Type', 'text/plain').send('force=true'),
          400,
          'validation_error',
        );
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
        expect((await confirm().send({})).status).toBe(200);
      });

      it('is admin-only: 403 for users', async () => {
        const user = await signUp();
        const { id } = await bookOk(user.token, bookableDay(17));
        expectProblem(
          await http().post(`/reservations/${id}/confirm`).auth(user.token, { type: 'bearer' }),
          403,
          'forbidden',
        );
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });

      it('confirms, is a no-op when repeated, and 409 invalid_state for a cancelled one', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(18);
        const { id } = await bookOk(user.token, D, '10:00', '11:00', 30_000);
        const first = await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' });
        expect(first.status).toBe(200);
        expect(first.body.status).toBe('confirmed');
        const again = await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' });
        expect(again.status).toBe(200);
        expect(again.body).toEqual(first.body);
        const schedule = await http()
          .get('/reservations/schedules')
          .query({ start: D, end: D })
          .auth(user.token, { type: 'bearer' });
        expect(schedule.body[1]).toMatchObject({ available_capacity: 20_000 });

        const other = await bookOk(user.token, D, '13:00', '14:00');
        await http().delete(`/reservations/${other.id}`).auth(user.token, { type: 'bearer' }).expect(204);
        expectProblem(
          await http().post(`/reservations/${other.id}/confirm`).auth(admin.token, { type: 'bearer' }),
          409,
          'invalid_state',
        );
        expectProblem(
          await http().post('/reservations/2147483647/confirm').auth(admin.token, { type: 'bearer' }),
          404,
          'not_found',
        );
      });

      it('answers 409 capacity_exceeded and leaves the reservation pending', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(19);
        const a = await bookOk(user.token, D, '10:00', '11:00', 30_000);
        const b = await bookOk(user.token, D, '10:30', '11:30', 30_000);
        await http().post(`/reservations/${a.id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
        const res = await http().post(`/reservations/${b.id}/confirm`).auth(admin.token, { type: 'bearer' });
        expectProblem(res, 409, 'capacity_exceeded');
        const after = await http().get(`/reservations/${b.id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });
    });

    describe('POST /reservations/{id}/cancel and DELETE /reservations/{id}', () => {
      it('lets the owner cancel a pending one; repeating is a 200 no-op', async () => {
        const user = await signUp();
        const { id } = await bookOk(user.token, bookableDay(20));
        const res = await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' });
        expect(res.status).toBe(200);
        expect(res.body.status).toBe('cancelled');
        const again = await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' });
        expect(again.status).toBe(200);
        expect(again.body).toEqual(res.body);
      });

      it('answers 409 invalid_state to a user cancelling a confirmed one; an admin frees its places', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(21);
        const { id } = await bookOk(user.token, D, '10:00', '11:00', 50_000);
        await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
        expectProblem(
          await http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' }),
          409,
          'invalid_state',
        );
        expectProblem(
          await http().delete(`/reservations/${id}`).auth(user.token, { type: 'bearer' }),
          409,
          'invalid_state',
        );
        const cancelled = await http()
          .post(`/reservations/${id}/cancel`)
          .auth(admin.token, { type: 'bearer' });
        expect(cancelled.body.status).toBe('cancelled');
        const schedule = await http()
          .get('/reservations/schedules')
          .query({ start: D, end: D })
          .auth(user.token, { type: 'bearer' });
        expect(schedule.body).toEqual([
          {
            start: `${D}T00:00:00+09:00`,
            end: `${bookableDay(22)}T00:00:00+09:00`,
            available_capacity: 50_000,
          },
        ]);
      });

      it('DELETE answers 204 and keeps the row as cancelled', async () => {
        const user = await signUp();
        const { id } = await bookOk(user.token, bookableDay(23));
        const res = await http().delete(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.status).toBe(200);
        expect(after.body.status).toBe('cancelled');
        expect((await http().delete(`/reservations/${id}`).auth(user.token, { type: 'bearer' })).status).toBe(
          204,
        );
      });

      it('refuses unknown fields in a cancel or DELETE body with 400 and cancels nothing', async () => {
        const user = await signUp();
        const { id } = await bookOk(user.token, bookableDay(53));
        const auth = { type: 'bearer' } as const;
        expectFieldError(
          await http().post(`/reservations/${id}/cancel`).auth(user.token, auth).send({ reason: 'x' }),
          'reason',
        );
        expectFieldError(
          await http().delete(`/reservations/${id}`).auth(user.token, auth).send({ hard: true }),
          'hard',
        );
        const after = await http().get(`/reservations/${id}`).auth(user.token, auth);
        expect(after.body.status).toBe('pending');
      });

      it('answers 404 to someone else cancelling', async () => {
        const user = await signUp();
        const stranger = await signUp();
        const { id } = await bookOk(user.token, bookableDay(24));
        expectProblem(
          await http().post(`/reservations/${id}/cancel`).auth(stranger.token, { type: 'bearer' }),
          404,
          'not_found',
        );
        expectProblem(
          await http().delete(`/reservations/${id}`).auth(stranger.token, { type: 'bearer' }),
          404,
          'not_found',
        );
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });
    });

    describe('POST /reservations/{id}/reject', () => {
      it('rejects a pending reservation with a reason; repeating is a 200 no-op', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, bookableDay(50));
        const res = await http()
          .post(`/reservations/${id}/reject`)
          .auth(admin.token, { type: 'bearer' })
          .send({ reason: 'the room is full' });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id, status: 'rejected', user_id: user.id });
        const again = await http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' });
        expect(again.status).toBe(200);
        expect(again.body).toEqual(res.body);
        const history = await http().get(`/reservations/${id}/history`).auth(user.token, { type: 'bearer' });
        expect(history.body.map((e: { type: string; reason: string | null }) => [e.type, e.reason])).toEqual([
          ['created', null],
          ['rejected', 'the room is full'],
        ]);
      });

      it('is admin-only: 403 for the owner and for others, whether or not the id exists', async () => {
        const user = await signUp();
        const stranger = await signUp();
        const { id } = await bookOk(user.token, bookableDay(50));
        for (const token of [user.token, stranger.token]) {
          for (const target of [id, 2_147_483_647]) {
            expectProblem(
              await http().post(`/reservations/${target}/reject`).auth(token, { type: 'bearer' }).send({}),
              403,
              'forbidden',
            );
          }
          // 403 comes before the body is looked at.
          expectProblem(
            await http().post(`/reservations/${id}/reject`).auth(token, { type: 'bearer' }).send({ x: 1 }),
            403,
            'forbidden',
          );
        }
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });

      it('answers 409 invalid_state for a confirmed or cancelled reservation, 404 for an unknown id', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(51);
        const confirmed = await bookOk(user.token, D);
        await http()
          .post(`/reservations/${confirmed.id}/confirm`)
          .auth(admin.token, { type: 'bearer' })
          .expect(200);
        const cancelled = await bookOk(user.token, D);
        await http().delete(`/reservations/${cancelled.id}`).auth(user.token, { type: 'bearer' }).expect(204);
        for (const { id } of [confirmed, cancelled]) {
          expectProblem(
            await http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' }),
            409,
            'invalid_state',
          );
        }
        expectProblem(
          await http().post('/reservations/2147483647/reject').auth(admin.token, { type: 'bearer' }),
          404,
          'not_found',
        );
      });

      it.each([
        ['reason', { reason: '' }],
        ['reason', { reason: 'x'.repeat(501) }],
        ['reason', { reason: 42 }],
        ['reason', { reason: 'nul \u0000 inside' }],
        ['note', { note: 'unknown field' }],
      ])('refuses a bad body (%s) with 400 and changes nothing', async (path, body) => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, bookableDay(52));
        expectFieldError(
          await http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' }).send(body),
          path,
        );
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });

      it('takes an absent body, {} and a reason of 500 characters', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(52);
        for (const body of [undefined, {}, { reason: '시'.repeat(500) }]) {
          const { id } = await bookOk(user.token, D);
          const req = http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' });
          const res = body === undefined ? await req : await req.send(body);
          expect(res.status).toBe(200);
          expect(res.body.status).toBe('rejected');
        }
      });

      it('a rejected reservation cannot be confirmed, cancelled or changed: 409 (404 for strangers)', async () => {
        const user = await signUp();
        const stranger = await signUp();
        const admin = await signUpAdmin();
        const { id } = await bookOk(user.token, bookableDay(53));
        await http().post(`/reservations/${id}/reject`).auth(admin.token, { type: 'bearer' }).expect(200);
        const attempts = [
          [
            'confirm by admin',
            http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }),
          ],
          ['cancel by owner', http().post(`/reservations/${id}/cancel`).auth(user.token, { type: 'bearer' })],
          [
            'cancel by admin',
            http().post(`/reservations/${id}/cancel`).auth(admin.token, { type: 'bearer' }),
          ],
          ['delete by owner', http().delete(`/reservations/${id}`).auth(user.token, { type: 'bearer' })],
          [
            'patch by owner',
            http()
              .patch(`/reservations/${id}`)
              .auth(user.token, { type: 'bearer' })
              .send({ reservation_name: 'X' }),
          ],
          [
            'patch by admin',
            http()
              .patch(`/reservations/${id}`)
              .auth(admin.token, { type: 'bearer' })
              .send({ reservation_name: 'X' }),
          ],
        ] as const;
        for (const [label, attempt] of attempts) {
          const res = await attempt;
          expect(res.status, label).toBe(409);
          expect(res.body.code, label).toBe('invalid_state');
        }
        expectProblem(
          await http().post(`/reservations/${id}/cancel`).auth(stranger.token, { type: 'bearer' }),
          404,
          'not_found',
        );
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body).toMatchObject({ status: 'rejected', reservation_name: 'TOEIC' });
      });
    });

    describe('GET /reservations/{id}/history', () => {
      it('lists every change oldest first, with actor, role, reason, before and after; no-ops record nothing', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(54);
        const created = await bookOk(user.token, D);
        app.clock.advance(60_000);
        try {
          const updated = await http()
            .patch(`/reservations/${created.id}`)
            .auth(user.token, { type: 'bearer' })
            .send({ number_of_people: 120 });
          app.clock.advance(60_000);
          const confirmed = await http()
            .post(`/reservations/${created.id}/confirm`)
            .auth(admin.token, { type: 'bearer' });
          await http()
            .post(`/reservations/${created.id}/confirm`)
            .auth(admin.token, { type: 'bearer' })
            .expect(200);
          const cancelled = await http()
            .post(`/reservations/${created.id}/cancel`)
            .auth(admin.token, { type: 'bearer' });
          await http()
            .post(`/reservations/${created.id}/cancel`)
            .auth(user.token, { type: 'bearer' })
            .expect(200);
          for (const token of [user.token, admin.token]) {
            const res = await http()
              .get(`/reservations/${created.id}/history`)
              .auth(token, { type: 'bearer' });
            expect(res.status).toBe(200);
            expect(res.body).toEqual([
              {
                type: 'created',
                at: '2026-11-20T12:00:00+09:00',
                actor_id: user.id,
                actor_role: 'user',
                reason: null,
                before: null,
                after: created,
              },
              {
                type: 'updated',
                at: '2026-11-20T12:01:00+09:00',
                actor_id: user.id,
                actor_role: 'user',
                reason: null,
                before: created,
                after: updated.body,
              },
              {
                type: 'confirmed',
                at: '2026-11-20T12:02:00+09:00',
                actor_id: admin.id,
                actor_role: 'admin',
                reason: null,
                before: updated.body,
                after: confirmed.body,
              },
              {
                type: 'cancelled',
                at: '2026-11-20T12:02:00+09:00',
                actor_id: admin.id,
                actor_role: 'admin',
                reason: null,
                before: confirmed.body,
                after: cancelled.body,
              },
            ]);
          }
        } finally {
          app.clock.advance(-120_000);
        }
      });

      it('answers 404 to anyone but the owner and admins, and for an unknown id; 400 for a bad id', async () => {
        const user = await signUp();
        const stranger = await signUp();
        const { id } = await bookOk(user.token, bookableDay(54));
        const theirs = await http()
          .get(`/reservations/${id}/history`)
          .auth(stranger.token, { type: 'bearer' });
        expectProblem(theirs, 404, 'not_found');
        const missing = await http()
          .get('/reservations/2147483647/history')
          .auth(user.token, { type: 'bearer' });
        expect(missing.body).toEqual(theirs.body);
        expectFieldError(
          await http().get('/reservations/0/history').auth(user.token, { type: 'bearer' }),
          'id',
        );
        expectProblem(await http().get(`/reservations/${id}/history`), 401, 'unauthorized');
      });
    });

    describe('POST /reservations/bulk/confirm and /bulk/reject', () => {
      it('confirms each id in the given order, with the answer the single action would give', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(55);
        const a = await bookOk(user.token, D, '10:00', '11:00', 30_000);
        const b = await bookOk(user.token, D, '10:30', '11:30', 30_000);
        const c = await bookOk(user.token, D, '12:00', '13:00', 20_000);
        const cancelled = await bookOk(user.token, D);
        await http().delete(`/reservations/${cancelled.id}`).auth(user.token, { type: 'bearer' }).expect(204);
        const res = await http()
          .post('/reservations/bulk/confirm')
          .auth(admin.token, { type: 'bearer' })
          .send({
            ids: [c.id, 2_147_483_647, a.id, b.id, cancelled.id],
          });
        expect(res.status).toBe(200);
        expect(res.body.results.map((r: { id: number; status: number }) => [r.id, r.status])).toEqual([
          [c.id, 200],
          [2_147_483_647, 404],
          [a.id, 200],
          [b.id, 409],
          [cancelled.id, 409],
        ]);
        const [first, missing, , refused, invalid] = res.body.results;
        expect(first.reservation).toMatchObject({ id: c.id, status: 'confirmed' });
        const single = await http().get(`/reservations/${c.id}`).auth(user.token, { type: 'bearer' });
        expect(first.reservation).toEqual(single.body);
        expect(missing.problem).toEqual({
          type: 'urn:exam-reservation:problem:not_found',
          title: 'Not found',
          status: 404,
          detail: expect.any(String),
          code: 'not_found',
        });
        expect(refused.problem).toMatchObject({ status: 409, code: 'capacity_exceeded' });
        expect(invalid.problem).toMatchObject({ status: 409, code: 'invalid_state' });
        const after = await http().get(`/reservations/${b.id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });

      it('rejects each id with the reason; a confirmed one gets 409, an unknown one 404', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(56);
        const a = await bookOk(user.token, D);
        const confirmed = await bookOk(user.token, D);
        await http()
          .post(`/reservations/${confirmed.id}/confirm`)
          .auth(admin.token, { type: 'bearer' })
          .expect(200);
        const res = await http()
          .post('/reservations/bulk/reject')
          .auth(admin.token, { type: 'bearer' })
          .send({ ids: [confirmed.id, a.id, 2_147_483_647], reason: 'exam moved' });
        expect(res.status).toBe(200);
        expect(
          res.body.results.map((r: { id: number; status: number; problem?: { code: string } }) => [
            r.id,
            r.status,
            r.problem?.code ?? null,
          ]),
        ).toEqual([
          [confirmed.id, 409, 'invalid_state'],
          [a.id, 200, null],
          [2_147_483_647, 404, 'not_found'],
        ]);
        expect(res.body.results[1].reservation).toMatchObject({ id: a.id, status: 'rejected' });
        const history = await http()
          .get(`/reservations/${a.id}/history`)
          .auth(admin.token, { type: 'bearer' });
        expect(history.body[1]).toMatchObject({
          type: 'rejected',
          reason: 'exam moved',
          actor_role: 'admin',
        });
      });

      it('is admin-only: 403 for users whatever the ids or the body, and nothing changes', async () => {
        const user = await signUp();
        const { id } = await bookOk(user.token, bookableDay(57));
        for (const path of ['/reservations/bulk/confirm', '/reservations/bulk/reject']) {
          for (const body of [{ ids: [id] }, { ids: [2_147_483_647] }, { nonsense: true }]) {
            expectProblem(
              await http().post(path).auth(user.token, { type: 'bearer' }).send(body),
              403,
              'forbidden',
            );
          }
        }
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });

      it.each([
        ['ids', {}],
        ['ids', { ids: [] }],
        ['ids', { ids: [1, 2, 1] }],
        ['ids', { ids: Array.from({ length: 1001 }, (_, i) => i + 1) }],
        ['ids.0', { ids: [0] }],
        ['ids.0', { ids: ['1'] }],
        ['ids.1', { ids: [1, 2.5] }],
        ['ids.0', { ids: [2_147_483_648] }],
        ['extra', { ids: [1], extra: 1 }],
        ['reason', { ids: [1], reason: '' }],
      ])('refuses a bad body (%s) with 400', async (path, body) => {
        const admin = await signUpAdmin();
        const target = path === 'reason' ? '/reservations/bulk/reject' : '/reservations/bulk/confirm';
        expectFieldError(await http().post(target).auth(admin.token, { type: 'bearer' }).send(body), path);
      });

      it('takes 1,000 distinct ids', async () => {
        const admin = await signUpAdmin();
        const ids = Array.from({ length: 1000 }, (_, i) => 2_000_000_000 + i);
        const res = await http()
          .post('/reservations/bulk/reject')
          .auth(admin.token, { type: 'bearer' })
          .send({ ids });
        expect(res.status).toBe(200);
        expect(res.body.results).toHaveLength(1000);
        expect(res.body.results.every((r: { status: number }) => r.status === 404)).toBe(true);
      });
    });

    describe('POST /reservations/admit', () => {
      it('confirms the pending ones of the range in creation order while they fit; the rest stay pending', async () => {
        const alice = await signUp();
        const bob = await signUp();
        const admin = await signUpAdmin();
        const D = bookableDay(58);
        const a = await bookOk(alice.token, D, '10:00', '11:00', 30_000);
        const b = await bookOk(bob.token, D, '10:30', '11:30', 30_000);
        const c = await bookOk(bob.token, D, '10:00', '10:30', 20_000);
        const nextDay = await bookOk(alice.token, bookableDay(59), '10:00', '11:00', 30_000);
        const res = await http()
          .post('/reservations/admit')
          .auth(admin.token, { type: 'bearer' })
          .send({ start: D, end: D });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ confirmed: 2, rejected: 0, left_pending: 1, complete: true });
        const status = async (id: number) =>
          (await http().get(`/reservations/${id}`).auth(admin.token, { type: 'bearer' })).body.status;
        expect([
          await status(a.id),
          await status(b.id),
          await status(c.id),
          await status(nextDay.id),
        ]).toEqual(['confirmed', 'pending', 'confirmed', 'pending']);
        const rejectRest = await http()
          .post('/reservations/admit')
          .auth(admin.token, { type: 'bearer' })
          .send({ start: D, end: D, reject_rest: true });
        expect(rejectRest.body).toEqual({ confirmed: 0, rejected: 1, left_pending: 0, complete: true });
        const history = await http().get(`/reservations/${b.id}/history`).auth(bob.token, { type: 'bearer' });
        expect(history.body.at(-1)).toMatchObject({
          type: 'rejected',
          reason: 'no capacity left',
          actor_id: admin.id,
          actor_role: 'admin',
        });
      });

      it('is admin-only: 403 for users, whatever the body', async () => {
        const user = await signUp();
        const D = bookableDay(60);
        const { id } = await bookOk(user.token, D);
        for (const body of [{ start: D, end: D }, { bogus: 1 }]) {
          expectProblem(
            await http().post('/reservations/admit').auth(user.token, { type: 'bearer' }).send(body),
            403,
            'forbidden',
          );
        }
        const after = await http().get(`/reservations/${id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });

      it.each([
        ['end', { start: '2026-12-01' }],
        ['end', { start: '2026-12-02', end: '2026-12-01' }],
        ['start', { start: '2026-02-30', end: '2026-03-01' }],
        ['end', { start: '2026-01-01', end: '2027-01-02' }],
        ['reject_rest', { start: '2026-12-01', end: '2026-12-01', reject_rest: 'yes' }],
        ['order', { start: '2026-12-01', end: '2026-12-01', order: 'desc' }],
      ])('refuses a bad body (%s) with 400', async (path, body) => {
        const admin = await signUpAdmin();
        expectFieldError(
          await http().post('/reservations/admit').auth(admin.token, { type: 'bearer' }).send(body),
          path,
        );
      });
    });

    describe('Idempotency-Key', () => {
      let keys = 0;
      const newKey = () => `key-${Date.now()}-${++keys}`;
      const D = bookableDay(61);
      const draft = (people = 100) => ({
        reservation_name: 'TOEIC',
        start: `${D} 10:00`,
        end: `${D} 11:00`,
        number_of_people: people,
      });
      const countOn = async (token: string) =>
        Number(
          (await http().get('/reservations').query({ start: D, end: D }).auth(token, { type: 'bearer' }))
            .headers['x-total-count'],
        );

      it('a repeated create gets the stored answer, marked Idempotent-Replayed, and creates nothing', async () => {
        const user = await signUp();
        const key = newKey();
        const first = await http()
          .post('/reservations')
          .auth(user.token, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send(draft());
        expect(first.status).toBe(201);
        expect(first.headers['idempotent-replayed']).toBeUndefined();
        expect(first.headers.location).toBe(`/reservations/${first.body.id}`);
        for (const spelling of [key, `"${key}"`]) {
          const again = await http()
            .post('/reservations')
            .auth(user.token, { type: 'bearer' })
            .set('Idempotency-Key', spelling)
            .send({
              number_of_people: 100,
              end: `${D} 11:00`,
              start: `${D} 10:00`,
              reservation_name: 'TOEIC',
            });
          expect(again.status).toBe(201);
          expect(again.headers['idempotent-replayed']).toBe('true');
          expect(again.headers.location).toBe(first.headers.location);
          expect(again.headers['content-type']).toBe(first.headers['content-type']);
          expect(again.text).toBe(first.text);
        }
        expect(await countOn(user.token)).toBe(1);
      });

      it('the same key with another body or path is 422 idempotency_key_reused; keys are per user', async () => {
        const user = await signUp();
        const other = await signUp();
        const admin = await signUpAdmin();
        const key = newKey();
        const created = await http()
          .post('/reservations')
          .auth(user.token, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send(draft());
        expect(created.status).toBe(201);
        expectProblem(
          await http()
            .post('/reservations')
            .auth(user.token, { type: 'bearer' })
            .set('Idempotency-Key', key)
            .send(draft(101)),
          422,
          'idempotency_key_reused',
        );
        expectProblem(
          await http()
            .post(`/reservations/${created.body.id}/cancel`)
            .auth(user.token, { type: 'bearer' })
            .set('Idempotency-Key', key),
          422,
          'idempotency_key_reused',
        );
        const theirs = await http()
          .post('/reservations')
          .auth(other.token, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send(draft(101));
        expect(theirs.status).toBe(201);
        expect(theirs.headers['idempotent-replayed']).toBeUndefined();
        const admins = await http()
          .post(`/reservations/${created.body.id}/confirm`)
          .auth(admin.token, { type: 'bearer' })
          .set('Idempotency-Key', key);
        expect(admins.status).toBe(200);
      });

      it.each([
        ['empty', ''],
        ['too long', 'k'.repeat(256)],
        ['a space', 'two words'],
        ['non-ASCII', 'caf\u00e9'],
        ['an empty quoted string', '""'],
        ['an unterminated quoted string', '"abc'],
        ['a bad escape', '"a\\b"'],
        ['a list', 'a, b'],
      ])('refuses a key that is %s with 400 and creates nothing', async (_label, key) => {
        const user = await signUp();
        const res = await http()
          .post('/reservations')
          .auth(user.token, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send(draft());
        expectFieldError(res, 'Idempotency-Key');
        expect(await countOn(user.token)).toBe(0);
      });

      it('takes 255 visible ASCII characters, and a quoted key with escapes', async () => {
        const user = await signUp();
        const long = '!'.repeat(200) + 'A~z"\\'.repeat(11);
        expect(long).toHaveLength(255);
        const first = await http()
          .post('/reservations')
          .auth(user.token, { type: 'bearer' })
          .set('Idempotency-Key', long)
          .send(draft());
        expect(first.status).toBe(201);
        const quoted = `"${long.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
        const again = await http()
          .post('/reservations')
          .auth(user.token, { type: 'bearer' })
          .set('Idempotency-Key', quoted)
          .send(draft());
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toEqual(first.body);
      });

      it('stores a refusal: the repeat gets the same 409, even once it would succeed', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const E = bookableDay(62);
        const blocker = await bookOk(user.token, E, '10:00', '11:00', 40_000);
        const waiting = await bookOk(user.token, E, '10:00', '11:00', 20_000);
        await http()
          .post(`/reservations/${blocker.id}/confirm`)
          .auth(admin.token, { type: 'bearer' })
          .expect(200);
        const key = newKey();
        const confirm = () =>
          http()
            .post(`/reservations/${waiting.id}/confirm`)
            .auth(admin.token, { type: 'bearer' })
            .set('Idempotency-Key', key);
        const first = await confirm();
        expectProblem(first, 409, 'capacity_exceeded');
        await http()
          .post(`/reservations/${blocker.id}/cancel`)
          .auth(admin.token, { type: 'bearer' })
          .expect(200);
        const again = await confirm();
        expectProblem(again, 409, 'capacity_exceeded');
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toEqual(first.body);
        const after = await http().get(`/reservations/${waiting.id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
      });

      it('keyed reject, cancel, bulk and admit replay their answers and change nothing more', async () => {
        const user = await signUp();
        const admin = await signUpAdmin();
        const E = bookableDay(63);
        const a = await bookOk(user.token, E, '10:00', '11:00', 30_000);
        const b = await bookOk(user.token, E, '10:00', '11:00', 30_000);
        const c = await bookOk(user.token, E, '12:00', '13:00', 10);
        const send = (path: string, token: string, key: string, body?: object) => {
          const req = http().post(path).auth(token, { type: 'bearer' }).set('Idempotency-Key', key);
          return body ? req.send(body) : req;
        };
        const calls: [string, string, object | undefined][] = [
          [`/reservations/${c.id}/cancel`, user.token, undefined],
          ['/reservations/admit', admin.token, { start: E, end: E }],
          [`/reservations/${b.id}/reject`, admin.token, { reason: 'sorry' }],
          ['/reservations/bulk/confirm', admin.token, { ids: [a.id, b.id] }],
          ['/reservations/bulk/reject', admin.token, { ids: [b.id, c.id] }],
        ];
        const firsts = [];
        for (const [path, token, body] of calls)
          firsts.push(await send(path, token, `${path}-${keys}`, body));
        expect(firsts.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
        expect(firsts[1]!.body).toEqual({ confirmed: 1, rejected: 0, left_pending: 1, complete: true });
        expect(firsts[3]!.body.results.map((r: { status: number }) => r.status)).toEqual([200, 409]);
        const late = await bookOk(user.token, E, '14:00', '15:00', 10);
        for (const [i, [path, token, body]] of calls.entries()) {
          const again = await send(path, token, `${path}-${keys}`, body);
          expect(again.status, path).toBe(firsts[i]!.status);
          expect(again.headers['idempotent-replayed'], path).toBe('true');
          expect(again.text, path).toBe(firsts[i]!.text);
        }
        const after = await http().get(`/reservations/${late.id}`).auth(user.token, { type: 'bearer' });
        expect(after.body.status).toBe('pending');
        const history = await http()
          .get(`/reservations/${b.id}/history`)
          .auth(admin.token, { type: 'bearer' });
        expect(history.body.map((e: { type: string }) => e.type)).toEqual(['created', 'rejected']);
      });

      it('a key is forgotten after IDEMPOTENCY_KEY_TTL_HOURS (24 by default)', async () => {
        const user = await signUp();
        const key = newKey();
        let token = user.token;
        const post = () =>
          http()
            .post('/reservations')
            .auth(token, { type: 'bearer' })
            .set('Idempotency-Key', key)
            .send(draft());
        expect((await post()).status).toBe(201);
        const start = app.clock.now();
        try {
          app.clock.advance(24 * 3_600_000 - 1);
          // Access tokens live an hour: sign in again at the new time.
          const login = await http().post('/users/login').send({ email: user.email, password: 'password-1' });
          token = login.body.access_token;
          const replay = await post();
          expect(replay.status).toBe(201);
          expect(replay.headers['idempotent-replayed']).toBe('true');
          app.clock.advance(1);
          const fresh = await post();
          expect(fresh.status).toBe(201);
          expect(fresh.headers['idempotent-replayed']).toBeUndefined();
          expect(fresh.body.id).not.toBe(replay.body.id);
        } finally {
          app.clock.set(start);
        }
        expect(await countOn(user.token)).toBe(2);
      });

      it('concurrent creates with one key make one reservation; the others replay it or are told it is in progress', async () => {
        const user = await signUp();
        const key = newKey();
        const answers = await Promise.all(
          Array.from({ length: 10 }, () =>
            http()
              .post('/reservations')
              .auth(user.token, { type: 'bearer' })
              .set('Idempotency-Key', key)
              .send(draft()),
          ),
        );
        const fresh = answers.filter(
          (r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined,
        );
        expect(fresh).toHaveLength(1);
        for (const r of answers) {
          if (r.status === 201) expect(r.body).toEqual(fresh[0]!.body);
          else expectProblem(r, 409, 'idempotency_in_progress');
        }
        expect(await countOn(user.token)).toBe(1);
      });
    });

    describe('query strings', () => {
      it('are refused on every route that takes none, naming the parameter, and nothing changes', async () => {
        const D = bookableDay(40);
        const user = await signUp('query');
        const admin = await signUpAdmin();
        const held = await bookOk(user.token, D);
        const fields = { reservation_name: 'Q', start: `${D} 12:00`, end: `${D} 13:00`, number_of_people: 5 };
        const asUser = (req: request.Test) => req.auth(user.token, { type: 'bearer' });
        const asAdmin = (req: request.Test) => req.auth(admin.token, { type: 'bearer' });
        const requests: [string, () => request.Test][] = [
          [
            'POST /users/register',
            () =>
              http()
                .post('/users/register?x=1')
                .send({ email: email('q'), password: 'password-1', user_name: 'Q' }),
          ],
          [
            'POST /users/login',
            () => http().post('/users/login?x=1').send({ email: user.email, password: 'password-1' }),
          ],
          ['GET /users/me', () => asUser(http().get('/users/me?x=1'))],
          ['POST /reservations', () => asUser(http().post('/reservations?x=1')).send(fields)],
          ['GET /reservations/{id}', () => asUser(http().get(`/reservations/${held.id}?x=1`))],
          [
            'GET /reservations/{id}/history',
            () => asUser(http().get(`/reservations/${held.id}/history?x=1`)),
          ],
          [
            'PATCH /reservations/{id}',
            () => asUser(http().patch(`/reservations/${held.id}?x=1`)).send({ number_of_people: 7 }),
          ],
          [
            'POST /reservations/{id}/confirm',
            () => asAdmin(http().post(`/reservations/${held.id}/confirm?x=1`)),
          ],
          [
            'POST /reservations/{id}/reject',
            () => asAdmin(http().post(`/reservations/${held.id}/reject?x=1`)).send({}),
          ],
          [
            'POST /reservations/{id}/cancel',
            () => asUser(http().post(`/reservations/${held.id}/cancel?x=1`)),
          ],
          ['DELETE /reservations/{id}', () => asUser(http().delete(`/reservations/${held.id}?x=1`))],
          [
            'POST /reservations/bulk/confirm',
            () => asAdmin(http().post('/reservations/bulk/confirm?x=1')).send({ ids: [held.id] }),
          ],
          [
            'POST /reservations/bulk/reject',
            () => asAdmin(http().post('/reservations/bulk/reject?x=1')).send({ ids: [held.id] }),
          ],
          [
            'POST /reservations/admit',
            () => asAdmin(http().post('/reservations/admit?x=1')).send({ start: D, end: D }),
          ],
          [
            'POST /webhooks',
            () =>
              asAdmin(http().post('/webhooks?x=1')).send({
                url: 'https://hooks.example.com/x',
                events: ['reservation.confirmed'],
              }),
          ],
          ['GET /webhooks', () => asAdmin(http().get('/webhooks?x=1'))],
          ['DELETE /webhooks/{id}', () => asAdmin(http().delete('/webhooks/1?x=1'))],
        ];
        for (const [route, send] of requests) {
          const res = await send();
          expect(res.status, route).toBe(400);
          expect(res.body.errors, route).toEqual([{ path: 'x', message: 'unknown query parameter' }]);
        }
        const after = await http()
          .get(`/reservations/${held.id}/history`)
          .auth(user.token, { type: 'bearer' });
        expect(after.body).toHaveLength(1);
        const mine = await http().get('/reservations').auth(user.token, { type: 'bearer' });
        expect(mine.headers['x-total-count']).toBe('1');
        // An empty query string is no parameter.
        expect((await asUser(http().get(`/reservations/${held.id}?`))).status).toBe(200);
      });
    });

    describe('webhook endpoints', () => {
      it('never holds more than 100, even when many are created at once', async () => {
        const admin = await signUpAdmin();
        const asAdmin = (req: request.Test) => req.auth(admin.token, { type: 'bearer' });
        const before = (await asAdmin(http().get('/webhooks'))).body.length as number;
        const created = await Promise.all(
          Array.from({ length: 110 - before }, (_, i) =>
            asAdmin(http().post('/webhooks')).send({
              url: `https://hooks.example.com/${i}`,
              events: ['reservation.confirmed'],
            }),
          ),
        );
        expect(created.filter((res) => res.status === 201)).toHaveLength(100 - before);
        for (const res of created.filter((r) => r.status !== 201)) expectProblem(res, 409, 'conflict');
        const listed = (await asAdmin(http().get('/webhooks'))).body as { id: number }[];
        expect(listed).toHaveLength(100);
        for (const res of created.filter((r) => r.status === 201)) {
          expect((await asAdmin(http().delete(`/webhooks/${res.body.id}`))).status).toBe(204);
        }
      });
    });

    describe('service routes', () => {
      it('GET /healthz and /readyz answer 200', async () => {
        expect((await http().get('/healthz')).body).toEqual({ status: 'ok' });
        expect((await http().get('/readyz')).status).toBe(200);
      });

      it('serves the OpenAPI document and Swagger UI', async () => {
        const doc = await http().get('/openapi.json');
        expect(doc.status).toBe(200);
        expect(doc.body.openapi).toBe('3.1.0');
        const bare = await http().get('/api-docs');
        expect(bare.status).toBe(301);
        expect(bare.headers.location).toBe('/api-docs/');
        const ui = await http().get('/api-docs/');
        expect(ui.status).toBe(200);
        expect(ui.text).toContain('swagger-ui');
      });

      it('answers unknown routes with a 404 problem', async () => {
        expectProblem(await http().get('/nope'), 404, 'not_found');
      });
    });
  });
}
