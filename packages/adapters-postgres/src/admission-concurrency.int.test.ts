import {
  at,
  bookingDraft,
  encodeAnswer,
  keyedAnswer,
  NOW,
  useCaseKit,
} from '@exam-reservation/application/testing';
import {
  DomainError,
  IdempotencyInProgressError,
  type Reservation,
  SlotGrid,
  TimeRange,
} from '@exam-reservation/domain';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { auditCapacity, resetSchema } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

// Every use-case call runs its units of work on connections of its own: the
// races are between real, separate database sessions.
const POOL_SIZE = 24;
const CAPACITY = 100;
/** The Seoul day of at(0..89). */
const DAY = '2026-12-10';
const grid = new SlotGrid(10);

let store: KyselyStore;

storePerFile({ poolSize: POOL_SIZE }, (opened) => {
  ({ store } = opened);
});

beforeEach(async () => {
  await resetSchema(store);
});

/** A small deterministic generator, so a failing race can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

/** Inserts `count` pending reservations of `userId` over slots 0..13 with one SQL statement, in creation order. */
async function seedPending(userId: number, count: number, seed: number): Promise<void> {
  const next = random(seed);
  const rows = Array.from({ length: count }, (_, i) => {
    const from = next(12);
    const length = 1 + next(3);
    return sql`(${userId}::int, ${`R ${i}`}::text, ${new Date(at(from))}::timestamptz,
      ${new Date(at(from + length))}::timestamptz, ${5 + next(36)}::int, 'pending',
      ${new Date(NOW + i)}::timestamptz, ${new Date(NOW + i)}::timestamptz)`;
  });
  await sql`insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people,
      status, created_at, updated_at) values ${sql.join(rows)}`.execute(store.kysely);
}

/** Succeeded, refused by a rule (a DomainError), or failed otherwise (a deadlock, say). */
async function settle(work: readonly Promise<unknown>[]) {
  const settled = await Promise.allSettled(work);
  return {
    succeeded: settled.filter((s) => s.status === 'fulfilled').length,
    refused: settled.filter((s) => s.status === 'rejected' && s.reason instanceof DomainError).length,
    failed: settled.flatMap((s) =>
      s.status === 'rejected' && !(s.reason instanceof DomainError) ? [s.reason] : [],
    ),
  };
}

async function all(): Promise<Reservation[]> {
  return (await store.read((s) => s.reservations.list({ offset: 0, limit: 100_000 }))).items as Reservation[];
}

/** No slot over capacity, the ledger equal to the reservations, and one confirmed event per confirmed one. */
async function expectConsistent(): Promise<void> {
  const audit = await auditCapacity(store.kysely, CAPACITY);
  expect(audit.overCapacity).toEqual([]);
  expect(audit.ledgerMismatches).toEqual([]);
  const { rows } = await sql<{ id: number; status: string; confirmations: number }>`
    select r.id, r.status, count(e.id) filter (where e.type = 'confirmed')::int as confirmations
    from reservations r left join reservation_events e on e.reservation_id = r.id
    group by r.id`.execute(store.kysely);
  for (const row of rows)
    expect(row.confirmations, `reservation ${row.id}`).toBe(row.status === 'confirmed' ? 1 : 0);
}

/** Every reservation still pending would not fit next to the confirmed load as it ends up. */
async function expectLeftPendingWouldNotFit(): Promise<number> {
  const loads = await store.read((s) => s.ledger.loadsIn(at(-10), at(100)));
  const pending = (await all()).filter((r) => r.status === 'pending');
  for (const r of pending) {
    const fits = grid
      .slotsOf(TimeRange.of(r.start, r.end))
      .every((slot) => (loads.get(slot) ?? 0) + r.numberOfPeople <= CAPACITY);
    expect(fits, `pending reservation ${r.id} would fit`).toBe(false);
  }
  return pending.length;
}

