import { at, useCaseKit } from '@exam-reservation/application/testing';
import {
  CapacityExceededError,
  confirmedLoadDelta,
  InvalidStateError,
  type Reservation,
} from '@exam-reservation/domain';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { auditCapacity, resetSchema, type TestDatabase } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

// Every use-case call below runs its own transaction on its own pooled
// connection: the races are between real, separate database sessions.
const POOL_SIZE = 24;

let database: TestDatabase;
let store: KyselyStore;

storePerFile({ poolSize: POOL_SIZE }, (opened) => {
  ({ database, store } = opened);
});

beforeEach(async () => {
  await resetSchema(store);
});

interface Outcomes<T> {
  readonly succeeded: T[];
  readonly refused: CapacityExceededError[];
  /** Anything else, deadlocks (SQLSTATE 40P01) included. */
  readonly failed: unknown[];
}

async function outcomes<T>(work: readonly Promise<T>[]): Promise<Outcomes<T>> {
  const settled = await Promise.allSettled(work);
  const result: Outcomes<T> = { succeeded: [], refused: [], failed: [] };
  for (const s of settled) {
    if (s.status === 'fulfilled') result.succeeded.push(s.value);
    else if (s.reason instanceof CapacityExceededError) result.refused.push(s.reason);
    else result.failed.push(s.reason);
  }
  return result;
}

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

async function expectLedgerConsistent(capacity: number): Promise<void> {
  const audit = await auditCapacity(store.kysely, capacity);
  expect(audit.overCapacity).toEqual([]);
  expect(audit.ledgerMismatches).toEqual([]);
  expect(audit.maxLoad).toBeLessThanOrEqual(capacity);
}

// Each case runs twice: every confirmation in its own transaction on its own
// connection, and batched by four independent confirmers (as four API
// processes would), whose batches race each other on the same slots.
describe.each([
  { mode: 'one transaction per confirmation', confirmBatch: 1, confirmers: 1 },
  { mode: 'batched, four confirmers racing', confirmBatch: 64, confirmers: 4 },
])(
  'the capacity invariant under concurrent transactions on PostgreSQL ($mode)',
  ({ confirmBatch, confirmers }) => {
    const kitFor = async (capacity: number) => {
      const kit = await useCaseKit(store, { capacity, confirmBatch });
      const all = [kit.confirm, ...Array.from({ length: confirmers - 1 }, () => kit.newConfirmer())];
      return { ...kit, confirmAt: (i: number) => all[i % all.length]! };
    };

    it('100 pending × 5,000 people in one window confirmed at once: exactly 10 fit, 90 are refused', async () => {
      const kit = await kitFor(50_000);
      const pending: Reservation[] = [];
      for (let i = 0; i < 100; i++) pending.push(await kit.book(i % 2 ? kit.alice : kit.bob, 6, 12, 5_000));
      const result = await outcomes(
        pending.map((r, i) => kit.confirmAt(i).execute({ actor: kit.admin, id: r.id })),
      );
      expect(result.failed).toEqual([]);
      expect(result.succeeded).toHaveLength(10);
      expect(result.refused).toHaveLength(90);
      for (const refusal of result.refused) expect(refusal.slotStart).toBe(at(6));
      expect(await kit.loads(6, 12)).toEqual([50_000, 50_000, 50_000, 50_000, 50_000, 50_000]);
      await expectLedgerConsistent(50_000);
      const audit = await auditCapacity(store.kysely, 50_000);
      expect(audit.confirmed).toBe(10);
    });

    it('staggered, partly overlapping reservations confirmed at once never overfill a slot', async () => {
      const kit = await kitFor(100);
      const next = random(7);
      const pending: Reservation[] = [];
      for (let i = 0; i < 240; i++) {
        const from = next(12);
        pending.push(await kit.book(kit.alice, from, from + 1 + next(5), 5 + next(36)));
      }
      const result = await outcomes(
        pending.map((r, i) => kit.confirmAt(i).execute({ actor: kit.admin, id: r.id })),
      );
      expect(result.failed).toEqual([]);
      // The race is only a test if both outcomes happen.
      expect(result.succeeded.length).toBeGreaterThan(10);
      expect(result.refused.length).toBeGreaterThan(10);
      await expectLedgerConsistent(100);
    });

    it('admin moves and resizes of confirmed reservations racing confirmations never overfill a slot', async () => {
      const kit = await kitFor(100);
      const next = random(11);
      const confirmed: Reservation[] = [];
      for (let i = 0; i < 30; i++) {
        const from = next(16);
        const r = await kit.book(kit.bob, from, from + 1 + next(3), 5 + next(20));
        try {
          confirmed.push(await kit.confirm.execute({ actor: kit.admin, id: r.id }));
        } catch (error) {
          if (!(error instanceof CapacityExceededError)) throw error;
        }
      }
      const pending: Reservation[] = [];
      for (let i = 0; i < 120; i++) {
        const from = next(16);
        try {
          pending.push(await kit.book(kit.alice, from, from + 1 + next(4), 5 + next(30)));
        } catch (error) {
          // Booking is refused at once where the confirmed load leaves no room.
          if (!(error instanceof CapacityExceededError)) throw error;
        }
      }
      expect(pending.length).toBeGreaterThan(60);
      const work: Promise<unknown>[] = pending.map((r, i) =>
        kit.confirmAt(i).execute({ actor: kit.admin, id: r.id }),
      );
      for (const r of confirmed) {
        const from = next(16);
        const patch =
          next(3) === 0
            ? { numberOfPeople: 5 + next(60) }
            : { start: at(from), end: at(from + 1 + next(5)), numberOfPeople: 5 + next(40) };
        const alsoCancelled = next(4) === 0;
        work.push(
          kit.update.execute({ actor: kit.admin, id: r.id, patch }).catch((error: unknown) => {
            // An update that comes after the racing cancel finds it cancelled: that is the rule, not a fault.
            if (alsoCancelled && error instanceof InvalidStateError) return 'lost to the cancel';
            throw error;
          }),
        );
        if (alsoCancelled) work.push(kit.cancel.execute({ actor: kit.admin, id: r.id }));
      }
      const result = await outcomes(work);
      expect(result.failed).toEqual([]);
      expect(result.succeeded.length).toBeGreaterThan(10);
      expect(result.refused.length).toBeGreaterThan(0);
      await expectLedgerConsistent(100);
    });

    it('20 concurrent confirmations of one reservation count it once', async () => {
      const kit = await kitFor(100);
      const r = await kit.book(kit.alice, 0, 3, 37);
      const result = await outcomes(
        Array.from({ length: 20 }, (_, i) => kit.confirmAt(i).execute({ actor: kit.admin, id: r.id })),
      );
      expect(result.failed).toEqual([]);
      expect(result.succeeded).toHaveLength(20);
      expect(await kit.loads(0, 3)).toEqual([37, 37, 37]);
      const events = await store.run((s) => s.events.listFor(r.id));
      expect(events.filter((e) => e.type === 'confirmed')).toHaveLength(1);
      await expectLedgerConsistent(100);
    });
  },
);

