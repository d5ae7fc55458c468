import { describe, expect, it } from 'vitest';
import {
  bookableDay,
  expectFieldError,
  expectProblem,
  type MakeStore,
  postFrom,
  useHttpApi,
} from './fixtures.js';

const USER_FIELDS = ['created_at', 'email', 'id', 'role', 'user_name'];
const NO_SUCH_ID = 2_147_483_647;

/** Accounts for admins (GET /users, PATCH /users/{id}, POST /users/{id}/unlock) and POST /users/me/password. */
export function describeUsersAdmin(makeStore: MakeStore): void {
  describe('GET /users (admin)', () => {
    const { http, signUp, signUpAdmin } = useHttpApi(makeStore);

    it('pages every account by id with X-Total-Count and Link, never a password hash', async () => {
      const admin = await signUpAdmin();
      for (let i = 0; i < 4; i++) await signUp('listed');
      const all = await http().get('/users').query({ limit: 100 }).auth(admin.token, { type: 'bearer' });
      expect(all.status).toBe(200);
      const total = Number(all.headers['x-total-count']);
      expect(total).toBe(all.body.length);
      expect(total).toBeGreaterThanOrEqual(5);
      const ids = all.body.map((u: { id: number }) => u.id);
      expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
      for (const user of all.body) expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
      expect(JSON.stringify(all.body)).not.toMatch(/password|hash|fake:|token/);
      expect(all.headers['cache-control']).toBe('no-store');

      const second = await http().get('/users?limit=2&page=2').auth(admin.token, { type: 'bearer' });
      expect(second.status).toBe(200);
      expect(second.body).toEqual(all.body.slice(2, 4));
      expect(second.headers['x-total-count']).toBe(String(total));
      const last = Math.ceil(total / 2);
      expect(second.headers.link).toBe(
        [
          '</users?limit=2&page=1>; rel="first"',
          '</users?limit=2&page=1>; rel="prev"',
          ...(last > 2 ? ['</users?limit=2&page=3>; rel="next"'] : []),
          `</users?limit=2&page=${last}>; rel="last"`,
        ].join(', '),
      );
      // Past the end: an empty page, the total still told.
      const past = await http().get('/users?page=999').auth(admin.token, { type: 'bearer' });
      expect(past.status).toBe(200);
      expect(past.body).toEqual([]);
      expect(past.headers['x-total-count']).toBe(String(total));
    });

    it('filters by e-mail (whatever its case) and by role, keeping the filters in the Link targets', async () => {
      const admin = await signUpAdmin();
      const user = await signUp('findme');
      const byEmail = await http()
        .get('/users')
        .query({ email: `  ${user.email.toUpperCase()}` })
        .auth(admin.token, { type: 'bearer' });
      expect(byEmail.status).toBe(200);
      expect(byEmail.body).toEqual([
        { id: user.id, email: user.email, user_name: 'findme', role: 'user', created_at: expect.any(String) },
      ]);
      expect(byEmail.headers['x-total-count']).toBe('1');
      const nobody = await http()
        .get('/users')
        .query({ email: 'nobody@example.com' })
        .auth(admin.token, { type: 'bearer' });
      expect(nobody.body).toEqual([]);
      expect(nobody.headers['x-total-count']).toBe('0');

      const admins = await http().get('/users?role=admin&limit=1').auth(admin.token, { type: 'bearer' });
      expect(admins.status).toBe(200);
      expect(admins.body).toHaveLength(1);
      expect(admins.body[0].role).toBe('admin');
      expect(admins.headers.link).toContain('</users?role=admin&limit=1&page=1>; rel="first"');
      const everyAdmin = await http()
        .get('/users?role=admin&limit=100')
        .auth(admin.token, { type: 'bearer' });
      expect(everyAdmin.body.map((u: { id: number }) => u.id)).toContain(admin.id);
      expect(everyAdmin.body.every((u: { role: string }) => u.role === 'admin')).toBe(true);
      const users = await http().get('/users?role=user&limit=100').auth(admin.token, { type: 'bearer' });
      expect(users.body.map((u: { id: number }) => u.id)).toContain(user.id);
      expect(users.body.every((u: { role: string }) => u.role === 'user')).toBe(true);
    });

    it.each([
      ['role', 'role=root'],
      ['role', 'role=user&role=admin'],
      ['page', 'page=0'],
      ['limit', 'limit=101'],
      ['limit', 'limit=x'],
      ['email', 'email='],
      ['email', 'email=not-an-address'],
      ['email', 'email=%20%E3%80%80'],
      ['email', 'email=a%1Fb%40example.com'],
      ['limit', 'limit=2%0A'],
      ['sort', 'sort=email'],
    ])('refuses a bad %s (%s) with 400 naming it', async (path, query) => {
      const admin = await signUpAdmin();
      const res = await http().get(`/users?${query}`).auth(admin.token, { type: 'bearer' });
      expectFieldError(res, path);
    });

    it('is for admins: 401 without a token, 403 for a user (even with bad parameters)', async () => {
      const user = await signUp('nosy');
      expectProblem(await http().get('/users'), 401, 'unauthorized');
      expectProblem(await http().get('/users').auth(user.token, { type: 'bearer' }), 403, 'forbidden');
      expectProblem(await http().get('/users?page=0').auth(user.token, { type: 'bearer' }), 403, 'forbidden');
    });
  });

  describe('PATCH /users/{id} (admin)', () => {
    const { http, signUp, signUpAdmin } = useHttpApi(makeStore);
    const patch = (token: string, id: number | string, body: unknown) =>
      http()
        .patch(`/users/${id}`)
        .auth(token, { type: 'bearer' })
        .send(body as object);

    it('never leaves zero admins: the last admin cannot demote itself (409 last_admin), one of two can', async () => {
      // The first test of this store: `admin` is its only admin.
      const admin = await signUpAdmin();
      const self = await patch(admin.token, admin.id, { role: 'user' });
      expectProblem(self, 409, 'last_admin');
      const other = await signUp('heir');
      const promoted = await patch(admin.token, other.id, { role: 'admin' });
      expect(promoted.status).toBe(200);
      expect(promoted.body).toEqual({
        id: other.id,
        email: other.email,
        user_name: 'heir',
        role: 'admin',
        created_at: expect.any(String),
      });
      // The role is read on every request: the heir's token opens admin routes at once.
      expect((await http().get('/users').auth(other.token, { type: 'bearer' })).status).toBe(200);
      const stepDown = await patch(admin.token, admin.id, { role: 'user' });
      expect(stepDown.status).toBe(200);
      expect(stepDown.body.role).toBe('user');
      // Now the heir is the last admin, and the former admin is a user.
      expectProblem(await patch(other.token, other.id, { role: 'user' }), 409, 'last_admin');
      expectProblem(await patch(admin.token, other.id, { role: 'user' }), 403, 'forbidden');
      const admins = await http().get('/users?role=admin').auth(other.token, { type: 'bearer' });
      expect(admins.body.map((u: { id: number }) => u.id)).toEqual([other.id]);
      // Back as it was, for the other tests: the original admin is an admin again.
      expect((await patch(other.token, admin.id, { role: 'admin' })).status).toBe(200);
    });

    it('two admins demoting each other at the same moment leave one admin', async () => {
      for (let round = 0; round < 5; round++) {
        const a = await signUpAdmin();
        const b = await signUpAdmin();
        // Every other admin steps down first (one at a time), so a and b are the only two.
        const listed = await http().get('/users?role=admin&limit=100').auth(a.token, { type: 'bearer' });
        for (const { id } of listed.body as { id: number }[]) {
          if (id !== a.id && id !== b.id)
            expect((await patch(a.token, id, { role: 'user' })).status).toBe(200);
        }
        const [ab, ba] = await Promise.all([
          patch(a.token, b.id, { role: 'user' }),
          patch(b.token, a.id, { role: 'user' }),
        ]);
        // One wins; the other finds itself the last admin (409), or, when the winner's change was
        // in before its own request was authenticated, no longer an admin at all (403).
        expect([ab.status, ba.status].filter((s) => s === 200)).toHaveLength(1);
        const loser = ab.status === 200 ? ba : ab;
        expect([409, 403]).toContain(loser.status);
        expect(loser.body.code).toBe(loser.status === 409 ? 'last_admin' : 'forbidden');
        const survivor = ab.status === 200 ? a : b;
        const admins = await http().get('/users?role=admin').auth(survivor.token, { type: 'bearer' });
        expect(admins.body.map((u: { id: number }) => u.id)).toEqual([survivor.id]);
      }
    });

    it('giving an account the role it has changes nothing (200)', async () => {
      const admin = await signUpAdmin();
      const user = await signUp('same');
      const res = await patch(admin.token, user.id, { role: 'user' });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('user');
    });

    it('answers 404 for an unknown id, 400 for a bad id or body, 403 for a user, 401 without a token', async () => {
      const admin = await signUpAdmin();
      const user = await signUp('plain');
      expectProblem(await patch(admin.token, NO_SUCH_ID, { role: 'admin' }), 404, 'not_found');
      expectFieldError(await patch(admin.token, 'abc', { role: 'admin' }), 'id');
      expectFieldError(await patch(admin.token, '01', { role: 'admin' }), 'id');
      expectFieldError(await patch(admin.token, 'me', { role: 'admin' }), 'id');
      expectFieldError(await patch(admin.token, user.id, { role: 'root' }), 'role');
      expectFieldError(await patch(admin.token, user.id, {}), 'role');
      expectFieldError(await patch(admin.token, user.id, { role: 'admin', email: 'x@example.com' }), 'email');
      expectProblem(await patch(user.token, user.id, { role: 'admin' }), 403, 'forbidden');
      expectProblem(await patch(user.token, NO_SUCH_ID, { role: 'admin' }), 403, 'forbidden');
      expectProblem(await http().patch(`/users/${user.id}`).send({ role: 'admin' }), 401, 'unauthorized');
      const me = await http().get('/users/me').auth(user.token, { type: 'bearer' });
      expect(me.body.role).toBe('user');
    });
  });

  describe('POST /users/{id}/unlock (admin)', () => {
    const { http, app, signUp, signUpAdmin } = useHttpApi(makeStore);
    const logInFrom = (address: string, email: string, password: string) =>
      postFrom(address, app().url, '/users/login', { email, password });

    it('clears the account’s log-in throttling from every address: a throttled owner logs in again', async () => {
      const admin = await signUpAdmin();
      const user = await signUp('locked');
      for (const address of ['127.0.0.1', '127.0.0.2']) {
        for (let i = 0; i < 5; i++)
          expect((await logInFrom(address, user.email, `guess-${i}xx`)).status).toBe(401);
        const limited = await logInFrom(address, user.email, 'password-1');
        expect(limited.status).toBe(429);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      }
      const unlocked = await http().post(`/users/${user.id}/unlock`).auth(admin.token, { type: 'bearer' });
      expect(unlocked.status).toBe(204);
      expect(unlocked.text).toBe('');
      for (const address of ['127.0.0.1', '127.0.0.2'])
        expect((await logInFrom(address, user.email, 'password-1')).status).toBe(200);
    });

    it('leaves other accounts’ counts as they are', async () => {
      const admin = await signUpAdmin();
      const other = await signUp('still-locked');
      const user = await signUp('unlocked');
      for (let i = 0; i < 5; i++)
        expect((await logInFrom('127.0.0.4', other.email, `g-${i}xxxxx`)).status).toBe(401);
      const res = await http()
        .post(`/users/${user.id}/unlock`)
        .auth(admin.token, { type: 'bearer' })
        .send({});
      expect(res.status).toBe(204);
      expect((await logInFrom('127.0.0.4', other.email, 'password-1')).status).toBe(429);
    });

    it('answers 404 for an unknown id, 400 for a body with fields, 403 for a user, 401 without a token', async () => {
      const admin = await signUpAdmin();
      const user = await signUp('u');
      expectProblem(
        await http().post(`/users/${NO_SUCH_ID}/unlock`).auth(admin.token, { type: 'bearer' }),
        404,
        'not_found',
      );
      expectFieldError(
        await http()
          .post(`/users/${user.id}/unlock`)
          .auth(admin.token, { type: 'bearer' })
          .send({ all: true }),
        'all',
      );
      expectFieldError(await http().post('/users/x/unlock').auth(admin.token, { type: 'bearer' }), 'id');
      expectProblem(
        await http().post(`/users/${user.id}/unlock`).auth(user.token, { type: 'bearer' }),
        403,
        'forbidden',
      );
      expectProblem(await http().post(`/users/${user.id}/unlock`), 401, 'unauthorized');
    });
  });

  describe('POST /users/me/password', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);
    const change = (token: string, body: unknown) =>
      http()
        .post('/users/me/password')
        .auth(token, { type: 'bearer' })
        .send(body as object);
    const D = bookableDay(40);

    /** The answers of the routes a token opens, in the order they are tried. */
    async function statuses(token: string): Promise<number[]> {
      const auth = { type: 'bearer' } as const;
      return [
        (await http().get('/users/me').auth(token, auth)).status,
        (await http().get('/reservations').auth(token, auth)).status,
        (await http().get('/reservations/schedules').query({ start: D, end: D }).auth(token, auth)).status,
        (
          await http()
            .post('/reservations')
            .auth(token, auth)
            .send({ reservation_name: 'T', start: `${D} 09:00`, end: `${D} 10:00`, number_of_people: 1 })
        ).status,
      ];
    }

    it('204; afterwards every token issued before is refused on every route (schedules included), and the new password logs in', async () => {
      const user = await signUp('changer');
      const second = await http().post('/users/login').send({ email: user.email, password: 'password-1' });
      expect(second.status).toBe(200);
      await bookOk(user.token, D, '10:00', '11:00', 1);
      // Both tokens work, and the schedule is served to them (twice: its cache and its shortcuts warm).
      expect(await statuses(user.token)).toEqual([200, 200, 200, 201]);
      expect(await statuses(second.body.access_token)).toEqual([200, 200, 200, 201]);
      const res = await change(user.token, { current_password: 'password-1', new_password: 'password-2' });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      for (const token of [user.token, second.body.access_token]) {
        expect(await statuses(token)).toEqual([401, 401, 401, 401]);
        const refused = await http().get('/users/me').auth(token, { type: 'bearer' });
        expectProblem(refused, 401, 'unauthorized');
        expect(refused.headers['www-authenticate']).toBe('Bearer');
      }
      // The old password no longer logs in; the new one does, and its token works everywhere.
      const old = await http().post('/users/login').send({ email: user.email, password: 'password-1' });
      expectProblem(old, 401, 'unauthorized');
      const fresh = await http().post('/users/login').send({ email: user.email, password: 'password-2' });
      expect(fresh.status).toBe(200);
      expect(await statuses(fresh.body.access_token)).toEqual([200, 200, 200, 201]);
      // A second change refuses the tokens of the first one's log-in too.
      expect(
        (
          await change(fresh.body.access_token, {
            current_password: 'password-2',
            new_password: 'password-3',
          })
        ).status,
      ).toBe(204);
      expect(await statuses(fresh.body.access_token)).toEqual([401, 401, 401, 401]);
    });

    it('a wrong current password is 401, keeps the token, and counts as a failed log-in: 429 with Retry-After past the limit', async () => {
      const admin = await signUpAdmin();
      const user = await signUp('forgetful');
      for (let i = 0; i < 3; i++) {
        const wrong = await change(user.token, {
          current_password: `wrong-${i}xxx`,
          new_password: 'password-9',
        });
        expectProblem(wrong, 401, 'unauthorized');
        expect(wrong.body.detail).toBe('wrong current password');
      }
      expect((await http().get('/users/me').auth(user.token, { type: 'bearer' })).status).toBe(200);
      // Log-ins and password changes share the count: 3 + 2 = 5 failures of the account from this address.
      for (let i = 0; i < 2; i++)
        expect(
          (
            await http()
              .post('/users/login')
              .send({ email: user.email, password: `g-${i}xxxxx` })
          ).status,
        ).toBe(401);
      const limited = await change(user.token, {
        current_password: 'password-1',
        new_password: 'password-9',
      });
      expectProblem(limited, 429, 'rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const login = await http().post('/users/login').send({ email: user.email, password: 'password-1' });
      expectProblem(login, 429, 'rate_limited');
      // An admin's unlock lets the owner change it again.
      expect(
        (await http().post(`/users/${user.id}/unlock`).auth(admin.token, { type: 'bearer' })).status,
      ).toBe(204);
      expect(
        (await change(user.token, { current_password: 'password-1', new_password: 'password-9' })).status,
      ).toBe(204);
    });

    it.each([
      ['new_password', { current_password: 'password-1', new_password: 'short' }],
      ['new_password', { current_password: 'password-1', new_password: 'x'.repeat(129) }],
      ['new_password', { current_password: 'password-1' }],
      ['current_password', { new_password: 'password-2' }],
      ['current_password', { current_password: 1, new_password: 'password-2' }],
      ['role', { current_password: 'password-1', new_password: 'password-2', role: 'admin' }],
    ])('refuses a bad %s with 400 naming it, and changes nothing', async (path, body) => {
      const user = await signUp('bad-body');
      expectFieldError(await change(user.token, body), path);
      expect((await http().get('/users/me').auth(user.token, { type: 'bearer' })).status).toBe(200);
    });

    it('needs a valid token (401), and refuses query parameters (400)', async () => {
      expectProblem(
        await http()
          .post('/users/me/password')
          .send({ current_password: 'password-1', new_password: 'password-2' }),
        401,
        'unauthorized',
      );
      const user = await signUp('q');
      expectFieldError(
        await http()
          .post('/users/me/password?force=1')
          .auth(user.token, { type: 'bearer' })
          .send({ current_password: 'password-1', new_password: 'password-2' }),
        'force',
      );
    });
  });
}
