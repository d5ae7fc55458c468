import { CreateWebhookEndpoint, DeliverWebhooks } from '@exam-reservation/application';
import { FakeWebhookTransport, FixedClock, InMemoryStore } from '@exam-reservation/application/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookPoller } from './webhook-poller.js';

const T0 = Date.parse('2026-11-20T03:00:00Z');
const logger = pino({ level: 'silent' });

async function setUp() {
  const store = new InMemoryStore();
  const clock = new FixedClock(T0);
  const transport = new FakeWebhookTransport();
  const admin = await store.run((s) =>
    s.users.insert({
      email: 'a@example.com',
      userName: 'a',
      passwordHash: 'x',
      role: 'admin',
      createdAt: T0,
    }),
  );
  await new CreateWebhookEndpoint({ uow: store, clock, transport }).execute({
    actor: { userId: admin.id, role: 'admin' },
    url: 'https://hooks.example.com/h',
    events: ['reservation.created'],
  });
  const [r] = await store.run(async (s) => [
    await s.reservations.insert({
      userId: admin.id,
      reservationName: 'x',
      start: T0 + 86_400_000,
      end: T0 + 86_400_000 + 600_000,
      numberOfPeople: 1,
      status: 'pending',
      createdAt: T0,
      updatedAt: T0,
    }),
  ]);
  /** Queues `n` messages, as n committed changes would. */
  const queue = (n: number) =>
    store.run(async (s) => {
      for (let i = 0; i < n; i++) {
        await s.events.append({
          reservationId: r!.id,
          type: 'created',
          actorId: admin.id,
          actorRole: 'admin',
          reason: null,
          at: T0,
          before: null,
          after: r!,
        });
      }
    });
  const deliver = new DeliverWebhooks({ uow: store, clock, transport, leaseMs: 60_000 });
  return { transport, deliver, queue };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WebhookPoller', () => {
  let poller: WebhookPoller | undefined;
  afterEach(async () => {
    await poller?.stop(1000);
  });

  it('delivers what is queued within the gathering time of a nudge, not at the next idle poll', async () => {
    const { transport, deliver, queue } = await setUp();
    poller = new WebhookPoller(deliver, { logger, idleMs: 60_000, gatherMs: 10 });
    poller.start();
    await pause(20);
    await queue(3);
    poller.nudge();
    await expect.poll(() => transport.sent.length, { timeout: 1000, interval: 5 }).toBe(3);
  });

  it('drains more than one round can take, back to back', async () => {
    const { transport, deliver, queue } = await setUp();
    await queue(100);
    poller = new WebhookPoller(deliver, { logger, idleMs: 60_000, gatherMs: 4 });
    poller.start();
    // 16 per endpoint per round: seven rounds, none of them waiting for the idle poll.
    await expect.poll(() => transport.sent.length, { timeout: 2000, interval: 5 }).toBe(100);
  });

  it('while the process is busy, delivers a trickle per pause, and nudges do not cut the pause short', async () => {
    const { transport, deliver, queue } = await setUp();
    await queue(100);
    poller = new WebhookPoller(deliver, {
      logger,
      idleMs: 60_000,
      gatherMs: 1,
      busy: () => true,
      busyLimit: 5,
      busyPauseMs: 300,
    });
    poller.start();
    await expect.poll(() => transport.sent.length, { timeout: 1000, interval: 5 }).toBe(5);
    for (let i = 0; i < 20; i++) {
      poller.nudge();
      await pause(5);
    }
    expect(transport.sent.length).toBe(5);
    await expect.poll(() => transport.sent.length, { timeout: 1000, interval: 5 }).toBe(10);
  });
});
