import type { ExportCursor } from '@exam-reservation/application';
import { TimeRange } from '@exam-reservation/domain';
import {
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import type { KyselyStore } from './index.js';
import { inlineParameters } from './inline-parameters.js';
import { PostgresReservations } from './postgres-reservations.js';
import { simpleQuery, type TestDatabase } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

let database: TestDatabase;
let store: KyselyStore;

storePerFile({ poolSize: 2 }, (opened) => {
  ({ database, store } = opened);
});

describe('PostgresReservations.exportPage', () => {
  it('pages rows written by SQL with microsecond start times: each once, in order, no page again', async () => {
    const [user] = await simpleQuery<{ id: number }>(
      database.url,
      "insert into users (email, user_name, password_hash, role, created_at) values ('micro@example.com', 'm', 'x', 'user', now()) returning id",
    );
    // Three rows share a start to the microsecond, a fourth is 1 µs later: a cursor cut to the
    // millisecond would read the same rows again and again.
    await simpleQuery(
      database.url,
      `insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
       select ${user!.id}, 'r' || n, t, t + interval '10 minutes', 1, 'pending', now(), now()
       from (values (1, timestamptz '2026-12-10 00:00:00.000500+00'), (2, timestamptz '2026-12-10 00:00:00.000500+00'),
                    (3, timestamptz '2026-12-10 00:00:00.000501+00'), (4, timestamptz '2026-12-10 00:00:00.000500+00'),
                    (5, timestamptz '2026-12-09 23:59:59.999999+00')) as v(n, t)`,
    );
    const overlapping = TimeRange.of(Date.parse('2026-12-09T00:00:00Z'), Date.parse('2026-12-11T00:00:00Z'));
    const names: string[] = [];
    let after: ExportCursor | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await store.read((s) => s.reservations.exportPage({ overlapping, after, limit: 1 }));
      names.push(...page.items.map((r) => r.reservationName));
      if (page.next === null) break;
      after = page.next;
    }
    expect(names).toEqual(['r5', 'r1', 'r2', 'r4', 'r3']);
  });

  it('walks an index, never the whole table: the first page from the GiST range index, the next ones on (start_time, id)', async () => {
    // The statements the adapter sends, caught before they are sent.
    const sent: CompiledQuery[] = [];
    const db = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const catching = new PostgresReservations(db, {
      rows: async (query) => {
        sent.push(query.compile());
        return [];
      },
      write: async () => undefined,
    });
    const overlapping = TimeRange.of(Date.parse('2027-03-01T00:00:00Z'), Date.parse('2027-03-02T00:00:00Z'));
    await catching.exportPage({ overlapping, statuses: ['pending', 'confirmed'], limit: 500 });
    await catching.exportPage({
      overlapping,
      statuses: ['pending'],
      after: '2027-03-01 10:00:00.000000 AD/12' as ExportCursor,
      limit: 500,
    });
    // A year of reservations, 40,000 of them, so the planner has a choice to make.
    await simpleQuery(
      database.url,
      `insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
       select (select min(id) from users), 'p' || n, t, t + interval '1 hour', 1, 'pending', now(), now()
       from (select n, timestamptz '2027-01-01 00:00:00+00' + (n % 52560) * interval '10 minutes' as t
             from generate_series(1, 40000) as n) as g`,
    );
    await simpleQuery(database.url, 'analyze reservations');
    const plans = [];
    for (const query of sent) {
      const rows = await simpleQuery<{ 'QUERY PLAN': string }>(
        database.url,
        `explain ${inlineParameters(query)}`,
      );
      plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    const [first, next] = plans;
    expect(first).toContain('reservations_range_idx');
    expect(first).toContain('reservations_start_id_idx');
    expect(next).toContain('reservations_start_id_idx');
    for (const plan of plans) expect(plan).not.toMatch(/Seq Scan/);
    // Where the first read starts costs the rows that hold the range's first instant (six here),
    // not every row of the range: a whole year's range reads as few through the range index.
    const year = TimeRange.of(Date.parse('2027-01-01T00:00:00Z'), Date.parse('2028-01-01T00:00:00Z'));
    await catching.exportPage({ overlapping: year, limit: 500 });
    const [analysed] = await simpleQuery<{ 'QUERY PLAN': unknown }>(
      database.url,
      `explain (analyze, format json) ${inlineParameters(sent[2]!)}`,
    );
    const byRangeIndex: number[] = [];
    const visit = (node: Record<string, unknown>) => {
      if (node['Index Name'] === 'reservations_range_idx') byRangeIndex.push(node['Actual Rows'] as number);
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
    };
    const raw: unknown = analysed?.['QUERY PLAN'];
    const analysedPlans = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      Plan: Record<string, unknown>;
    }[];
    visit(analysedPlans[0]!.Plan);
    expect(byRangeIndex.length).toBe(1);
    expect(byRangeIndex[0]).toBeLessThanOrEqual(10);
  });

  it('reads each time as a read of the row does: epoch ms, fractions of a millisecond cut', async () => {
    const [user] = await simpleQuery<{ id: number }>(
      database.url,
      "insert into users (email, user_name, password_hash, role, created_at) values ('times@example.com', 't', 'x', 'user', now()) returning id",
    );
    // Microseconds just under and at a millisecond, before 1970, and far ahead: the export reads
    // times as numbers computed by the server, the other reads parse their text.
    const rows = await simpleQuery<{ id: number }>(
      database.url,
      `insert into reservations (user_id, reservation_name, start_time, end_time, number_of_people, status, created_at, updated_at)
       select ${user!.id}, 'time ' || n, t, t + interval '10 minutes', 1, 'pending', t - interval '1 day 0.000999 seconds', t + interval '0.001001 seconds'
       from (values (1, timestamptz '2031-05-06 07:08:09.123999+00'), (2, timestamptz '2031-05-06 07:08:09.124000+00'),
                    (3, timestamptz '1969-12-31 23:59:59.999500+00'), (4, timestamptz '2999-12-31 23:50:00.000001+00'),
                    (5, timestamptz '2031-05-06 07:08:09.000999+00')) as v(n, t)
       returning id`,
    );
    const overlapping = TimeRange.of(Date.parse('1969-01-01T00:00:00Z'), Date.parse('3000-01-02T00:00:00Z'));
    const exported = [];
    let after: ExportCursor | undefined;
    do {
      const page = await store.read((s) => s.reservations.exportPage({ overlapping, after, limit: 20_000 }));
      exported.push(...page.items.filter((r) => r.reservationName.startsWith('time ')));
      after = page.next ?? undefined;
    } while (after);
    expect(exported).toHaveLength(rows.length);
    for (const reservation of exported) {
      expect(reservation).toEqual(await store.read((s) => s.reservations.get(reservation.id)));
    }
    expect(exported.find((r) => r.reservationName === 'time 1')?.start).toBe(
      Date.parse('2031-05-06T07:08:09.123Z'),
    );
  });

  it('refuses a cursor it did not make', async () => {
    const overlapping = TimeRange.of(0, 1_000);
    await expect(
      store.read((s) =>
        s.reservations.exportPage({
          overlapping,
          after: '2026-12-10/1; drop table x' as ExportCursor,
          limit: 1,
        }),
      ),
    ).rejects.toThrow(RangeError);
  });
});
