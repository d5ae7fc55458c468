import { describe, expect, it } from 'vitest';
import { FakeWebhookTransport } from '../fakes/fake-webhook-transport.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { NO_METRICS, type SendResult } from '../ports/index.js';
import { WebhookAllowances } from '../support/webhook-allowances.js';
import { useCaseKit } from '../testing/use-case-kit.js';
import { CreateWebhookEndpoint } from './create-webhook-endpoint.js';
import { DeliverWebhooks } from './deliver-webhooks.js';

const TIMED_OUT: SendResult = { kind: 'failed', error: 'timed out', durationMs: 10_000 };
const OK: SendResult = { kind: 'answered', status: 204, durationMs: 1 };

async function setUp(options: { maxInFlight?: number } = {}) {
  const throttled: number[] = [];
  const metrics = { ...NO_METRICS, webhookEndpointsThrottled: (n: number) => void throttled.push(n) };
  const store = new InMemoryStore();
  const kit = await useCaseKit(store);
  const transport = new FakeWebhookTransport();
  const deliver = new DeliverWebhooks({
    uow: store,
    clock: kit.clock,
    transport,
    metrics,
    leaseMs: 60_000,
    retryDelaysMs: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
    random: () => 0.5,
    ...options,
  });
  const subscribe = async (url: string) =>
    (
      await new CreateWebhookEndpoint({ uow: store, clock: kit.clock, transport }).execute({
        actor: kit.admin,
        url,
        events: ['reservation.created', 'reservation.updated'],
      })
    ).endpoint.id;
  const r = await kit.book(kit.alice, 0, 6, 1);
  /** Queues `n` messages for every endpoint, as n committed changes would. */
  const queue = (n: number) =>
    store.run(async (s) => {
      for (let i = 0; i < n; i++) {
        await s.events.append({
          reservationId: r.id,
          type: 'updated',
          actorId: kit.admin.userId,
          actorRole: 'admin',
          reason: null,
          at: kit.clock.now(),
          before: r,
          after: r,
        });
      }
    });
  const sentTo = (id: number) => transport.sent.filter((s) => s.target.endpointId === id).length;
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { kit, transport, deliver, subscribe, queue, sentTo, tick, throttled };
}

describe('WebhookAllowances', () => {
  it('halves on each failure down to 1, grows by one per delivery up to max, and starts at start', () => {
    const a = new WebhookAllowances({ max: 16, start: 4, forgetAfterMs: 60_000 });
    expect(a.allowance(7)).toBe(4);
    for (let i = 0; i < 12; i++) {
      a.started(7);
      a.ended(7, 'delivered', 0);
    }
    expect(a.allowance(7)).toBe(16);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      a.started(7);
      a.ended(7, 'failed', 0);
      seen.push(a.allowance(7));
    }
    expect(seen).toEqual([8, 4, 2, 1, 1, 1]);
    expect(a.throttledCount).toBe(1);
    expect(a.allowances()).toEqual(new Map([[7, 1]]));
    for (let i = 0; i < 15; i++) {
      a.started(7);
      a.ended(7, 'delivered', 0);
    }
    expect(a.allowance(7)).toBe(16);
    expect(a.throttledCount).toBe(0);
    expect(a.allowances()).toEqual(new Map());
  });

  it('forgets an endpoint idle for forgetAfterMs, never one with an attempt in flight', () => {
    const a = new WebhookAllowances({ max: 16, start: 4, forgetAfterMs: 1000 });
    a.started(1);
    a.ended(1, 'failed', 0);
    a.started(2);
    a.sweep(5000);
    expect([a.allowance(1), a.inFlight(2)]).toEqual([4, 1]);
  });
});

describe('DeliverWebhooks fairness', () => {
  it("a failing endpoint's allowance shrinks to 1, and grows back to 16 once it answers again", async () => {
    const { transport, deliver, subscribe, queue, kit, throttled } = await setUp();
    const id = await subscribe('https://flaky.example/hook');
    transport.answer = () => ({ kind: 'answered', status: 503, durationMs: 2 });
    await queue(40);
    await deliver.round();
    await deliver.settled();
    expect(deliver.allowance(id)).toBe(1);
    expect(deliver.throttledEndpoints).toBe(1);
    // While it fails, one attempt at a time.
    kit.clock.advance(1_000);
    expect((await deliver.round()).claimed).toBe(1);
    await deliver.settled();
    transport.answer = () => OK;
    for (let i = 0; i < 40 && deliver.allowance(id) < 16; i++) {
      kit.clock.advance(1_000);
      await deliver.round();
      await deliver.settled();
    }
    expect(deliver.allowance(id)).toBe(16);
    expect(deliver.throttledEndpoints).toBe(0);
    // Operators saw it throttled, then not.
    expect(throttled).toContain(1);
    expect(throttled.at(-1)).toBe(0);
  });

  it('endpoints that hang hold one attempt each once they time out; the healthy one gets the rest of the room', async () => {
    const { transport, deliver, subscribe, queue, sentTo, tick, kit } = await setUp({ maxInFlight: 8 });
    const hung: number[] = [];
    for (let i = 0; i < 4; i++) hung.push(await subscribe(`https://hung-${i}.example/hook`));
    const healthy = await subscribe('https://healthy.example/hook');
    const held: ((r: SendResult) => void)[] = [];
    transport.answer = (target) =>
      hung.includes(target.endpointId) ? new Promise<SendResult>((resolve) => held.push(resolve)) : OK;
    await queue(100);
    // First round: the room is shared in turns, so the healthy endpoint is served with the hung ones.
    await deliver.round();
    await tick();
    expect(sentTo(healthy)).toBeGreaterThan(0);
    // The hung ones' attempts time out: each is then held to one attempt in flight.
    for (let round = 0; round < 20 && held.length > 0; round++) {
      for (const release of held.splice(0)) release(TIMED_OUT);
      await tick();
      await deliver.round();
      await tick();
    }
    for (const id of hung) expect(deliver.allowance(id)).toBe(1);
    // From now on the hung ones never answer; the healthy one's 100 all go out.
    for (let round = 0; round < 100 && sentTo(healthy) < 100; round++) {
      kit.clock.advance(1_000);
      await deliver.round();
      await tick();
      expect(deliver.inFlightCount).toBeLessThanOrEqual(4);
    }
    expect(sentTo(healthy)).toBe(100);
    for (const id of hung) expect(sentTo(id)).toBeLessThan(100);
    expect(held.length).toBe(4);
    for (const release of held.splice(0)) release(TIMED_OUT);
    await deliver.settled();
  });
});
