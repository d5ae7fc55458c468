import { bookingPolicy, ForbiddenError, type Reservation, ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import type { ReadStores, TransactionStores, UnitOfWork } from '../ports/index.js';
import { reservationCsvRows } from '../support/reservation-csv.js';
import { draft, seedReservations, seedUser } from '../testing/fixtures.js';
import { ExportReservations } from './export-reservations.js';
import { ListReservations } from './list-reservations.js';

/** Counts the reads it is asked for. */
class CountingStore implements UnitOfWork {
  reads = 0;
  readonly inner = new InMemoryStore();
  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    return this.inner.run(work);
  }
  read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    this.reads++;
    return this.inner.read(work);
  }
}

const policy = bookingPolicy({ timeZone: 'UTC' });
const admin = { userId: 1, role: 'admin' as const };
const user = { userId: 2, role: 'user' as const };
// fixtures' T0 is 2026-12-10T00:00Z: its day in UTC.
const DAY = '2026-12-10';

async function seeded(count: number) {
  const store = new CountingStore();
  const owner = await seedUser(store.inner);
  const rows = await seedReservations(
    store.inner,
    Array.from({ length: count }, (_, i) =>
      draft(owner.id, i % 7, (i % 7) + 1, { status: i % 3 === 0 ? 'confirmed' : 'pending' }),
    ),
  );
  return { store, rows };
}

async function collect(pages: AsyncIterable<readonly Reservation[]>) {
  const sizes: number[] = [];
  const ids: number[] = [];
  for await (const page of pages) {
    sizes.push(page.length);
    ids.push(...page.map((r) => r.id));
  }
  return { sizes, ids };
}

describe('ExportReservations', () => {
  it('yields every overlapping reservation in list order, one read per page', async () => {
    const { store, rows } = await seeded(23);
    const exporter = new ExportReservations({ uow: store, policy, pageSize: 5 });
    const { sizes, ids } = await collect(exporter.pages({ actor: admin, startDate: DAY, endDate: DAY }));
    expect(ids).toEqual([...rows].sort((a, b) => a.start - b.start || a.id - b.id).map((r) => r.id));
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
    // The short last page says there is no more: no read past it.
    expect(store.reads).toBe(5);
  });

  it('filters by status, and reads one more page after an exactly full last one', async () => {
    const { store, rows } = await seeded(30);
    const exporter = new ExportReservations({ uow: store, policy, pageSize: 5 });
    const { sizes, ids } = await collect(
      exporter.pages({ actor: admin, startDate: DAY, endDate: DAY, statuses: ['confirmed'] }),
    );
    const confirmed = rows.filter((r) => r.status === 'confirmed');
    expect(ids.sort((a, b) => a - b)).toEqual(confirmed.map((r) => r.id));
    expect(sizes).toEqual([5, 5]);
    expect(store.reads).toBe(3);
  });

  it('reads nothing before the first page is asked for, and nothing more once the caller stops', async () => {
    const { store } = await seeded(40);
    const exporter = new ExportReservations({ uow: store, policy, pageSize: 5 });
    const pages = exporter.pages({ actor: admin, startDate: DAY, endDate: DAY });
    expect(store.reads).toBe(0);
    for await (const page of pages) {
      expect(page).toHaveLength(5);
      if (store.reads === 2) break;
    }
    expect(store.reads).toBe(2);
    expect(await pages.next()).toEqual({ done: true, value: undefined });
    expect(store.reads).toBe(2);
  });

  it('refuses users, bad dates, ranges over the maximum and an empty status list, before reading', async () => {
    const { store } = await seeded(3);
    const exporter = new ExportReservations({ uow: store, policy });
    const query = { actor: admin, startDate: DAY, endDate: DAY };
    expect(() => exporter.pages({ ...query, actor: user })).toThrow(ForbiddenError);
    expect(() => exporter.pages({ ...query, endDate: '2026-12-09' })).toThrow(ValidationError);
    expect(() => exporter.pages({ ...query, startDate: '2026-02-30' })).toThrow(ValidationError);
    expect(() => exporter.pages({ ...query, startDate: '2025-12-09', endDate: '2026-12-10' })).toThrow(
      ValidationError,
    );
    expect(() => exporter.pages({ ...query, statuses: [] })).toThrow(ValidationError);
    // 366 days is the longest range.
    expect(() => exporter.pages({ ...query, startDate: '2025-12-10', endDate: '2026-12-10' })).not.toThrow();
    expect(store.reads).toBe(0);
  });
});

