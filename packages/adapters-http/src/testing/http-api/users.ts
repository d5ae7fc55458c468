import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../test-app.js';
import { expectFieldError, expectProblem, type MakeStore, postFrom, useHttpApi } from './fixtures.js';

/** Signing up and logging in: POST /users/register and POST /users/login. */
export function describeUsers(makeStore: MakeStore): void {
  describe('POST /users/register', () => {
    const { http, email, signUp } = useHttpApi(makeStore);

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
    const { http, store, email, signUp } = useHttpApi(makeStore);

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
      const own = await startTestApp(store().uow);
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
      const own = await startTestApp(store().uow);
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
}
