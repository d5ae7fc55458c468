import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, killHard, startApi } from './api-process.js';
import { jsonClient, seoulDate } from './stories.js';
import { book, eventually, waitingListDatabase } from './waiting-list-setup.js';
import { startReceiver } from './webhook-receiver.js';

const DELAY_MS = 1000;
/** PromoteWaitingList's lease (its default). */
const LEASE_MS = 10_000;

type Setup = Awaited<ReturnType<typeof waitingListDatabase>>;

/** A confirmed reservation of 100 (the whole capacity) over 10:00–10:20 and three pending behind it. */
async function fullHourWithThreeWaiting(api: ApiProcess, admin: string, day: string) {
  const call = jsonClient(api.url);
  const held = await book(call, admin, day, '10:00', '10:20', 100);
  const first = await book(call, admin, day, '10:00', '10:20', 60);
  const tooBig = await book(call, admin, day, '10:10', '10:20', 50); // after first: 110 at 10:10
  const fits = await book(call, admin, day, '10:10', '10:20', 40);
  expect((await call('POST', `/reservations/${held}/confirm`, { token: admin })).status).toBe(200);
  return { call, held, first, tooBig, fits };
}

async function statuses(setup: Setup, ids: number[]): Promise<string[]> {
  const rows = await setup.db
    .selectFrom('reservations')
    .select(['id', 'status'])
    .where('id', 'in', ids)
    .execute();
  return ids.map((id) => rows.find((r) => r.id === id)?.status ?? 'missing');
}