describe('admission racing confirmations, bulk actions and another admission on PostgreSQL', () => {
  it('never overfills a slot, deadlocks nothing, and leaves pending only what does not fit', async () => {
    const kit = await useCaseKit(store, { capacity: CAPACITY, admissionChunk: 50 });
    await seedPending(kit.alice.userId, 600, 3);
    const ids = (await all()).map((r) => r.id);
    const next = random(5);
    const pick = (n: number) => [...new Set(Array.from({ length: n }, () => ids[next(ids.length)]!))];
    const secondConfirmer = kit.newConfirmer();
    const admit = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: false };
    const result = await settle([
      kit.admit.execute(admit),
      kit.newAdmitter(37).execute(admit),
      ...pick(150).map((id, i) => (i % 2 ? secondConfirmer : kit.confirm).execute({ actor: kit.admin, id })),
      kit.bulkConfirm.execute({ actor: kit.admin, ids: pick(200) }),
      kit.bulkReject.execute({ actor: kit.admin, ids: pick(40), reason: 'moved' }),
      kit.newAdmitter(200).execute(admit),
    ]);
    expect(result.failed).toEqual([]);
    // Three admissions and two bulk actions always succeed; some single confirmations do, others are refused.
    expect(result.succeeded).toBeGreaterThan(5);
    expect(result.refused).toBeGreaterThan(10);
    await expectConsistent();
    const statuses = (await all()).map((r) => r.status);
    // The race only tests something if everything happened: confirmations, refusals left pending, rejections.
    expect(statuses.filter((s) => s === 'confirmed').length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s === 'rejected').length).toBeGreaterThan(0);
    expect(await expectLeftPendingWouldNotFit()).toBeGreaterThan(100);
  });

  it('two admissions rejecting the rest agree: nothing pending is left, nothing is over capacity', async () => {
    const kit = await useCaseKit(store, { capacity: CAPACITY, admissionChunk: 40 });
    await seedPending(kit.bob.userId, 400, 9);
    const admit = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: true };
    const [a, b] = await Promise.all([kit.admit.execute(admit), kit.newAdmitter(64).execute(admit)]);
    await expectConsistent();
    const statuses = (await all()).map((r) => r.status);
    expect(statuses.filter((s) => s === 'pending')).toEqual([]);
    expect(a.confirmed + b.confirmed).toBe(statuses.filter((s) => s === 'confirmed').length);
    expect(a.rejected + b.rejected).toBe(statuses.filter((s) => s === 'rejected').length);
    // Together they decided every reservation exactly once.
    expect(a.confirmed + a.rejected + b.confirmed + b.rejected).toBe(400);
  });
});

describe('Idempotency-Key races on PostgreSQL', () => {
  const once = (key: string) => ({
    key,
    fingerprint: `fp-${key}`,
    render: (d: { ok: unknown } | { error: DomainError }) =>
      encodeAnswer(
        'ok' in d
          ? { status: 201, headers: {}, body: JSON.stringify(d.ok) }
          : { status: 409, headers: {}, body: JSON.stringify({ code: d.error.code }) },
      ),
  });

  it('20 concurrent creates with one key make exactly one reservation', async () => {
    const kit = await useCaseKit(store, { capacity: CAPACITY });
    const command = { actor: kit.alice, draft: bookingDraft(0, 2, 10) };
    // Open the pool's connections first, so the 20 start together rather than one per new connection.
    await Promise.all(Array.from({ length: 20 }, () => store.run((s) => s.users.findById(kit.alice.userId))));
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, () => keyedAnswer(kit.create.execute(command, once('one')))),
    );
    expect((await all()).length).toBe(1);
    const answered = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
    expect(answered.filter((a) => !a.replayed)).toHaveLength(1);
    for (const a of answered) expect(a.response).toEqual(answered.find((x) => !x.replayed)!.response);
    for (const error of refused) expect(error).toBeInstanceOf(IdempotencyInProgressError);
    // Separate connections: some of them did meet the key while it was held.
    expect(refused.length + answered.length).toBe(20);
    const replay = await keyedAnswer(kit.create.execute(command, once('one')));
    expect(replay.replayed).toBe(true);
  });

  it('keyed confirmations racing in batches of two confirmers confirm each reservation once', async () => {
    const kit = await useCaseKit(store, { capacity: CAPACITY });
    const rs: Reservation[] = [];
    for (let i = 0; i < 30; i++) rs.push(await kit.book(kit.alice, i % 6, (i % 6) + 1, 30));
    const confirmers = [kit.confirm, kit.newConfirmer(), kit.newConfirmer()];
    const settled = await Promise.allSettled(
      rs.flatMap((r, i) =>
        confirmers.map((c) => keyedAnswer(c.execute({ actor: kit.admin, id: r.id }, once(`confirm-${i}`)))),
      ),
    );
    for (const s of settled) {
      if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(IdempotencyInProgressError);
    }
    await expectConsistent();
    for (const [i, r] of rs.entries()) {
      const stored = await keyedAnswer(
        kit.confirm.execute({ actor: kit.admin, id: r.id }, once(`confirm-${i}`)),
      );
      expect(stored.replayed).toBe(true);
      const current = await store.read((s) => s.reservations.get(r.id));
      expect(stored.response.status).toBe(current!.status === 'confirmed' ? 201 : 409);
    }
    // Three fit per slot (3 × 30 ≤ 100): six slots, 18 confirmed.
    expect((await all()).filter((r) => r.status === 'confirmed')).toHaveLength(18);
  });
});
