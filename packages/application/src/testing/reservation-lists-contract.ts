import { SlotGrid, type SlotLoads, TimeRange } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import type { ExportCursor, PendingQuery } from '../ports/index.js';
import { at, draft, type MakeStore, SLOT, seedReservations, seedUser, T0 } from './fixtures.js';

/**
 * The lists every `Reservations` store must share: the list order (start
 * time, then id), half-open overlap filtering, the user and status filters,
 * pagination with a total, the pending list and its loads, and the export's
 * keyset pages.
 */
export function describeReservationListsContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: Reservations contract, lists`, () => {
    it('lists by start time, then by id', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [late, earlyA, middle, earlyB] = await seedReservations(uow, [
        draft(user.id, 30, 31),
        draft(user.id, 1, 9),
        draft(user.id, 10, 11),
        draft(user.id, 1, 2),
      ]);
      const page = await uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }));
      expect(page.items.map((r) => r.id)).toEqual([earlyA!.id, earlyB!.id, middle!.id, late!.id]);
      expect(page.total).toBe(4);
    });

    it('includes reservations that partly overlap the range and excludes ones that only touch it', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const rows = await seedReservations(uow, [
        draft(user.id, 0, 10, { reservationName: 'ends at the range start' }),
        draft(user.id, 5, 11, { reservationName: 'ends inside' }),
        draft(user.id, 12, 14, { reservationName: 'inside' }),
        draft(user.id, 8, 30, { reservationName: 'covers the whole range' }),
        draft(user.id, 19, 25, { reservationName: 'starts inside' }),
        draft(user.id, 20, 24, { reservationName: 'starts at the range end' }),
      ]);
      const range = TimeRange.of(at(10), at(20));
      const page = await uow.read((s) => s.reservations.list({ overlapping: range, offset: 0, limit: 10 }));
      expect(page.items.map((r) => r.reservationName)).toEqual([
        'ends inside',
        'covers the whole range',
        'inside',
        'starts inside',
      ]);
      expect(page.total).toBe(4);
      expect(rows).toHaveLength(6);
    });

    it('pages through the ordered list and reports the total of all pages', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const rows = await seedReservations(
        uow,
        [5, 4, 3, 2, 1].map((n) => draft(user.id, n, n + 1)),
      );
      const ordered = [...rows].sort((a, b) => a.start - b.start).map((r) => r.id);
      const second = await uow.read((s) => s.reservations.list({ offset: 2, limit: 2 }));
      expect(second.items.map((r) => r.id)).toEqual(ordered.slice(2, 4));
      expect(second.total).toBe(5);
      const last = await uow.read((s) => s.reservations.list({ offset: 4, limit: 2 }));
      expect(last.items.map((r) => r.id)).toEqual(ordered.slice(4));
      const past = await uow.read((s) => s.reservations.list({ offset: 10, limit: 2 }));
      expect(past).toEqual({ items: [], total: 5 });
    });

    it('listPending: pending ones overlapping the range, in creation order (createdAt, then id)', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const created = (minutes: number) => T0 - 86_400_000 + minutes * 60_000;
      const rows = await seedReservations(uow, [
        draft(user.id, 0, 2, { createdAt: created(5), reservationName: 'a' }),
        draft(user.id, 1, 3, { createdAt: created(1), reservationName: 'b' }),
        draft(user.id, 2, 4, { createdAt: created(5), reservationName: 'c' }),
        draft(user.id, 4, 6, { createdAt: created(0), reservationName: 'touches the end: out' }),
        draft(user.id, -2, 0, { createdAt: created(0), reservationName: 'touches the start: out' }),
        draft(user.id, 0, 1, {
          createdAt: created(2),
          reservationName: 'confirmed: out',
          status: 'confirmed',
        }),
        draft(user.id, 0, 1, { createdAt: created(3), reservationName: 'rejected: out', status: 'rejected' }),
        draft(user.id, -5, 50, { createdAt: created(9), reservationName: 'covers all' }),
      ]);
      const range = TimeRange.of(at(0), at(4));
      const pageOf = (query: Omit<PendingQuery, 'overlapping'>) =>
        uow.read((s) => s.reservations.listPending({ overlapping: range, ...query }));
      const names = async (query: Omit<PendingQuery, 'overlapping'>) =>
        (await pageOf(query)).items.map((r) => r.reservationName);
      expect(await names({ limit: 10 })).toEqual(['b', 'a', 'c', 'covers all']);
      expect(await names({ limit: 2 })).toEqual(['b', 'a']);
      // Keyset: strictly after the last one's (createdAt, id); equal createdAt falls back to the id.
      const first = await pageOf({ limit: 2 });
      expect(first.next).not.toBeNull();
      const second = await pageOf({ after: first.next!, limit: 10 });
      expect(second.items.map((r) => r.reservationName)).toEqual(['c', 'covers all']);
      expect(await pageOf({ after: second.next!, limit: 10 })).toEqual({ items: [], next: null });
      const page = await uow.run((s) => s.reservations.listPending({ overlapping: range, limit: 1 }));
      expect(page.items).toEqual([rows[1]]);
    });

    it('pendingLoadsIn: people of pending reservations per slot, partial overlaps clipped to the range', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const grid = new SlotGrid(SLOT / 60_000);
      await seedReservations(uow, [
        draft(user.id, 0, 3, { numberOfPeople: 10 }),
        draft(user.id, 2, 5, { numberOfPeople: 7 }),
        draft(user.id, -3, 1, { numberOfPeople: 5, reservationName: 'starts before the range' }),
        draft(user.id, 5, 12, { numberOfPeople: 4, reservationName: 'ends after the range' }),
        draft(user.id, -2, 0, { numberOfPeople: 1_000, reservationName: 'touches the start: out' }),
        draft(user.id, 6, 8, { numberOfPeople: 1_000, reservationName: 'touches the end: out' }),
        draft(user.id, 0, 6, { numberOfPeople: 100, status: 'confirmed' }),
        draft(user.id, 0, 6, { numberOfPeople: 200, status: 'cancelled' }),
        draft(user.id, 0, 6, { numberOfPeople: 300, status: 'rejected' }),
        draft(user.id, -100, 100, { numberOfPeople: 3, reservationName: 'covers all' }),
      ]);
      /** Slot number → people, the slots with none left out. */
      const bySlot = (loads: SlotLoads) =>
        Object.fromEntries(
          [...loads]
            .filter(([, people]) => people !== 0)
            .sort(([a], [b]) => a - b)
            .map(([slot, people]) => [(slot - T0) / SLOT, people]),
        );
      const read = (from: number, to: number) =>
        uow.read((s) => s.reservations.pendingLoadsIn(at(from), at(to), grid));
      expect(bySlot(await read(0, 6))).toEqual({ 0: 18, 1: 13, 2: 20, 3: 10, 4: 10, 5: 7 });
      // Another range over the same rows: each reservation clipped to it.
      expect(bySlot(await read(4, 9))).toEqual({ 4: 10, 5: 7, 6: 1_007, 7: 1_007, 8: 7 });
      expect(bySlot(await read(200, 210))).toEqual({});
      // A range that does not start on the grid: only the slots that start in it.
      expect(bySlot(await uow.read((s) => s.reservations.pendingLoadsIn(at(0) + 1, at(3), grid)))).toEqual({
        1: 13,
        2: 20,
      });
      // The same inside a unit of work, and once a pending one is confirmed it no longer counts.
      await uow.run(async (s) => {
        const [first] = (
          await s.reservations.listPending({ overlapping: TimeRange.of(at(0), at(1)), limit: 10 })
        ).items.filter((r) => r.numberOfPeople === 10);
        await s.reservations.save({ ...first!, status: 'confirmed' });
      });
      expect(bySlot(await uow.run((s) => s.reservations.pendingLoadsIn(at(0), at(6), grid)))).toEqual({
        0: 8,
        1: 3,
        2: 10,
        3: 10,
        4: 10,
        5: 7,
      });
    });

    it('an empty store lists nothing with a total of 0', async () => {
      const uow = await makeStore();
      expect(await uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }))).toEqual({
        items: [],
        total: 0,
      });
    });

    it('filters by user, combined with the range and pagination', async () => {
      const uow = await makeStore();
      const alice = await seedUser(uow);
      const bob = await seedUser(uow);
      const rows = await seedReservations(uow, [
        draft(alice.id, 1, 2),
        draft(bob.id, 1, 2),
        draft(alice.id, 3, 4),
        draft(bob.id, 3, 4),
        draft(alice.id, 50, 51),
      ]);
      const mine = await uow.read((s) => s.reservations.list({ userId: alice.id, offset: 0, limit: 10 }));
      expect(mine.items.map((r) => r.userId)).toEqual([alice.id, alice.id, alice.id]);
      expect(mine.total).toBe(3);
      const range = TimeRange.of(at(0), at(10));
      const page = await uow.read((s) =>
        s.reservations.list({ userId: bob.id, overlapping: range, offset: 1, limit: 1 }),
      );
      expect(page.items.map((r) => r.id)).toEqual([rows[3]!.id]);
      expect(page.total).toBe(2);
    });

    it('filters by status (one or several), combined with the user, the range and pagination', async () => {
      const uow = await makeStore();
      const alice = await seedUser(uow);
      const bob = await seedUser(uow);
      const rows = await seedReservations(uow, [
        draft(alice.id, 1, 2, { status: 'pending' }),
        draft(alice.id, 2, 3, { status: 'confirmed' }),
        draft(bob.id, 3, 4, { status: 'confirmed' }),
        draft(alice.id, 4, 5, { status: 'cancelled' }),
        draft(alice.id, 5, 6, { status: 'rejected' }),
        draft(alice.id, 60, 61, { status: 'confirmed' }),
      ]);
      const ids = (page: { items: readonly { id: number }[] }) => page.items.map((r) => r.id);
      const confirmed = await uow.read((s) =>
        s.reservations.list({ statuses: ['confirmed'], offset: 0, limit: 10 }),
      );
      expect(ids(confirmed)).toEqual([rows[1]!.id, rows[2]!.id, rows[5]!.id]);
      expect(confirmed.total).toBe(3);
      const several = await uow.read((s) =>
        s.reservations.list({ statuses: ['rejected', 'pending', 'cancelled'], offset: 0, limit: 10 }),
      );
      expect(ids(several)).toEqual([rows[0]!.id, rows[3]!.id, rows[4]!.id]);
      const combined = await uow.read((s) =>
        s.reservations.list({
          statuses: ['confirmed', 'cancelled'],
          userId: alice.id,
          overlapping: TimeRange.of(at(0), at(10)),
          offset: 1,
          limit: 1,
        }),
      );
      expect(ids(combined)).toEqual([rows[3]!.id]);
      expect(combined.total).toBe(2);
      expect(await uow.read((s) => s.reservations.list({ statuses: [], offset: 0, limit: 10 }))).toEqual({
        items: [],
        total: 0,
      });
    });

    it('exportPage: overlapping ones in list order (start, then id), by keyset pages, with a status filter', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const rows = await seedReservations(uow, [
        draft(user.id, 3, 5, { reservationName: 'c' }),
        draft(user.id, 0, 2, { reservationName: 'a1' }),
        draft(user.id, 4, 6, { reservationName: 'touches the end: out' }),
        draft(user.id, -2, 0, { reservationName: 'touches the start: out' }),
        draft(user.id, 0, 1, { reservationName: 'a2', status: 'cancelled' }),
        draft(user.id, -5, 50, { reservationName: 'covers all', status: 'confirmed' }),
        draft(user.id, 2, 3, { reservationName: 'b', status: 'rejected' }),
      ]);
      const range = TimeRange.of(at(0), at(4));
      const walk = async (
        limit: number,
        statuses?: ('pending' | 'confirmed' | 'cancelled' | 'rejected')[],
      ) => {
        const names: string[] = [];
        const sizes: number[] = [];
        let after: ExportCursor | undefined;
        for (let i = 0; i < 20; i++) {
          const page = await uow.read((s) =>
            s.reservations.exportPage({ overlapping: range, statuses, after, limit }),
          );
          sizes.push(page.items.length);
          names.push(...page.items.map((r) => r.reservationName));
          if (page.next === null) break;
          after = page.next;
        }
        return { names, sizes };
      };
      const all = ['covers all', 'a1', 'a2', 'b', 'c'];
      expect((await walk(10)).names).toEqual(all);
      expect(await walk(2)).toEqual({ names: all, sizes: [2, 2, 1, 0] });
      expect(await walk(1)).toEqual({ names: all, sizes: [1, 1, 1, 1, 1, 0] });
      expect((await walk(2, ['pending', 'rejected'])).names).toEqual(['a1', 'b', 'c']);
      expect(await walk(2, [])).toEqual({ names: [], sizes: [0] });
      const first = await uow.read((s) => s.reservations.exportPage({ overlapping: range, limit: 1 }));
      expect(first.items).toEqual([rows[5]]);
      expect(
        await uow.read((s) =>
          s.reservations.exportPage({ overlapping: TimeRange.of(at(100), at(200)), limit: 5 }),
        ),
      ).toEqual({ items: [], next: null });
    });

    it('exportPage: rows sharing a start time are split across pages by id, none twice, none left out', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const rows = await seedReservations(
        uow,
        Array.from({ length: 7 }, (_, i) => draft(user.id, i % 2, 3, { reservationName: `r${i}` })),
      );
      const expected = [...rows].sort((a, b) => a.start - b.start || a.id - b.id).map((r) => r.id);
      const seen: number[] = [];
      let after: ExportCursor | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await uow.read((s) =>
          s.reservations.exportPage({ overlapping: TimeRange.of(at(0), at(3)), after, limit: 3 }),
        );
        seen.push(...page.items.map((r) => r.id));
        if (page.next === null) break;
        after = page.next;
      }
      expect(seen).toEqual(expected);
    });
  });
}