describe('the waiting list in a real API process (AUTO_ADMIT=fifo) on PostgreSQL', () => {
  let setup: Setup;
  let api: ApiProcess;
  let admin: string;

  beforeAll(async () => {
    await buildOnce();
    setup = await waitingListDatabase(inject('testDatabaseAdminUrl'), {
      SLOT_CAPACITY: '100',
      AUTO_ADMIT: 'fifo',
      AUTO_ADMIT_DELAY_MS: String(DELAY_MS),
      WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    api = await startApi(setup.env);
    admin = await setup.admin(api);
  }, 240_000);

  afterAll(async () => {
    if (api) await killHard(api);
    await setup?.close();
  });

  it('says at start that the waiting list is on, and with which delay', () => {
    const line = api.logs.find((l) => l.autoAdmit === 'fifo');
    expect(line?.autoAdmitDelayMs).toBe(DELAY_MS);
    expect(String(line?.msg)).toMatch(/^waiting list on: .* within \d+ ms/);
  });

  it('a cancel confirms the pending ones that fit in creation order within the delay, as the system, with webhooks', async () => {
    const receiver = await startReceiver();
    try {
      const call = jsonClient(api.url);
      const hook = await call('POST', '/webhooks', {
        token: admin,
        body: { url: receiver.url, events: ['reservation.confirmed'] },
      });
      expect(hook.status).toBe(201);
      const { held, first, tooBig, fits } = await fullHourWithThreeWaiting(api, admin, seoulDate(10));
      const cancelled = await call('POST', `/reservations/${held}/cancel`, { token: admin });
      expect(cancelled.status).toBe(200);
      const promoted = () => statuses(setup, [first, tooBig, fits]);
      expect(
        await eventually(async () => (await promoted()).join() === 'confirmed,pending,confirmed', 5_000),
      ).toBe(true);
      // Nothing more happens: the one that does not fit keeps waiting.
      await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
      expect(await promoted()).toEqual(['confirmed', 'pending', 'confirmed']);

      const cancelAt = Date.parse(
        (await call('GET', `/reservations/${held}/history`, { token: admin })).body.at(-1).at,
      );
      const confirmations = [];
      for (const id of [first, fits]) {
        const trail = (await call('GET', `/reservations/${id}/history`, { token: admin })).body;
        expect(trail.map((e: { type: string }) => e.type)).toEqual(['created', 'confirmed']);
        expect(trail[1]).toMatchObject({
          actor_id: null,
          actor_role: 'system',
          reason: 'waiting list',
          before: { status: 'pending' },
          after: { id, status: 'confirmed' },
        });
        confirmations.push(Date.parse(trail[1].at));
      }
      // In creation order, within the delay of the cancel (the server's own clock).
      expect(confirmations[0]).toBeLessThanOrEqual(confirmations[1]!);
      expect(Math.max(...confirmations) - cancelAt).toBeLessThanOrEqual(DELAY_MS);
      const tooBigTrail = (await call('GET', `/reservations/${tooBig}/history`, { token: admin })).body;
      expect(tooBigTrail.map((e: { type: string }) => e.type)).toEqual(['created']);

      // One outbox row per promotion for the endpoint, and the message a confirmation sends.
      const outbox = await setup.db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('reservation_events as e', 'e.id', 'd.event_id')
        .select(['e.reservation_id', 'e.actor_role'])
        .where('e.type', '=', 'confirmed')
        .where('e.reservation_id', 'in', [first, tooBig, fits])
        .orderBy('e.id')
        .execute();
      expect(outbox).toEqual([
        { reservation_id: first, actor_role: 'system' },
        { reservation_id: fits, actor_role: 'system' },
      ]);
      expect(await eventually(async () => receiver.of('reservation.confirmed').length >= 3, 10_000)).toBe(
        true,
      );
      receiver.verifyAll(hook.body.secret);
      const sent = receiver.of('reservation.confirmed').filter((h) => h.payload.data.id !== held);
      expect(sent.map((h) => [h.payload.data.id, h.payload.data.status])).toEqual([
        [first, 'confirmed'],
        [fits, 'confirmed'],
      ]);
      expect(await setup.db.selectFrom('admission_requests').selectAll().execute()).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('a process killed (SIGKILL) after a cancel commits and before its promotion: a restarted one promotes within the delay plus the lease', async () => {
    await api.stop();
    // A process that looks only every quarter of an hour: the cancel's room waits in the table.
    const sleepy = await startApi({ ...setup.env, AUTO_ADMIT_DELAY_MS: '3600000' });
    const { call, held, first, tooBig, fits } = await fullHourWithThreeWaiting(sleepy, admin, seoulDate(11));
    expect((await call('POST', `/reservations/${held}/cancel`, { token: admin })).status).toBe(200);
    await killHard(sleepy);
    const queued = await setup.db.selectFrom('admission_requests').select(['claimed_by']).execute();
    expect(queued).toEqual([{ claimed_by: null }]);
    expect(await statuses(setup, [first, tooBig, fits])).toEqual(['pending', 'pending', 'pending']);

    // As a process killed right after it claimed the room would leave it: held under a lease.
    const leaseEnds = Date.now() + 3_000;
    await setup.db
      .updateTable('admission_requests')
      .set({ claimed_by: 'killed-process', claimed_until: new Date(leaseEnds) })
      .execute();
    api = await startApi(setup.env);
    const restarted = Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, leaseEnds - Date.now() - 500)));
    expect(await statuses(setup, [first, tooBig, fits])).toEqual(['pending', 'pending', 'pending']);
    expect(
      await eventually(
        async () => (await statuses(setup, [first, tooBig, fits])).join() === 'confirmed,pending,confirmed',
        DELAY_MS + LEASE_MS,
      ),
    ).toBe(true);
    expect(Date.now() - restarted).toBeLessThanOrEqual(DELAY_MS + LEASE_MS);
    const roles = await setup.db
      .selectFrom('reservation_events')
      .select(['reservation_id', 'actor_role', 'actor_id', 'reason'])
      .where('type', '=', 'confirmed')
      .where('reservation_id', 'in', [first, tooBig, fits])
      .orderBy('id')
      .execute();
    expect(roles).toEqual([
      { reservation_id: first, actor_role: 'system', actor_id: null, reason: 'waiting list' },
      { reservation_id: fits, actor_role: 'system', actor_id: null, reason: 'waiting list' },
    ]);
  });
});

describe('AUTO_ADMIT=off (the default): a cancel changes nothing else', () => {
  let setup: Setup;
  let api: ApiProcess;

  beforeAll(async () => {
    await buildOnce();
    setup = await waitingListDatabase(inject('testDatabaseAdminUrl'), {
      SLOT_CAPACITY: '100',
      AUTO_ADMIT_DELAY_MS: String(DELAY_MS),
    });
    api = await startApi(setup.env);
  }, 240_000);

  afterAll(async () => {
    if (api) expect(await api.stop()).toBe(0);
    await setup?.close();
  });

  it('says at start that the waiting list is off', () => {
    expect(api.logs.some((l) => l.autoAdmit === 'off' && String(l.msg).startsWith('waiting list off'))).toBe(
      true,
    );
  });

  it('leaves the three pending and queues no room', async () => {
    const admin = await setup.admin(api);
    const { call, held, first, tooBig, fits } = await fullHourWithThreeWaiting(api, admin, seoulDate(10));
    expect((await call('POST', `/reservations/${held}/cancel`, { token: admin })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2 * DELAY_MS));
    expect(await statuses(setup, [first, tooBig, fits])).toEqual(['pending', 'pending', 'pending']);
    expect(await setup.db.selectFrom('admission_requests').selectAll().execute()).toEqual([]);
  });
});
