import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET } from '../test-app.js';
import { bookableDay, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** Bearer tokens: GET /users/me and what a token must be to be let in. */
export function describeBearerTokens(makeStore: MakeStore): void {
  describe('bearer tokens', () => {
    const { http, app, signUp, bookOk } = useHttpApi(makeStore);

    const sign = (payload: Record<string, unknown>, secret = TEST_JWT_SECRET) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('exam-reservation')
        .setAudience('exam-reservation-api')
        .setIssuedAt(Math.floor(app().clock.now() / 1000))
        .setExpirationTime(Math.floor(app().clock.now() / 1000) + 60)
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
      const res = await http().get('/users/me').auth(`${header}.${payload}.${signature}`, { type: 'bearer' });
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
      const issuedAt = app().clock.now();
      app().clock.advance(3601_000);
      try {
        expectProblem(await http().get('/users/me').auth(token, { type: 'bearer' }), 401, 'unauthorized');
      } finally {
        app().clock.set(issuedAt);
      }
      expect((await http().get('/users/me').auth(token, { type: 'bearer' })).status).toBe(200);
    });

    it('reads the role from the store on each request, not from the token', async () => {
      const { token, email: address } = await signUp('promoted');
      const owner = await signUp('owner');
      const { id } = await bookOk(owner.token, bookableDay(40));
      const before = await http().post(`/reservations/${id}/confirm`).auth(token, { type: 'bearer' });
      expectProblem(before, 403, 'forbidden');
      await app().ensureAdmin.execute({ email: address, password: 'password-1' });
      const after = await http().post(`/reservations/${id}/confirm`).auth(token, { type: 'bearer' });
      expect(after.status).toBe(200);
      expect(after.body.status).toBe('confirmed');
    });
  });
}
