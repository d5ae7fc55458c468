import type request from 'supertest';
import { describe, expect, it } from 'vitest';
import { expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** The webhook endpoints. */
export function describeWebhooks(makeStore: MakeStore): void {
  describe('webhook endpoints', () => {
    const { http, signUpAdmin } = useHttpApi(makeStore);

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
}
