import {
  type AdmissionResult,
  type AdmitCommand,
  admitReservations,
  previewAdmission,
} from '@exam-reservation/application';
import { at, encodeAnswer, keyedAnswer, NOW, useCaseKit } from '@exam-reservation/application/testing';
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { resetSchema } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

// A dry run (`dry_run: true`) answers what the run right after it does, and
// changes nothing in the database: every table an admission writes is the
// same before and after it, to the byte.

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

/** What an admission could write: every row of these tables, in a fixed order. */
const TABLES = [
  'reservations',
  'reservation_events',
  'slot_loads',
  'webhook_deliveries',
  'webhook_attempts',
  'idempotency_keys',
] as const;

async function tables(): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {};
  for (const table of TABLES) {
    const { rows } = await sql<{ rows: unknown }>`
      select coalesce(jsonb_agg(to_jsonb(t) order by to_jsonb(t)::text), '[]'::jsonb) as rows
      from ${sql.table(table)} t`.execute(store.kysely);
    all[table] = rows[0]!.rows;
  }
  return all;
}

const count = async (table: (typeof TABLES)[number]) => ((await tables())[table] as unknown[]).length;

/** A pending row as plain SQL writes it: created `micros` µs after {@link BASE}. */
interface Row {
  readonly micros: number;
  readonly from: number;
  readonly length: number;
  readonly people: number;
}

async function insertPending(userId: number, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map(
    (r, i) => sql`(${userId}::int, ${`R ${i}`}::text, ${new Date(at(r.from))}::timestamptz,
      ${new Date(at(r.from + r.length))}::timestamptz, ${r.people}::int, 'pending',
      ${BASE}::timestamptz + ${r.micros}::int * interval '1 microsecond', ${BASE}::timestamptz)`,
  );
  await sql`insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people,
      status, created_at, updated_at) values ${sql.join(values)}`.execute(store.kysely);
}

/** A kit with some confirmed load, a webhook endpoint for every change, and a stored Idempotency-Key answer. */
async function seeded(options: { admissionChunk?: number; confirmed?: readonly [number, number, number][] }) {
  const kit = await useCaseKit(store, { capacity: CAPACITY, admissionChunk: options.admissionChunk });
  for (const [from, length, people] of options.confirmed ?? [[2, 2, 50]]) {
    const r = await kit.book(kit.bob, from, from + length, people);
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
  }
  await store.run((s) =>
    s.webhookEndpoints.insert({
      url: 'https://hooks.example.com/in',
      events: ['reservation.confirmed', 'reservation.rejected'],
      secret: 'whsec_dGVzdA==',
      createdAt: NOW,
    }),
  );
  // A keyed confirmation: the idempotency_keys table is not empty.
  const extra = await kit.book(kit.bob, 80, 81, 1);
  await keyedAnswer(kit.confirm.execute({ actor: kit.admin, id: extra.id }, onceFor('confirm-1')));
  return kit;
}

function onceFor(key: string) {
  return {
    key,
    fingerprint: `fp-${key}`,
    render: (d: { ok: unknown } | { error: { code: string } }) =>
      encodeAnswer({ status: 200, headers: {}, body: JSON.stringify('ok' in d ? d.ok : d.error.code) }),
  };
}

type Admitter = { execute(command: AdmitCommand): Promise<AdmissionResult> };

/** A dry run, then the real run right after it: nothing changed in between, and both answered the same. */
async function dryThenReal(dry: Admitter, real: Admitter, command: AdmitCommand): Promise<AdmissionResult> {
  const before = await tables();
  const answer = await dry.execute(command);
  expect(await tables()).toEqual(before);
  expect(await real.execute(command)).toEqual(answer);
  return answer;
}

describe('admission dry run on PostgreSQL', () => {
  it.each([false, true])(
    'a window that does not fit everyone: the dry run answers as the run, and writes nothing (rejectRest %s)',
    async (rejectRest) => {
      const kit = await seeded({ admissionChunk: 2 });
      // Slots 2-3 hold 50 already. In creation order, three chunks of two; the third is
      // decided against what the first two admitted (80 at slot 2, 60 at slot 0).
      await insertPending(kit.alice.userId, [
        { micros: 5, from: 0, length: 3, people: 40 }, // 2nd: 120 at slot 2, does not fit
        { micros: 1, from: 1, length: 2, people: 30 }, // 1st: 80 at slot 2, fits
        { micros: 9, from: 2, length: 1, people: 30 }, // 5th: 110 at slot 2, does not fit
        { micros: 7, from: 0, length: 1, people: 60 }, // 3rd: 60 at slot 0, fits
        { micros: 8, from: 3, length: 2, people: 10 }, // 4th: 60 at slot 3, fits
        { micros: 9, from: 0, length: 1, people: 41 }, // 6th: 101 at slot 0, does not fit
      ]);
      const outboxBefore = await count('webhook_deliveries');
      const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest };
      const answer = await dryThenReal(kit.previewAdmit, kit.admit, command);
      expect(answer).toEqual({
        confirmed: 3,
        rejected: rejectRest ? 3 : 0,
        leftPending: rejectRest ? 0 : 3,
        complete: true,
      });
      // The run wrote its webhooks (what the dry run did not).
      expect((await count('webhook_deliveries')) - outboxBefore).toBe(rejectRest ? 6 : 3);
      await dryThenReal(kit.previewAdmit, kit.admit, command);
    },
  );

  it('property: random queues with microsecond creation times, any chunk size, either rejectRest', async () => {
    const row = fc.record({
      micros: fc.oneof(
        fc.integer({ min: 0, max: 3 }).map((ms) => ms * 1000),
        fc.integer({ min: 0, max: 3999 }),
      ),
      from: fc.integer({ min: 0, max: 11 }),
      length: fc.integer({ min: 1, max: 3 }),
      people: fc.integer({ min: 5, max: 60 }),
    });
    const confirmed = fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 50 }),
      ),
      { maxLength: 3 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 0, maxLength: 50 }),
        confirmed,
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (rows, loads, chunk, rejectRest) => {
          await resetSchema(store);
          const kit = await seeded({ admissionChunk: chunk, confirmed: loads });
          await insertPending(kit.alice.userId, rows);
          const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest };
          await dryThenReal(kit.previewAdmit, kit.admit, command);
          await dryThenReal(kit.previewAdmit, kit.admit, { ...command, rejectRest: !rejectRest });
        },
      ),
      { numRuns: 20 },
    );
  }, 180_000);

  it('cut by ADMISSION_MAX_MS: each dry run answers complete: false after the chunk the run then stops after', async () => {
    const kit = await seeded({});
    const rows = Array.from({ length: 30 }, (_, i) => ({
      micros: (i * 37) % 1000,
      from: i % 10,
      length: 1 + (i % 3),
      people: 10 + ((i * 13) % 40),
    }));
    await insertPending(kit.alice.userId, rows);
    const deps = { uow: store, clock: kit.clock, policy: kit.policy };
    const options = { chunkSize: 4, maxMs: 0 };
    const dry = previewAdmission(deps, options);
    const real = admitReservations(deps, options);
    const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: true };
    const answers: AdmissionResult[] = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await dryThenReal(dry, real, command));
      if (answers.at(-1)!.complete) break;
    }
    expect(answers.length).toBeGreaterThan(2);
    expect(answers.slice(0, -1).every((a) => !a.complete)).toBe(true);
    expect(answers.at(-1)!.complete).toBe(true);
  }, 60_000);
});