describe('the authoritative capacity check at commit', () => {
  it('refuses a change that passed the early check but lost the race, and rolls the whole unit back', async () => {
    const kit = await useCaseKit(store, { capacity: 100 });
    const slow = await kit.book(kit.alice, 0, 2, 60);
    const fast = await kit.book(kit.bob, 0, 2, 60);
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let checked!: () => void;
    const hasChecked = new Promise<void>((resolve) => {
      checked = resolve;
    });
    // A unit that has written its confirmation and its ledger change (room
    // for 60 when it looked), then pauses before committing...
    const slowUnit = store.run(async (s) => {
      const before = (await s.reservations.getForUpdate(slow.id))!;
      const after = { ...before, status: 'confirmed' as const };
      await s.reservations.save(after);
      await s.events.append({
        reservationId: slow.id,
        type: 'confirmed',
        actorId: kit.admin.userId,
        actorRole: 'admin',
        reason: null,
        at: 0,
        before,
        after,
      });
      await s.ledger.apply(confirmedLoadDelta(before, after, kit.policy.grid), 100);
      checked();
      await resumed;
    });
    await hasChecked;
    // ...while another confirmation takes the same places and commits first.
    await kit.confirm.execute({ actor: kit.admin, id: fast.id });
    resume();
    const error = await slowUnit.then(
      () => expect.fail('the slow unit should have been refused at commit'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CapacityExceededError);
    expect(error).toMatchObject({ slotStart: at(0), available: 40, requested: 60 });
    expect(await store.read((s) => s.reservations.get(slow.id))).toEqual(slow);
    expect((await store.run((s) => s.events.listFor(slow.id))).map((e) => e.type)).toEqual(['created']);
    expect(await kit.loads(0, 2)).toEqual([60, 60]);
    await expectLedgerConsistent(100);
  });
});

describe('a confirmation whose backend dies half-way', () => {
  it('leaves the reservation pending and the ledger in agreement with the reservations', async () => {
    const kit = await useCaseKit(store, { capacity: 100 });
    const earlier = await kit.book(kit.bob, 0, 2, 10);
    await kit.confirm.execute({ actor: kit.admin, id: earlier.id });
    const victim = await kit.book(kit.alice, 1, 3, 20);

    // Another session holds slot 1's ledger row, so the confirmation stops
    // at its last statement, after writing the reservation and its event.
    const holder = new pg.Client({ connectionString: database.url });
    const killer = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await killer.connect();
    try {
      await holder.query('begin');
      await holder.query('select * from slot_loads where slot_start = $1 for update', [new Date(at(1))]);
      const confirming = kit.confirm.execute({ actor: kit.admin, id: victim.id });
      confirming.catch(() => undefined);
      const pid = await waitForBlockedLedgerWrite(killer);
      const killed = await killer.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
      expect(killed.rows[0]?.ok).toBe(true);
      const error = await confirming.then(
        () => expect.fail('the confirmation should have died with its backend'),
        (e: unknown) => e,
      );
      expect(error).not.toBeInstanceOf(CapacityExceededError);
      await holder.query('rollback');
    } finally {
      await holder.end();
      await killer.end();
    }

    expect(await store.read((s) => s.reservations.get(victim.id))).toEqual(victim);
    expect((await store.run((s) => s.events.listFor(victim.id))).map((e) => e.type)).toEqual(['created']);
    expect(await kit.loads(0, 3)).toEqual([10, 10, 0]);
    await expectLedgerConsistent(100);
    // The pool recovers: the same confirmation goes through afterwards.
    await expect(kit.confirm.execute({ actor: kit.admin, id: victim.id })).resolves.toMatchObject({
      status: 'confirmed',
    });
    expect(await kit.loads(0, 3)).toEqual([10, 30, 20]);
    await expectLedgerConsistent(100);
  });
});

/**
 * The pid of the backend waiting for a row lock in its last message (the
 * held-back writes, the upsert of slot_loads and COMMIT). Only the holder of
 * the slot row and this confirmation use the database meanwhile, so the one
 * backend waiting for a lock is it (the message's text is longer than
 * pg_stat_activity keeps, so the upsert cannot be found in it).
 */
async function waitForBlockedLedgerWrite(client: pg.Client): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
    );
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the confirmation never reached the ledger');
}