describe('ListReservations with filters', () => {
  it('lets admins filter by user and status, and refuses a user naming any user', async () => {
    const store = new InMemoryStore();
    const a = await seedUser(store);
    const b = await seedUser(store);
    const rows = await seedReservations(store, [
      draft(a.id, 0, 1, { status: 'confirmed' }),
      draft(b.id, 1, 2, { status: 'confirmed' }),
      draft(a.id, 2, 3),
    ]);
    const list = new ListReservations({ uow: store, policy });
    const page = { page: 1, limit: 10 };
    const byAdmin = await list.execute({ actor: admin, userId: a.id, statuses: ['confirmed'], ...page });
    expect(byAdmin.items.map((r) => r.id)).toEqual([rows[0]!.id]);
    const mine = await list.execute({
      actor: { userId: b.id, role: 'user' },
      statuses: ['confirmed'],
      ...page,
    });
    expect(mine.items.map((r) => r.id)).toEqual([rows[1]!.id]);
    await expect(
      list.execute({ actor: { userId: b.id, role: 'user' }, userId: b.id, ...page }),
    ).rejects.toThrow(ForbiddenError);
    await expect(list.execute({ actor: admin, statuses: [], ...page })).rejects.toThrow(ValidationError);
  });
});

describe('ExportReservations.csvPages', () => {
  /** A store that writes every second page itself (marked, so the test can tell), and leaves the others to the use case. */
  function writingEveryOtherPage(inner: InMemoryStore): UnitOfWork & { asked: number } {
    const uow = {
      asked: 0,
      run: <T>(work: (stores: TransactionStores) => Promise<T>) => inner.run(work),
      read: <T>(work: (stores: ReadStores) => Promise<T>) =>
        inner.read((stores) => {
          const reservations = Object.create(stores.reservations) as ReadStores['reservations'];
          reservations.exportCsvPage = async (query, zone) => {
            uow.asked++;
            if (uow.asked % 2 === 1) return null;
            const { items, next } = await stores.reservations.exportPage(query);
            return { csv: `# by the store\r\n${reservationCsvRows(items, zone)}`, rows: items.length, next };
          };
          return work({ ...stores, reservations });
        }),
    };
    return uow;
  }

  it("takes a page the store writes as it is, writes the store's rows when it gives none, and every row comes once in order", async () => {
    const { store, rows } = await seeded(23);
    const uow = writingEveryOtherPage(store.inner);
    const query = { actor: admin, startDate: DAY, endDate: DAY };
    const pages: string[] = [];
    for await (const page of new ExportReservations({ uow, policy, pageSize: 5 }).csvPages(query))
      pages.push(page);
    expect(pages.map((page) => page.startsWith('# by the store'))).toEqual([false, true, false, true, false]);
    const ordered = [...rows].sort((a, b) => a.start - b.start || a.id - b.id);
    expect(pages.join('').replaceAll('# by the store\r\n', '')).toBe(reservationCsvRows(ordered, 'UTC'));
    // Told not to ask the store, it writes every page itself: the same rows.
    const plain: string[] = [];
    const asked = uow.asked;
    const exporter = new ExportReservations({ uow, policy, pageSize: 5, storeWritesCsv: false });
    for await (const page of exporter.csvPages(query)) plain.push(page);
    expect(uow.asked).toBe(asked);
    expect(plain.join('')).toBe(reservationCsvRows(ordered, 'UTC'));
  });
});
