import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** POST /reservations/admit. */
export function describeAdmission(makeStore: MakeStore): void {
  describe('POST /reservations/admit', () => {
    const { http, signUp, signUpAdmin, bookOk, store } = useHttpApi(makeStore);

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
      expect([await status(a.id), await status(b.id), await status(c.id), await status(nextDay.id)]).toEqual([
        'confirmed',
        'pending',
        'confirmed',
        'pending',
      ]);
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

    /** What an admission could change, as the API and the store show it: statuses, histories, the outbox. */
    async function observe(token: string, ids: readonly number[]) {
      const seen = [];
      for (const id of ids) {
        const reservation = await http().get(`/reservations/${id}`).auth(token, { type: 'bearer' });
        const history = await http().get(`/reservations/${id}/history`).auth(token, { type: 'bearer' });
        seen.push({ id, status: reservation.body.status, history: history.body.length });
      }
      const outbox = await store().uow.read((s) => s.outbox.depth(0));
      return { seen, outbox: outbox.pending };
    }

    it.each([false, true])(
      'dry_run answers what the run right after it does and changes nothing (reject_rest %s)',
      async (rejectRest) => {
        const alice = await signUp();
        const admin = await signUpAdmin();
        const hook = await http()
          .post('/webhooks')
          .auth(admin.token, { type: 'bearer' })
          .send({
            url: 'https://hooks.example.com/dry',
            events: ['reservation.confirmed', 'reservation.rejected'],
          });
        expect(hook.status).toBe(201);
        const D = bookableDay(rejectRest ? 65 : 64);
        // The window does not fit everyone: 50,000 a slot.
        const ids = [];
        for (const [from, to, people] of [
          ['10:00', '11:00', 30_000],
          ['10:30', '11:30', 30_000],
          ['10:00', '10:30', 20_000],
          ['10:50', '11:10', 25_000],
          ['11:00', '12:00', 20_000],
        ] as const) {
          ids.push((await bookOk(alice.token, D, from, to, people)).id);
        }
        const admit = (extra: Record<string, unknown>) =>
          http()
            .post('/reservations/admit')
            .auth(admin.token, { type: 'bearer' })
            .send({ start: D, end: D, reject_rest: rejectRest, ...extra });
        const before = await observe(admin.token, ids);
        const dry = await admit({ dry_run: true });
        expect(dry.status).toBe(200);
        expect(dry.headers['content-type']).toMatch(/^application\/json/);
        expect(dry.body).toEqual({
          confirmed: 3,
          rejected: rejectRest ? 2 : 0,
          left_pending: rejectRest ? 0 : 2,
          complete: true,
        });
        expect(await observe(admin.token, ids)).toEqual(before);
        expect((await admit({ dry_run: false })).body).toEqual(dry.body);
        const after = await observe(admin.token, ids);
        expect(after.seen.map((r) => r.status)).toEqual([
          'confirmed',
          rejectRest ? 'rejected' : 'pending',
          'confirmed',
          rejectRest ? 'rejected' : 'pending',
          'confirmed',
        ]);
        // The real run left history and webhooks behind, which the dry run did not.
        expect(after.outbox - before.outbox).toBe(rejectRest ? 5 : 3);
        // Over the queue as the run left it, a dry run and a run agree again.
        const again = await admit({ dry_run: true });
        expect(again.body).toEqual({
          confirmed: 0,
          rejected: 0,
          left_pending: rejectRest ? 0 : 2,
          complete: true,
        });
        expect((await admit({})).body).toEqual(again.body);
        await http().delete(`/webhooks/${hook.body.id}`).auth(admin.token, { type: 'bearer' }).expect(204);
      },
    );

    it('a dry run ignores the Idempotency-Key: it neither stores nor replays, and the run with that key runs', async () => {
      const alice = await signUp();
      const admin = await signUpAdmin();
      const D = bookableDay(66);
      const a = await bookOk(alice.token, D, '10:00', '11:00', 40_000);
      const b = await bookOk(alice.token, D, '10:00', '11:00', 20_000);
      const admit = (body: Record<string, unknown>) =>
        http()
          .post('/reservations/admit')
          .auth(admin.token, { type: 'bearer' })
          .set('Idempotency-Key', 'admit-dry-66')
          .send({ start: D, end: D, ...body });
      const before = await observe(admin.token, [a.id, b.id]);
      for (let i = 0; i < 2; i++) {
        const dry = await admit({ dry_run: true });
        expect(dry.status).toBe(200);
        expect(dry.headers['idempotent-replayed']).toBeUndefined();
        expect(dry.body).toEqual({ confirmed: 1, rejected: 0, left_pending: 1, complete: true });
      }
      expect(await observe(admin.token, [a.id, b.id])).toEqual(before);
      // Had the dry run stored its answer, this other body with the key would be 422; it runs.
      const real = await admit({ reject_rest: true });
      expect(real.status).toBe(200);
      expect(real.headers['idempotent-replayed']).toBeUndefined();
      expect(real.body).toEqual({ confirmed: 1, rejected: 1, left_pending: 0, complete: true });
      expect((await observe(admin.token, [a.id, b.id])).seen.map((r) => r.status)).toEqual([
        'confirmed',
        'rejected',
      ]);
      // The run's answer is stored and replayed; a dry run with the key still answers afresh.
      const replay = await admit({ reject_rest: true });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(real.body);
      const dryAfter = await admit({ reject_rest: true, dry_run: true });
      expect(dryAfter.status).toBe(200);
      expect(dryAfter.headers['idempotent-replayed']).toBeUndefined();
      expect(dryAfter.body).toEqual({ confirmed: 0, rejected: 0, left_pending: 0, complete: true });
      // A malformed key is bad input on a dry run too, as on every route.
      for (const bad of ['', 'has space', 'café', 'x'.repeat(256), '"unterminated']) {
        const refused = await http()
          .post('/reservations/admit')
          .auth(admin.token, { type: 'bearer' })
          .set('Idempotency-Key', bad)
          .send({ start: D, end: D, dry_run: true });
        expectProblem(refused, 400, 'validation_error');
      }
    });

    it('is admin-only: 403 for users, whatever the body', async () => {
      const user = await signUp();
      const D = bookableDay(60);
      const { id } = await bookOk(user.token, D);
      for (const body of [{ start: D, end: D }, { bogus: 1 }, { start: D, end: D, dry_run: true }]) {
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
      ['dry_run', { start: '2026-12-01', end: '2026-12-01', dry_run: 'yes' }],
      ['dry_run', { start: '2026-12-01', end: '2026-12-01', dry_run: 1 }],
      ['dry_run', { start: '2026-12-01', end: '2026-12-01', dry_run: null }],
      ['order', { start: '2026-12-01', end: '2026-12-01', order: 'desc' }],
    ])('refuses a bad body (%s) with 400', async (path, body) => {
      const admin = await signUpAdmin();
      expectFieldError(
        await http().post('/reservations/admit').auth(admin.token, { type: 'bearer' }).send(body),
        path,
      );
    });
  });
}
