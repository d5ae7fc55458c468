import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** The Idempotency-Key header, on every action that takes it. */
export function describeIdempotency(makeStore: MakeStore): void {
  describe('Idempotency-Key', () => {
    const { http, app, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

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

    it('a request refused before it is processed leaves its key unused; a refusal of the rules is stored', async () => {
      const user = await signUp();
      const key = newKey();
      const create = (body: object) =>
        http()
          .post('/reservations')
          .auth(user.token, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send(body);
      // Refused by the route's schema, before the key is claimed: the corrected request may use it.
      const malformed = await create({ ...draft(), number_of_people: 0 });
      expectProblem(malformed, 400, 'validation_error');
      expect(malformed.headers['idempotent-replayed']).toBeUndefined();
      const created = await create(draft());
      expect(created.status).toBe(201);
      expect(created.headers['idempotent-replayed']).toBeUndefined();
      // Refused by the booking rules (the lead time) while processing: stored and replayed.
      const late = newKey();
      const past = { ...draft(), start: '2020-01-06 10:00', end: '2020-01-06 11:00' };
      const send = () =>
        http()
          .post('/reservations')
          .auth(user.token, { type: 'bearer' })
          .set('Idempotency-Key', late)
          .send(past);
      const first = await send();
      expectProblem(first, 400, 'validation_error');
      const again = await send();
      expect(again.status).toBe(400);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await countOn(user.token)).toBe(1);
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
      for (const [path, token, body] of calls) firsts.push(await send(path, token, `${path}-${keys}`, body));
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
      const history = await http().get(`/reservations/${b.id}/history`).auth(admin.token, { type: 'bearer' });
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
      const start = app().clock.now();
      try {
        app().clock.advance(24 * 3_600_000 - 1);
        // Access tokens live an hour: sign in again at the new time.
        const login = await http().post('/users/login').send({ email: user.email, password: 'password-1' });
        token = login.body.access_token;
        const replay = await post();
        expect(replay.status).toBe(201);
        expect(replay.headers['idempotent-replayed']).toBe('true');
        app().clock.advance(1);
        const fresh = await post();
        expect(fresh.status).toBe(201);
        expect(fresh.headers['idempotent-replayed']).toBeUndefined();
        expect(fresh.body.id).not.toBe(replay.body.id);
      } finally {
        app().clock.set(start);
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
      const fresh = answers.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
      expect(fresh).toHaveLength(1);
      for (const r of answers) {
        if (r.status === 201) expect(r.body).toEqual(fresh[0]!.body);
        else expectProblem(r, 409, 'idempotency_in_progress');
      }
      expect(await countOn(user.token)).toBe(1);
    });
  });
}
