import type { AdmissionResult, AdmitCommand } from '@exam-reservation/application';
import { admitReservations, type PendingCursor, type UseCase } from '@exam-reservation/application';
import { at, encodeAnswer, keyedAnswer, NOW, useCaseKit } from '@exam-reservation/application/testing';
import { admitFirstComeFirstServed, type Reservation, TimeRange } from '@exam-reservation/domain';
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { resetSchema } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

// Rows written by SQL (an import, a now() default) carry microseconds, which
// a creation time in milliseconds cuts off. Admission must page past them.

const CAPACITY = 100;
/** The Seoul day of at(0..89). */
const DAY = '2026-12-10';
/** Creation times are this instant plus some microseconds. */
const BASE = '2026-12-01T00:00:00.123Z';

let store: KyselyStore;

storePerFile({ poolSize: 4 }, (opened) => {
  ({ store } = opened);
});

beforeEach(async () => {
  await resetSchema(store);
});

/** A pending row as plain SQL writes it: created `micros` µs after {@link BASE}. */
interface Row {
  readonly micros: number;
  readonly from: number;
  readonly length: number;
  readonly people: number;
}

/** Inserts `rows` in the order given (so ids follow it, not creation time) with one statement. */
async function insertPending(userId: number, rows: readonly Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const values = rows.slice(i, i + 5000).map(
      (r, j) => sql`(${userId}::int, ${`R ${i + j}`}::text, ${new Date(at(r.from))}::timestamptz,
        ${new Date(at(r.from + r.length))}::timestamptz, ${r.people}::int, 'pending',
        ${BASE}::timestamptz + ${r.micros}::int * interval '1 microsecond', ${BASE}::timestamptz)`,
    );
    await sql`insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people,
        status, created_at, updated_at) values ${sql.join(values)}`.execute(store.kysely);
  }
}

/** The pending queue in the database's own creation order, at full precision. */
async function queue(): Promise<Reservation[]> {
  const { rows } = await sql<{ id: number }>`
    select id from reservations where status = 'pending' order by created_at, id`.execute(store.kysely);
  const all = await store.read((s) => s.reservations.list({ offset: 0, limit: 100_000 }));
  const byId = new Map(all.items.map((r) => [r.id, r]));
  return rows.map((row) => byId.get(row.id)!);
}

/** Every admission decision per reservation: its status, and how many confirmations and rejections it has. */
async function decisions() {
  const { rows } = await sql<{ id: number; status: string; decided: number }>`
    select r.id, r.status, count(e.id) filter (where e.type in ('confirmed', 'rejected'))::int as decided
    from reservations r left join reservation_events e on e.reservation_id = r.id
    group by r.id order by r.id`.execute(store.kysely);
  return rows;
}

/**
 * Admits the day with `admitter` and checks the outcome against the domain's
 * one pass over the queue as the database orders it: the same decisions, the
 * counts answered, and one event per decided reservation, none for the rest.
 */
async function expectOnePass(
  kit: Awaited<ReturnType<typeof useCaseKit>>,
  admitter: UseCase<AdmitCommand, AdmissionResult>,
  rejectRest: boolean,
): Promise<void> {
  const pending = await queue();
  const expected = admitFirstComeFirstServed(kit.admin, new Map(), pending, kit.policy, NOW, { rejectRest });
  const result = await admitter.execute({ actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest });
  expect(result).toEqual({
    confirmed: expected.confirmed.length,
    rejected: expected.rejected.length,
    leftPending: expected.leftPending.length,
    complete: true,
  });
  const status = new Map<number, string>(pending.map((r) => [r.id, 'pending']));
  for (const t of [...expected.confirmed, ...expected.rejected]) status.set(t.after.id, t.after.status);
  const rows = await decisions();
  expect(rows.map((r) => [r.id, r.status])).toEqual([...status.entries()].sort((a, b) => a[0] - b[0]));
  for (const row of rows) expect(row.decided, `reservation ${row.id}`).toBe(row.status === 'pending' ? 0 : 1);
}

