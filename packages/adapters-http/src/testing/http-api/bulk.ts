import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** POST /reservations/bulk/confirm and /bulk/reject. */
export function describeBulk(makeStore: MakeStore): void {
  describe('POST /reservations/bulk/confirm and /bulk/reject', () => {
    const { http, signUp, signUpAdmin, bookOk } = useHttpApi(makeStore);

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
      const history = await http().get(`/reservations/${a.id}/history`).auth(admin.token, { type: 'bearer' });
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
}
