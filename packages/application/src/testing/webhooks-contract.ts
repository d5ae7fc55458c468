import type { Reservation } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import type {
  ClaimedDelivery,
  ClaimRequest,
  DeliverySettlement,
  ReservationEventType,
  UnitOfWork,
  WebhookEventType,
} from '../ports/index.js';
import { draft, type MakeStore, seedReservations, seedUser, T0 } from './fixtures.js';

const SECOND = 1000;
const LEASE = 30 * SECOND;

async function setUp(makeStore: MakeStore) {
  const uow = await makeStore();
  const user = await seedUser(uow);
  const [reservation] = await seedReservations(uow, [draft(user.id, 0, 3)]);
  return { uow, user, reservation: reservation! };
}

function endpoint(uow: UnitOfWork, events: readonly WebhookEventType[], url = 'https://example.com/hook') {
  return uow.run((s) =>
    s.webhookEndpoints.insert({ url, events, secret: `whsec_${btoa(url)}`, createdAt: T0 - SECOND }),
  );
}

/** Appends one audit event of `type` about `r` at `at`, as a use case would. */
function change(uow: UnitOfWork, r: Reservation, type: ReservationEventType, at = T0) {
  const after = { ...r, updatedAt: at };
  return uow.run((s) =>
    s.events.append({
      reservationId: r.id,
      type,
      actorId: r.userId,
      actorRole: 'admin',
      reason: null,
      at,
      before: type === 'created' ? null : r,
      after,
    }),
  );
}

const claim = (uow: UnitOfWork, fields: Partial<ClaimRequest> = {}): Promise<ClaimedDelivery[]> =>
  uow.run((s) =>
    s.outbox.claim({
      now: T0,
      leaseUntil: T0 + LEASE,
      limit: 100,
      perEndpoint: 100,
      busy: new Map(),
      ...fields,
    }),
  );

function settlement(
  c: ClaimedDelivery,
  outcome: DeliverySettlement['outcome'],
  fields: Partial<DeliverySettlement> = {},
): DeliverySettlement {
  return {
    deliveryId: c.deliveryId,
    endpointId: c.target.endpointId,
    attempt: c.attempt,
    outcome,
    startedAt: T0 + 1,
    durationMs: 12,
    responseStatus: outcome === 'delivered' ? 204 : outcome === 'gone' ? 410 : 500,
    error: null,
    nextAttemptAt: outcome === 'retry' ? T0 + 10 * SECOND : null,
    ...fields,
  };
}

/**
 * The behaviour every webhook store must share: the outbox is written by
 * the audit trail in the unit of work of the change, claims take each due
 * message once per lease (never twice at once, however many claim), and
 * settling moves messages on, fenced by their attempt number.
 */
