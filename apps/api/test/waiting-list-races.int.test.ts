import { auditCapacity } from '@exam-reservation/adapters-postgres/testing';
import { admit, bookingPolicy, type Reservation } from '@exam-reservation/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, startApi } from './api-process.js';
import { startPgBouncer } from './proxies.js';
import { jsonClient, seoulDate } from './stories.js';
import { eventually, waitingListDatabase } from './waiting-list-setup.js';

const CAPACITY = 200;
const PENDING = 600;
const SLOT = 10 * 60_000;
const GRID = bookingPolicy().grid;

type Setup = Awaited<ReturnType<typeof waitingListDatabase>>;

/**
 * 200 cancels of confirmed reservations and 200 admin confirmations of
 * pending ones, all at once, over one 10-minute window, through two API
 * processes with AUTO_ADMIT=fifo that reach PostgreSQL only through
 * PgBouncer in transaction pooling mode: the waiting lists of both
 * processes promote the queue while the requests race.
 */
describe('the waiting list in two API processes through PgBouncer (transaction pooling), racing cancels and confirmations', () => {
  let setup: Setup;
  let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
  let apis: ApiProcess[] = [];

  beforeAll(async () => {
    await buildOnce();
    setup = await waitingListDatabase(inject('testDatabaseAdminUrl'), {
      SLOT_CAPACITY: String(CAPACITY),
      AUTO_ADMIT: 'fifo',
      AUTO_ADMIT_DELAY_MS: '400',
    });
    bouncer = await startPgBouncer(setup.database.url);
    apis = await Promise.all([0, 1].map(() => startApi({ ...setup.env, DATABASE_URL: bouncer.url })));
  }, 240_000);

  afterAll(async () => {
    const stopped = await Promise.all(apis.map((a) => a.stop()));
    await bouncer?.stop();
    await setup?.close();
    expect(stopped).toEqual(apis.map(() => 0));
  });

  it('keeps capacity, promotes each pending one at most once, and in the order of one FIFO pass of admit', async () => {
    const day = seoulDate(15);
    const slot = Date.parse(`${day}T10:00:00+09:00`);
    const [a, b] = apis.map((api) => jsonClient(api.url)) as [
      ReturnType<typeof jsonClient>,
      ReturnType<typeof jsonClient>,
    ];
    const token = await setup.admin(apis[0]!);
    const userId = (await a('GET', '/users/me', { token })).body.id as number;
    // The queue, by SQL: 200 to confirm first, then 600 pending in creation order, one person each.
    const created = Date.now() - 3_600_000;
    const rows = await setup.db
      .insertInto('reservations')
      .values(
        Array.from({ length: CAPACITY + PENDING }, (_, i) => ({
          user_id: userId,
          reservation_name: `queue ${i}`,
          start_time: new Date(slot),
          end_time: new Date(slot + SLOT),
          number_of_people: 1,
          status: 'pending' as const,
          created_at: new Date(created + i),
          updated_at: new Date(created + i),
        })),
      )
      .returning('id')
      .execute();
    const ids = rows.map((r) => r.id);
    const held = ids.slice(0, CAPACITY);
    const waiting = ids.slice(CAPACITY);
    const filled = await a('POST', '/reservations/bulk/confirm', { token, body: { ids: held } });
    expect(filled.body.results.every((r: { status: number }) => r.status === 200)).toBe(true);

    const chosen = waiting.filter((_, i) => i % 3 === 1).slice(0, 200);
    const answers = await Promise.all([
      ...held.map((id, i) => (i % 2 ? a : b)('POST', `/reservations/${id}/cancel`, { token })),
      ...chosen.map((id, i) => (i % 2 ? b : a)('POST', `/reservations/${id}/confirm`, { token })),
    ]);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    for (const answer of answers.filter((x) => x.status === 409))
      expect(answer.body.code).toBe('capacity_exceeded');
    expect(answers.slice(0, CAPACITY).every((x) => x.status === 200)).toBe(true);

    // Quiet: no room waits and the window is full.
    const settled = await eventually(async () => {
      const left = await setup.db.selectFrom('admission_requests').select('id').execute();
      const audit = await auditCapacity(setup.db, CAPACITY);
      return left.length === 0 && audit.maxLoad === CAPACITY;
    }, 30_000);
    expect(settled).toBe(true);

    const audit = await auditCapacity(setup.db, CAPACITY);
    expect(audit.overCapacity).toEqual([]);
    expect(audit.ledgerMismatches).toEqual([]);
    const events = await setup.db
      .selectFrom('reservation_events')
      .select(['id', 'reservation_id', 'actor_role'])
      .where('type', '=', 'confirmed')
      .where('reservation_id', 'in', waiting)
      .orderBy('id')
      .execute();
    // At most one confirmation per reservation, whoever made it.
    const confirmedIds = events.map((e) => e.reservation_id);
    expect(new Set(confirmedIds).size).toBe(confirmedIds.length);
    const byAdmin = new Set(events.filter((e) => e.actor_role === 'admin').map((e) => e.reservation_id));
    const bySystem = events.filter((e) => e.actor_role === 'system').map((e) => e.reservation_id);
    expect(bySystem.length).toBeGreaterThan(0);
    expect(byAdmin.size + bySystem.length).toBe(CAPACITY);

    // One FIFO pass of the domain's admit over the queue (less what admins confirmed), next to the admins' load.
    const queue: Reservation[] = waiting
      .filter((id) => !byAdmin.has(id))
      .map((id) => ({
        id,
        userId,
        reservationName: `queue ${ids.indexOf(id)}`,
        start: slot,
        end: slot + SLOT,
        numberOfPeople: 1,
        status: 'pending',
        createdAt: created + ids.indexOf(id),
        updatedAt: 0,
      }));
    const pass = admit(new Map([[slot, byAdmin.size]]), queue, CAPACITY, GRID);
    expect(bySystem).toEqual(pass.admitted.map((r) => r.id));
    // Both processes went through PgBouncer in transaction mode.
    expect(await bouncer.pools()).toEqual(['transaction']);
    expect((await bouncer.stats()).transactions).toBeGreaterThan(200);
  });
});