/** A small deterministic generator of rows over slots 0..13. */
function rowsOf(count: number, micros: (i: number) => number, seed: number): Row[] {
  let state = seed >>> 0;
  const next = (n: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
  return Array.from({ length: count }, (_, i) => ({
    micros: micros(i),
    from: next(12),
    length: 1 + next(3),
    people: 5 + next(36),
  }));
}

describe('admission over creation times with microseconds (rows written by SQL)', () => {
  it('pages through 4,000 rows created in one millisecond, ties included, deciding each once', async () => {
    const kit = await useCaseKit(store, { capacity: CAPACITY, admissionChunk: 97 });
    // 1,000 distinct microseconds, four rows on each, in an order unlike their ids.
    await insertPending(
      kit.alice.userId,
      rowsOf(4000, (i) => (i * 7919) % 1000, 1),
    );
    await expectOnePass(kit, kit.admit, true);
    expect((await decisions()).filter((r) => r.status === 'pending')).toEqual([]);
  }, 60_000);

  it('400 rows in whole milliseconds and 200 with microseconds: each decided at most once, in stored order', async () => {
    const kit = await useCaseKit(store, { capacity: CAPACITY, admissionChunk: 50 });
    await insertPending(kit.alice.userId, [
      ...rowsOf(400, (i) => (i % 40) * 1000, 2),
      ...rowsOf(200, (i) => (i % 40) * 1000 + 1 + ((i * 37) % 998), 3),
    ]);
    await expectOnePass(kit, kit.admit, false);
  }, 60_000);

  it('the store pages strictly forward: every pending row once, in stored order', async () => {
    const kit = await useCaseKit(store, { capacity: CAPACITY });
    await insertPending(
      kit.alice.userId,
      rowsOf(300, (i) => (i % 3 ? (i % 7) * 1000 : 500 + (i % 11)), 4),
    );
    const range = TimeRange.of(at(0), at(90));
    const seen: number[] = [];
    let after: PendingCursor | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await store.read((s) =>
        s.reservations.listPending({ overlapping: range, after, limit: 7 }),
      );
      seen.push(...page.items.map((r) => r.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual((await queue()).map((r) => r.id));
  });

  it('property: any mix of precisions is admitted as the domain admits the stored queue in one pass', async () => {
    const row = fc.record({
      micros: fc.oneof(
        fc.integer({ min: 0, max: 3 }).map((ms) => ms * 1000),
        fc.integer({ min: 0, max: 3999 }),
      ),
      from: fc.integer({ min: 0, max: 11 }),
      length: fc.integer({ min: 1, max: 3 }),
      people: fc.integer({ min: 5, max: 60 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        async (rows, rejectRest) => {
          await resetSchema(store);
          const kit = await useCaseKit(store, { capacity: CAPACITY, admissionChunk: 7 });
          await insertPending(kit.alice.userId, rows);
          await expectOnePass(kit, kit.admit, rejectRest);
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});

describe('admission cut by ADMISSION_MAX_MS on PostgreSQL', () => {
  it.each([false, true])(
    'runs cut after every chunk, repeated with one key, end as one run ends (rejectRest %s)',
    async (rejectRest) => {
      const rows = rowsOf(120, (i) => (i % 9) * 1000 + ((i * 53) % 1000), 5).map((r) => ({
        ...r,
        people: 1 + (r.people % 8),
      }));
      // Ones left pending stay at the head of the queue and every repeat reads them again: with one
      // chunk per run, fewer of them than a chunk holds, or the repeats would never get past them.
      const capacity = rejectRest ? 40 : 130;
      const whole = await useCaseKit(store, { capacity, admissionChunk: 11 });
      await insertPending(whole.alice.userId, rows);
      const command = { actor: whole.admin, startDate: DAY, endDate: DAY, rejectRest };
      const one = await whole.admit.execute(command);
      const uninterrupted = (await decisions()).map((r) => [r.id, r.status]);
      expect(one.confirmed).toBeGreaterThan(20);
      expect(rejectRest ? one.rejected : one.leftPending).toBeGreaterThan(0);
      if (!rejectRest) expect(one.leftPending).toBeLessThan(11);

      await resetSchema(store);
      const kit = await useCaseKit(store, { capacity });
      await insertPending(kit.alice.userId, rows);
      // A fixed clock and no time at all: every run stops after its first chunk.
      const cut = admitReservations(
        { uow: store, clock: kit.clock, policy: kit.policy },
        { chunkSize: 11, maxMs: 0 },
      );
      const once = {
        key: 'admit',
        fingerprint: 'fp',
        render: (d: { ok: unknown } | { error: { code: string } }) =>
          encodeAnswer({ status: 200, headers: {}, body: JSON.stringify('ok' in d ? d.ok : d.error.code) }),
      };
      const answers: { confirmed: number; rejected: number; complete: boolean }[] = [];
      for (let i = 0; i < 200; i++) {
        const answer = await keyedAnswer(cut.execute({ ...command, actor: kit.admin }, once));
        expect(answer.replayed).toBe(false);
        answers.push(JSON.parse(answer.response.body));
        if (answers[answers.length - 1]!.complete) break;
      }
      expect(answers.length).toBeGreaterThan(2);
      expect(answers.slice(0, -1).every((a) => a.complete === false)).toBe(true);
      expect(answers[answers.length - 1]!.complete).toBe(true);
      expect((await decisions()).map((r) => [r.id, r.status])).toEqual(uninterrupted);
      for (const row of await decisions()) expect(row.decided).toBe(row.status === 'pending' ? 0 : 1);
      const total = (key: 'confirmed' | 'rejected') => answers.reduce((n, a) => n + a[key], 0);
      expect([total('confirmed'), total('rejected')]).toEqual([one.confirmed, one.rejected]);
      // The complete answer was stored: the key now replays it.
      const replay = await keyedAnswer(cut.execute({ ...command, actor: kit.admin }, once));
      expect(replay.replayed).toBe(true);
      expect(JSON.parse(replay.response.body)).toEqual(answers[answers.length - 1]);
    },
    60_000,
  );
});