export function describeWebhooksContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: WebhookEndpoints and WebhookOutbox contract`, () => {
    it('queues one message per active endpoint subscribed to the type, in the unit of work of the change', async () => {
      const { uow, reservation } = await setUp(makeStore);
      const all = await endpoint(
        uow,
        ['reservation.created', 'reservation.confirmed'],
        'https://a.example/h',
      );
      const confirmedOnly = await endpoint(uow, ['reservation.confirmed'], 'https://b.example/h');
      await endpoint(uow, ['reservation.cancelled'], 'https://c.example/h');
      await change(uow, reservation, 'created');
      await change(uow, reservation, 'confirmed', T0 + 5);
      // A unit of work that fails keeps nothing: no message for its change.
      await uow
        .run(async (s) => {
          await s.events.append({
            reservationId: reservation.id,
            type: 'confirmed',
            actorId: 1,
            actorRole: 'admin',
            reason: null,
            at: T0 + 6,
            before: reservation,
            after: reservation,
          });
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      const claimed = await claim(uow, { now: T0 + 10 });
      expect(
        claimed
          .map((c) => [c.target.endpointId, c.message.type, c.message.at] as const)
          .sort((a, b) => a[0] - b[0] || a[2] - b[2]),
      ).toEqual([
        [all.id, 'reservation.created', T0],
        [all.id, 'reservation.confirmed', T0 + 5],
        [confirmedOnly.id, 'reservation.confirmed', T0 + 5],
      ]);
      const confirmed = claimed.filter((c) => c.message.type === 'reservation.confirmed');
      // One change, one message id, whichever endpoint it goes to.
      expect(confirmed[0]!.message.id).toBe(confirmed[1]!.message.id);
      expect(confirmed[0]!.message.id).toMatch(/^msg_\d+$/);
      expect(claimed.find((c) => c.message.type === 'reservation.created')!.message.id).not.toBe(
        confirmed[0]!.message.id,
      );
      expect(confirmed[0]!.message.reservation).toEqual({ ...reservation, updatedAt: T0 + 5 });
      expect(confirmed.find((c) => c.target.endpointId === all.id)!.target).toEqual({
        endpointId: all.id,
        url: 'https://a.example/h',
        secret: `whsec_${btoa('https://a.example/h')}`,
      });
      expect(claimed.every((c) => c.attempt === 1)).toBe(true);
    });

    it('appendAll queues a message for each event', async () => {
      const { uow, reservation } = await setUp(makeStore);
      await endpoint(uow, ['reservation.confirmed', 'reservation.rejected']);
      const base = {
        reservationId: reservation.id,
        actorId: 1,
        actorRole: 'admin' as const,
        reason: null,
        before: reservation,
        after: reservation,
      };
      await uow.run((s) =>
        s.events.appendAll([
          { ...base, type: 'confirmed', at: T0 },
          { ...base, type: 'updated', at: T0 + 1 },
          { ...base, type: 'rejected', at: T0 + 2, reason: 'full' },
        ]),
      );
      const claimed = await claim(uow, { now: T0 + 10 });
      expect(claimed.map((c) => c.message.type).sort()).toEqual([
        'reservation.confirmed',
        'reservation.rejected',
      ]);
      expect(claimed.map((c) => [c.message.type, c.message.reason]).sort()).toEqual([
        ['reservation.confirmed', null],
        ['reservation.rejected', 'full'],
      ]);
    });

    it('takes a message once per lease: again only when the lease ran out, as the next attempt with the same id', async () => {
      const { uow, reservation } = await setUp(makeStore);
      await endpoint(uow, ['reservation.created']);
      await change(uow, reservation, 'created', T0);
      expect(await claim(uow, { now: T0 - 1 })).toEqual([]);
      const [first] = await claim(uow, { now: T0, leaseUntil: T0 + LEASE });
      expect(first!.attempt).toBe(1);
      expect(await claim(uow, { now: T0 + LEASE - 1 })).toEqual([]);
      const [again] = await claim(uow, { now: T0 + LEASE });
      expect(again!.attempt).toBe(2);
      expect(again!.deliveryId).toBe(first!.deliveryId);
      expect(again!.message.id).toBe(first!.message.id);
      // The first attempt's late result is recorded but moves nothing: the message is still taken.
      await uow.run((s) => s.outbox.settle([settlement(first!, 'delivered')]));
      expect(await claim(uow, { now: T0 + 2 * LEASE })).toHaveLength(1);
    });

    it('keeps to the limit, the per-endpoint limit and what is already in flight, oldest due first', async () => {
      const { uow, reservation } = await setUp(makeStore);
      const a = await endpoint(uow, ['reservation.updated'], 'https://a.example/h');
      const b = await endpoint(uow, ['reservation.updated'], 'https://b.example/h');
      for (let i = 0; i < 5; i++) await change(uow, reservation, 'updated', T0 + i);
      const perEndpoint = await claim(uow, { now: T0 + 10, perEndpoint: 2, busy: new Map([[a.id, 1]]) });
      const count = (id: number) => perEndpoint.filter((c) => c.target.endpointId === id).length;
      expect([count(a.id), count(b.id)]).toEqual([1, 2]);
      expect(perEndpoint.filter((c) => c.target.endpointId === b.id).map((c) => c.message.at)).toEqual(
        expect.arrayContaining([T0, T0 + 1]),
      );
      const limited = await claim(uow, { now: T0 + 10, limit: 3 });
      expect(limited).toHaveLength(3);
      expect(await claim(uow, { now: T0 + 10 })).toHaveLength(10 - 3 - 3);
    });

    it('takes an endpoint held to an allowance only up to it, in turns across endpoints, and leaves the rest due', async () => {
      const { uow, reservation } = await setUp(makeStore);
      const hung = await endpoint(uow, ['reservation.updated'], 'https://hung.example/h');
      const healthy = await endpoint(uow, ['reservation.updated'], 'https://healthy.example/h');
      for (let i = 0; i < 6; i++) await change(uow, reservation, 'updated', T0 + i);
      const count = (claimed: ClaimedDelivery[], id: number) =>
        claimed.filter((c) => c.target.endpointId === id).length;
      // The hung endpoint has one in flight and may have two: one more is taken, not its six.
      const first = await claim(uow, {
        now: T0 + 10,
        limit: 4,
        perEndpoint: 16,
        busy: new Map([[hung.id, 1]]),
        allowances: new Map([[hung.id, 2]]),
      });
      expect([count(first, hung.id), count(first, healthy.id)]).toEqual([1, 3]);
      // In turns: with room for two, each endpoint's oldest, although the hung one's are as old.
      const turns = await claim(uow, { now: T0 + 10, limit: 2 });
      expect([count(turns, hung.id), count(turns, healthy.id)]).toEqual([1, 1]);
      // What was over the allowance was not leased: it is due now.
      expect(count(await claim(uow, { now: T0 + 10 }), hung.id)).toBe(6 - 1 - 1);
    });

    it('settles: delivered and failed are done, retry is due again at its time, with every attempt listed', async () => {
      const { uow, reservation } = await setUp(makeStore);
      const ep = await endpoint(uow, ['reservation.created', 'reservation.updated', 'reservation.cancelled']);
      await change(uow, reservation, 'created', T0);
      await change(uow, reservation, 'updated', T0 + 1);
      await change(uow, reservation, 'cancelled', T0 + 2);
      const claimed = await claim(uow, { now: T0 + 5 });
      const byType = (t: string) => claimed.find((c) => c.message.type === t)!;
      await uow.run((s) =>
        s.outbox.settle([
          settlement(byType('reservation.created'), 'delivered'),
          settlement(byType('reservation.updated'), 'retry', {
            nextAttemptAt: T0 + 40 * SECOND,
            responseStatus: null,
            error: 'timed out',
          }),
          settlement(byType('reservation.cancelled'), 'failed', { responseStatus: 503 }),
        ]),
      );
      expect(await claim(uow, { now: T0 + 40 * SECOND - 1 })).toEqual([]);
      const [retried] = await claim(uow, { now: T0 + 40 * SECOND });
      expect([retried!.message.type, retried!.attempt]).toEqual(['reservation.updated', 2]);
      await uow.run((s) =>
        s.outbox.settle([settlement(retried!, 'delivered', { startedAt: T0 + 41 * SECOND })]),
      );
      expect(await claim(uow, { now: T0 + 1e9 })).toEqual([]);

      const deliveries = await uow.read((s) => s.webhookEndpoints.deliveries(ep.id, 10));
      expect(deliveries.map((d) => [d.type, d.state, d.attempts.map((a) => a.attempt)])).toEqual([
        ['reservation.cancelled', 'failed', [1]],
        ['reservation.updated', 'delivered', [1, 2]],
        ['reservation.created', 'delivered', [1]],
      ]);
      expect(deliveries[1]).toEqual({
        messageId: byType('reservation.updated').message.id,
        type: 'reservation.updated',
        reservationId: reservation.id,
        state: 'delivered',
        createdAt: T0 + 1,
        nextAttemptAt: null,
        attempts: [
          { attempt: 1, startedAt: T0 + 1, durationMs: 12, responseStatus: null, error: 'timed out' },
          { attempt: 2, startedAt: T0 + 41 * SECOND, durationMs: 12, responseStatus: 204, error: null },
        ],
      });
      expect(await uow.read((s) => s.webhookEndpoints.deliveries(ep.id, 1))).toHaveLength(1);
    });

    it('410 Gone disables the endpoint: nothing more is queued for it or taken from it', async () => {
      const { uow, reservation } = await setUp(makeStore);
      const ep = await endpoint(uow, ['reservation.updated']);
      await change(uow, reservation, 'updated', T0);
      await change(uow, reservation, 'updated', T0 + 1);
      const [first] = await claim(uow, { now: T0 + 5, limit: 1 });
      await uow.run((s) => s.outbox.settle([settlement(first!, 'gone')]));
      const listed = await uow.read((s) => s.webhookEndpoints.get(ep.id));
      expect(listed!.disabledAt).toBe(T0 + 1 + 12);
      expect(listed!.disabledReason).toMatch(/410/);
      await change(uow, reservation, 'updated', T0 + 2);
      expect(await claim(uow, { now: T0 + 1e9 })).toEqual([]);
      expect(await uow.read((s) => s.outbox.depth(T0 + 10))).toMatchObject({ pending: 1 });
      // Housekeeping cancels what was left for it.
      expect(await uow.run((s) => s.outbox.tidy(T0 + 20, T0 - 1e9, 100))).toBe(1);
      expect(await uow.read((s) => s.outbox.depth(T0 + 30))).toEqual({
        pending: 0,
        due: 0,
        oldestDueAt: null,
      });
      const states = (await uow.read((s) => s.webhookEndpoints.deliveries(ep.id, 10))).map((d) => d.state);
      expect(states).toEqual(['cancelled', 'failed']);
    });

    it('lists, counts, gets and removes endpoints; a removed one is gone from everything', async () => {
      const { uow, reservation } = await setUp(makeStore);
      expect(await uow.read((s) => s.webhookEndpoints.list())).toEqual([]);
      const a = await endpoint(uow, ['reservation.created'], 'https://a.example/h');
      const b = await endpoint(
        uow,
        ['reservation.created', 'reservation.rejected'],
        'http://b.example:8080/x?y=1',
      );
      expect(b).toEqual({
        id: expect.any(Number),
        url: 'http://b.example:8080/x?y=1',
        events: ['reservation.created', 'reservation.rejected'],
        createdAt: T0 - SECOND,
        disabledAt: null,
        disabledReason: null,
      });
      expect(b).not.toHaveProperty('secret');
      expect(await uow.read((s) => s.webhookEndpoints.list())).toEqual([a, b]);
      expect(await uow.run((s) => s.webhookEndpoints.count())).toBe(2);
      await change(uow, reservation, 'created', T0);
      expect(await uow.run((s) => s.webhookEndpoints.remove(a.id, T0 + 1))).toBe(true);
      expect(await uow.run((s) => s.webhookEndpoints.remove(a.id, T0 + 2))).toBe(false);
      expect(await uow.run((s) => s.webhookEndpoints.remove(999_999, T0 + 2))).toBe(false);
      expect(await uow.read((s) => s.webhookEndpoints.get(a.id))).toBeNull();
      expect(await uow.read((s) => s.webhookEndpoints.list())).toEqual([b]);
      expect(await uow.run((s) => s.webhookEndpoints.count())).toBe(1);
      const claimed = await claim(uow, { now: T0 + 10 });
      expect(claimed.map((c) => c.target.endpointId)).toEqual([b.id]);
    });

    it('reports the depth and deletes only old finished messages', async () => {
      const { uow, reservation } = await setUp(makeStore);
      await endpoint(uow, ['reservation.updated']);
      for (let i = 0; i < 4; i++) await change(uow, reservation, 'updated', T0 + i * SECOND);
      expect(await uow.read((s) => s.outbox.depth(T0 + 1500))).toEqual({
        pending: 4,
        due: 2,
        oldestDueAt: T0,
      });
      const claimed = await claim(uow, { now: T0 + 10 * SECOND, limit: 2 });
      // Taken ones are waiting for their lease, not due.
      expect(await uow.read((s) => s.outbox.depth(T0 + 10 * SECOND))).toEqual({
        pending: 4,
        due: 2,
        oldestDueAt: T0 + 2 * SECOND,
      });
      await uow.run((s) => s.outbox.settle(claimed.map((c) => settlement(c, 'delivered'))));
      expect(await uow.run((s) => s.outbox.tidy(T0 + 20, T0, 100))).toBe(0);
      expect(await uow.run((s) => s.outbox.tidy(T0 + 20, T0 + 1e6, 1))).toBe(1);
      expect(await uow.run((s) => s.outbox.tidy(T0 + 20, T0 + 1e6, 100))).toBe(1);
      expect(await uow.read((s) => s.outbox.depth(T0 + 10 * SECOND))).toMatchObject({ pending: 2 });
    });

    it('claims made at the same time never take the same message', async () => {
      const { uow, reservation } = await setUp(makeStore);
      await endpoint(uow, ['reservation.updated'], 'https://a.example/h');
      await endpoint(uow, ['reservation.updated'], 'https://b.example/h');
      for (let i = 0; i < 20; i++) await change(uow, reservation, 'updated', T0 + i);
      const claims = await Promise.all(
        Array.from({ length: 6 }, () => claim(uow, { now: T0 + 100, limit: 5 })),
      );
      const taken = claims.flat().map((c) => c.deliveryId);
      expect(new Set(taken).size).toBe(taken.length);
      const rest = await claim(uow, { now: T0 + 100 });
      expect(taken.length + rest.length).toBe(40);
      expect(new Set([...taken, ...rest.map((c) => c.deliveryId)]).size).toBe(40);
    });
  });
}
