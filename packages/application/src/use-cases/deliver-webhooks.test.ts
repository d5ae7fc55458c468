import { describe, expect, it } from 'vitest';
import { FixedClock } from '../fakes/clocks.js';
import { FakeWebhookTransport } from '../fakes/fake-webhook-transport.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import type { Metrics, SendResult, WebhookAttemptOutcome } from '../ports/index.js';
import { NOW, useCaseKit } from '../testing/use-case-kit.js';
import { CreateWebhookEndpoint } from './create-webhook-endpoint.js';
import { DeliverWebhooks } from './deliver-webhooks.js';
import { ListWebhookDeliveries } from './list-webhook-deliveries.js';
import { ListWebhookEndpoints } from './list-webhook-endpoints.js';

/** Counts webhook attempts by outcome; the other measures are tested elsewhere. */
class CountingMetrics implements Metrics {
  readonly attempts: WebhookAttemptOutcome[] = [];
  confirmation(): void {}
  bookingRefusedForCapacity(): void {}
  confirmationBatch(): void {}
  admission(): void {}
  waitingListPromotion(): void {}
  webhookAttempt(outcome: WebhookAttemptOutcome): void {
    this.attempts.push(outcome);
  }
  webhookEndpointsThrottled(): void {}
}

async function setUp(options: { perEndpoint?: number; maxInFlight?: number } = {}) {
  const store = new InMemoryStore();
  const kit = await useCaseKit(store);
  const transport = new FakeWebhookTransport();
  const metrics = new CountingMetrics();
  const deliver = new DeliverWebhooks({
    uow: store,
    clock: kit.clock,
    transport,
    metrics,
    leaseMs: 60_000,
    retryDelaysMs: [5_000, 60_000],
    random: () => 0.5,
    ...options,
  });
  const subscribe = (events: string[], url = 'https://receiver.example/hook') =>
    new CreateWebhookEndpoint({ uow: store, clock: kit.clock, transport }).execute({
      actor: kit.admin,
      url,
      events,
    });
  /** A round, and every attempt it started, to the end. */
  const deliverAll = async () => {
    const { claimed } = await deliver.round();
    await deliver.settled();
    return claimed;
  };
  const deliveries = (id: number) =>
    new ListWebhookDeliveries({ uow: store }).execute({ actor: kit.admin, id, limit: 100 });
  return { store, kit, transport, metrics, deliver, subscribe, deliverAll, deliveries };
}

