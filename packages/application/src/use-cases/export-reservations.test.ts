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
  const MARK = '# by the store\r\n';

  /**
   * A store that writes each window itself in parts of two rows (each part
   * marked, so the test can tell), stops before every row `refuses` names,
   * and has no such way (null) once it has been asked `writes` times.
   */
  function writingWindows(inner: InMemoryStore, refuses: (id: number) => boolean, writes = Infinity) {
    const uow = {
      asked: 0,
      limits: [] as number[],
      run: <T>(work: (stores: TransactionStores) => Promise<T>) => inner.run(work),
      read: <T>(work: (stores: ReadStores) => Promise<T>) =>
        inner.read((stores) => {
          const reservations = Object.create(stores.reservations) as ReadStores['reservations'];
          reservations.exportCsv = async (query, zone, take) => {
            uow.asked++;
            uow.limits.push(query.limit);
            if (uow.asked > writes) return null;
            const { items } = await stores.reservations.exportPage(query);
            const handed = items.findIndex((r) => refuses(r.id));
            const rows = handed < 0 ? items.length : handed;
            for (let at = 0; at < rows; at += 2) {
              take(MARK + reservationCsvRows(items.slice(at, Math.min(at + 2, rows)), zone));
            }
            const next =
              rows > 0 ? (await stores.reservations.exportPage({ ...query, limit: rows })).next : null;
            return { rows, next, whole: handed < 0 };
          };
          return work({ ...stores, reservations });
        }),
    };
    return uow;
  }

  const query = { actor: admin, startDate: DAY, endDate: DAY };
  async function parts(exporter: ExportReservations) {
    const written: string[] = [];
    for await (const part of exporter.csvPages(query)) written.push(part);
    return written;
  }

  it('takes the parts the store writes as they are, writes from a row it refuses a page itself, and every row comes once in order', async () => {
    const { store, rows } = await seeded(23);
    const ordered = [...rows].sort((a, b) => a.start - b.start || a.id - b.id);
    const refused = new Set([ordered[5]!.id, ordered[17]!.id]);
    const uow = writingWindows(store.inner, (id) => refused.has(id));
    const written = await parts(new ExportReservations({ uow, policy, pageSize: 3, windowRows: 4 }));
    expect(written.join('').replaceAll(MARK, '')).toBe(reservationCsvRows(ordered, 'UTC'));
    // Each refused row is in a page written here, of three rows from it on; every other row came from the store.
    const mine = written.filter((part) => !part.startsWith(MARK));
    expect(mine).toEqual([5, 17].map((at) => reservationCsvRows(ordered.slice(at, at + 3), 'UTC')));
    expect(written.filter((part) => part.startsWith(MARK)).length).toBeGreaterThan(5);
  });

  it("asks for windows that grow from a page's size to the most, and shrink back after a refused row", async () => {
    const { store, rows } = await seeded(40);
    const ordered = [...rows].sort((a, b) => a.start - b.start || a.id - b.id);
    const uow = writingWindows(store.inner, (id) => id === ordered[20]!.id);
    const written = await parts(new ExportReservations({ uow, policy, pageSize: 2, windowRows: 8 }));
    expect(written.join('').replaceAll(MARK, '')).toBe(reservationCsvRows(ordered, 'UTC'));
    // 2 + 4 + 8 rows, then 6 of 8 before row 20; its page of 2; then the last 18 rows in 2, 4, 8 and 8 (short).
    expect(uow.limits).toEqual([2, 4, 8, 8, 2, 4, 8, 8]);
  });

  it('reads the store for at most `readsAtOnce` exports at once; the others wait their turn and finish too', async () => {
    const { store, rows } = await seeded(23);
    const ordered = [...rows].sort((a, b) => a.start - b.start || a.id - b.id);
    let inFlight = 0;
    let most = 0;
    const slow = (inner: ReadStores['reservations']) => {
      const reservations = Object.create(inner) as ReadStores['reservations'];
      const held = async <T>(read: () => Promise<T>) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        try {
          return await read();
        } finally {
          inFlight--;
        }
      };
      reservations.exportCsv = (query, zone, take) => held(() => inner.exportCsv(query, zone, take));
      reservations.exportPage = (query) => held(() => inner.exportPage(query));
      return reservations;
    };
    const uow: UnitOfWork = {
      run: (work) => store.inner.run(work),
      read: (work) =>
        store.inner.read((stores) => work({ ...stores, reservations: slow(stores.reservations) })),
    };
    const exporter = new ExportReservations({ uow, policy, pageSize: 4, readsAtOnce: 2 });
    const all = await Promise.all(Array.from({ length: 5 }, () => parts(exporter)));
    for (const written of all) expect(written.join('')).toBe(reservationCsvRows(ordered, 'UTC'));
    expect(most).toBe(2);
  });

  it('writes every row itself once the store has no such way, and asks it no more', async () => {
    const { store, rows } = await seeded(23);
    const ordered = [...rows].sort((a, b) => a.start - b.start || a.id - b.id);
    const uow = writingWindows(store.inner, () => false, 1);
    const written = await parts(new ExportReservations({ uow, policy, pageSize: 5, windowRows: 4 }));
    expect(uow.asked).toBe(2);
    expect(written.map((part) => part.startsWith(MARK))).toEqual([true, true, false, false, false, false]);
    expect(written.join('').replaceAll(MARK, '')).toBe(reservationCsvRows(ordered, 'UTC'));
    // Told not to ask the store, it writes every page itself: the same rows.
    const plain = await parts(new ExportReservations({ uow, policy, pageSize: 5, storeWritesCsv: false }));
    expect(uow.asked).toBe(2);
    expect(plain.join('')).toBe(reservationCsvRows(ordered, 'UTC'));
  });

  it('reads no further while the caller takes nothing, and stops reading when the caller stops', async () => {
    const { store } = await seeded(23);
    const uow = writingWindows(store.inner, () => false);
    const pages = new ExportReservations({ uow, policy, pageSize: 5, windowRows: 4 }).csvPages(query);
    expect((await pages.next()).done).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(uow.asked).toBe(1);
    await pages.return();
    expect(uow.asked).toBe(1);
    expect((await pages.next()).done).toBe(true);
  });
});