describe('DeliverWebhooks', () => {
  it('sends each change to the endpoints subscribed to it, once, signed with their own secret', async () => {
    const { kit, transport, subscribe, deliverAll, deliveries, metrics } = await setUp();
    const { endpoint, secret } = await subscribe(['reservation.created', 'reservation.confirmed']);
    const r = await kit.book(kit.alice, 0, 6, 10);
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
    await kit.cancel.execute({ actor: kit.admin, id: r.id });
    expect(await deliverAll()).toBe(2);
    expect(
      transport.sent.map((s) => [s.message.type, s.message.reservation.status, s.target.secret]),
    ).toEqual([
      ['reservation.created', 'pending', secret],
      ['reservation.confirmed', 'confirmed', secret],
    ]);
    expect(transport.sent[0]!.message.at).toBe(NOW);
    expect(await deliverAll()).toBe(0);
    expect((await deliveries(endpoint.id)).map((d) => d.state)).toEqual(['delivered', 'delivered']);
    expect(metrics.attempts).toEqual(['delivered', 'delivered']);
  });

  it('retries a failed attempt on the schedule with the same message id, and gives up after the last', async () => {
    const { kit, transport, subscribe, deliverAll, deliveries } = await setUp();
    const { endpoint } = await subscribe(['reservation.created']);
    transport.answer = () => ({ kind: 'answered', status: 500, durationMs: 10 });
    await kit.book(kit.alice, 0, 6, 10);
    expect(await deliverAll()).toBe(1);
    kit.clock.advance(5_000);
    expect(await deliverAll()).toBe(0); // due 10 ms + 5 s after the first attempt started
    kit.clock.advance(10);
    expect(await deliverAll()).toBe(1);
    kit.clock.advance(60_010);
    expect(await deliverAll()).toBe(1);
    kit.clock.advance(3_600_000);
    expect(await deliverAll()).toBe(0);
    const ids = new Set(transport.sent.map((s) => s.message.id));
    expect(ids.size).toBe(1);
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery!.state).toBe('failed');
    expect(delivery!.attempts.map((a) => [a.attempt, a.responseStatus])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
  });

  it('disables an endpoint that answers 410 Gone, and sends it nothing more', async () => {
    const { kit, transport, subscribe, deliverAll, metrics } = await setUp();
    const gone = await subscribe(['reservation.created'], 'https://gone.example/hook');
    const kept = await subscribe(['reservation.created'], 'https://kept.example/hook');
    transport.answer = (target) => ({
      kind: 'answered',
      status: target.endpointId === gone.endpoint.id ? 410 : 200,
      durationMs: 1,
    });
    await kit.book(kit.alice, 0, 6, 10);
    expect(await deliverAll()).toBe(2);
    await kit.book(kit.alice, 0, 6, 10);
    expect(await deliverAll()).toBe(1);
    expect(transport.sent.map((s) => s.target.endpointId)).toEqual([
      gone.endpoint.id,
      kept.endpoint.id,
      kept.endpoint.id,
    ]);
    const listed = await new ListWebhookEndpoints({ uow: kit.uow }).execute({ actor: kit.admin });
    expect(listed.find((e) => e.id === gone.endpoint.id)!.disabledAt).not.toBeNull();
    expect(metrics.attempts.sort()).toEqual(['delivered', 'delivered', 'gone']);
  });

  it('keeps at most perEndpoint attempts in flight per endpoint, and a slow one does not hold up another', async () => {
    const { kit, transport, subscribe, deliver } = await setUp({ perEndpoint: 2, maxInFlight: 10 });
    const slow = await subscribe(['reservation.created'], 'https://slow.example/hook');
    await subscribe(['reservation.created'], 'https://fast.example/hook');
    const held: ((r: SendResult) => void)[] = [];
    transport.answer = (target) =>
      target.endpointId === slow.endpoint.id
        ? new Promise<SendResult>((resolve) => held.push(resolve))
        : { kind: 'answered', status: 200, durationMs: 1 };
    for (let i = 0; i < 5; i++) await kit.book(kit.alice, 0, 6, 10);
    expect(await deliver.round()).toEqual({ claimed: 4, room: 10, saturated: true });
    await new Promise((r) => setTimeout(r, 0));
    // The fast endpoint's two are done; the slow one's two are still in flight.
    expect(deliver.inFlightCount).toBe(2);
    expect(await deliver.round()).toEqual({ claimed: 2, room: 8, saturated: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(transport.sent.filter((s) => s.target.endpointId === slow.endpoint.id)).toHaveLength(2);
    // Releasing the slow ones lets the rest through, never more than two of them at once.
    for (let round = 0; round < 10 && transport.sent.length < 10; round++) {
      for (const release of held.splice(0)) release({ kind: 'answered', status: 200, durationMs: 5 });
      await deliver.settled();
      await deliver.round();
      expect(held.length).toBeLessThanOrEqual(2);
    }
    for (const release of held.splice(0)) release({ kind: 'answered', status: 200, durationMs: 5 });
    await deliver.settled();
    expect(transport.sent).toHaveLength(10);
  });

  it('a transport that throws counts as a failed attempt, retried later', async () => {
    const { kit, transport, subscribe, deliverAll, deliveries } = await setUp();
    const { endpoint } = await subscribe(['reservation.created']);
    transport.answer = () => {
      throw new Error('socket hang up');
    };
    await kit.book(kit.alice, 0, 6, 10);
    await deliverAll();
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery!.state).toBe('pending');
    expect(delivery!.attempts[0]!.error).toMatch(/socket hang up/);
  });

  it('a message claimed by a process that died is sent again once its lease ran out', async () => {
    const { store, kit, transport, subscribe, deliverAll } = await setUp();
    await subscribe(['reservation.created']);
    await kit.book(kit.alice, 0, 6, 10);
    // Another process claims it and dies before settling.
    const dead = new DeliverWebhooks({
      uow: store,
      clock: kit.clock,
      transport: new FakeWebhookTransport(),
      leaseMs: 60_000,
    });
    await store.run((s) =>
      s.outbox.claim({
        now: kit.clock.now(),
        leaseUntil: kit.clock.now() + 60_000,
        limit: 10,
        perEndpoint: 8,
        busy: new Map(),
      }),
    );
    expect(dead.inFlightCount).toBe(0);
    expect(await deliverAll()).toBe(0);
    kit.clock.advance(60_000);
    expect(await deliverAll()).toBe(1);
    expect(transport.sent).toHaveLength(1);
  });
});

describe('webhook endpoint management', () => {
  it('is for admins only, refused before anything is looked up', async () => {
    const { kit, transport, store } = await setUp();
    const clock = new FixedClock(NOW);
    await expect(
      new CreateWebhookEndpoint({ uow: store, clock, transport }).execute({
        actor: kit.alice,
        url: 'nonsense',
        events: ['nonsense'],
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      new ListWebhookEndpoints({ uow: store }).execute({ actor: kit.alice }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      new ListWebhookDeliveries({ uow: store }).execute({ actor: kit.alice, id: 999, limit: 1 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses unknown, repeated or no event types, naming them, and a URL the transport refuses', async () => {
    const { subscribe } = await setUp();
    await expect(subscribe(['reservation.created', 'reservation.exploded'])).rejects.toMatchObject({
      code: 'validation_error',
      errors: [{ path: 'events.1', message: expect.stringContaining('unknown event type') }],
    });
    await expect(subscribe([])).rejects.toMatchObject({ code: 'validation_error' });
    await expect(subscribe(['reservation.created', 'reservation.created'])).rejects.toMatchObject({
      code: 'validation_error',
    });
    await expect(subscribe(['reservation.created'], 'http://localhost/hook')).rejects.toMatchObject({
      code: 'validation_error',
      errors: [{ path: 'url' }],
    });
  });

  it('gives each endpoint a secret of its own once, and refuses the 101st endpoint', async () => {
    const { subscribe, kit } = await setUp();
    const first = await subscribe(['reservation.created']);
    const second = await subscribe(['reservation.created']);
    expect(first.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(first.secret).not.toBe(second.secret);
    expect(first.endpoint).not.toHaveProperty('secret');
    for (let i = 2; i < 100; i++) await subscribe(['reservation.created']);
    await expect(subscribe(['reservation.created'])).rejects.toMatchObject({ code: 'conflict' });
    expect(await new ListWebhookEndpoints({ uow: kit.uow }).execute({ actor: kit.admin })).toHaveLength(100);
  });
});
