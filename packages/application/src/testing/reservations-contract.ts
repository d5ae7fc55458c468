import { describe, expect, it } from 'vitest';
import { at, draft, type MakeStore, seedReservations, seedUser } from './fixtures.js';

/**
 * The behaviour every `Reservations` store must share for single rows: ids,
 * round trips of every field and status, saves, locks. The lists are in
 * {@link describeReservationListsContract}.
 */
export function describeReservationsContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: Reservations contract`, () => {
    it('insert assigns an id and get returns every field as inserted', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [created] = await seedReservations(uow, [draft(user.id, 3, 9, { numberOfPeople: 42 })]);
      expect(created).toEqual({ ...draft(user.id, 3, 9, { numberOfPeople: 42 }), id: expect.any(Number) });
      expect(await uow.read((s) => s.reservations.get(created!.id))).toEqual(created);
      expect(await uow.run((s) => s.reservations.getForUpdate(created!.id))).toEqual(created);
    });

    it('get and getForUpdate return null for an unknown id', async () => {
      const uow = await makeStore();
      expect(await uow.read((s) => s.reservations.get(987_654))).toBeNull();
      expect(await uow.run((s) => s.reservations.getForUpdate(987_654))).toBeNull();
    });

    it('ids are distinct and increase in insertion order', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const rows = await seedReservations(uow, [
        draft(user.id, 0, 1),
        draft(user.id, 0, 1),
        draft(user.id, 0, 1),
      ]);
      const ids = rows.map((r) => r.id);
      expect(new Set(ids).size).toBe(3);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    });

    it('insertAll inserts several at once, ids in the order given, each as insert would', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const other = await seedUser(uow, { email: 'other@example.com' });
      const drafts = [
        draft(user.id, 5, 6, { reservationName: 'first', numberOfPeople: 3 }),
        draft(other.id, 0, 2, { reservationName: "it's second \\ $1" }),
        draft(user.id, 1, 9, { reservationName: '셋째 📝' }),
      ];
      const inserted = await uow.run((s) => s.reservations.insertAll(drafts));
      expect(inserted).toEqual(drafts.map((d) => ({ ...d, id: expect.any(Number) })));
      const ids = inserted.map((r) => r.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      for (const r of inserted) expect(await uow.read((s) => s.reservations.get(r.id))).toEqual(r);
      expect(await uow.run((s) => s.reservations.insertAll([]))).toEqual([]);
    });

    it('save writes every changeable field', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [created] = await seedReservations(uow, [draft(user.id, 0, 6)]);
      const changed = {
        ...created!,
        reservationName: 'Renamed',
        start: at(12),
        end: at(20),
        numberOfPeople: 77,
        status: 'confirmed' as const,
        updatedAt: created!.updatedAt + 5_000,
      };
      await uow.run((s) => s.reservations.save(changed));
      expect(await uow.read((s) => s.reservations.get(created!.id))).toEqual(changed);
    });

    it('names with quotes, backslashes, placeholders and non-ASCII text survive save and read', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [created] = await seedReservations(uow, [draft(user.id, 0, 1)]);
      const name = "O'Brien \\ $1 '); drop table reservations; -- 시험 ✓";
      await uow.run(async (s) => {
        const locked = (await s.reservations.getForUpdate(created!.id))!;
        await s.reservations.save({ ...locked, reservationName: name });
      });
      expect((await uow.read((s) => s.reservations.get(created!.id)))?.reservationName).toBe(name);
      expect((await uow.read((s) => s.reservations.list({ offset: 0, limit: 5 }))).total).toBe(1);
    });

    it('saveAll writes every reservation, locked or not, quotes and all', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [a, b, c] = await seedReservations(uow, [
        draft(user.id, 0, 1),
        draft(user.id, 2, 4),
        draft(user.id, 5, 6),
      ]);
      const change = (r: typeof a, n: number) => ({
        ...r!,
        reservationName: `it's #${n} \\ 시험`,
        start: at(10 + n),
        end: at(12 + n),
        numberOfPeople: 40 + n,
        status: 'confirmed' as const,
        updatedAt: r!.updatedAt + n,
      });
      // Locked first (as a batch confirmation does), then not locked.
      await uow.run(async (s) => {
        await s.reservations.getManyForUpdate([a!.id, b!.id]);
        await s.reservations.saveAll([change(a, 1), change(b, 2)]);
      });
      await uow.run((s) => s.reservations.saveAll([change(c, 3)]));
      expect(await uow.read((s) => s.reservations.get(a!.id))).toEqual(change(a, 1));
      expect(await uow.read((s) => s.reservations.get(b!.id))).toEqual(change(b, 2));
      expect(await uow.read((s) => s.reservations.get(c!.id))).toEqual(change(c, 3));
    });

    it('getManyForUpdate returns the known ones in ascending id order', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [a, b] = await seedReservations(uow, [draft(user.id, 0, 1), draft(user.id, 2, 4)]);
      const got = await uow.run((s) => s.reservations.getManyForUpdate([b!.id, 999_999, a!.id, b!.id]));
      expect(got.map((r) => r.id)).toEqual([a!.id, b!.id]);
      expect(await uow.run((s) => s.reservations.getManyForUpdate([]))).toEqual([]);
    });

    it('save of an unknown reservation fails', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const ghost = { ...draft(user.id, 0, 1), id: 424_242 };
      await expect(uow.run((s) => s.reservations.save(ghost))).rejects.toThrow();
    });

    it('save and get keep every status, rejected included', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const rows = await seedReservations(uow, [draft(user.id, 0, 1), draft(user.id, 0, 1)]);
      for (const [i, status] of (['confirmed', 'cancelled', 'rejected', 'pending'] as const).entries()) {
        const r = rows[i % 2]!;
        await uow.run((s) => s.reservations.save({ ...r, status, updatedAt: r.updatedAt + i + 1 }));
        expect(await uow.read((s) => s.reservations.get(r.id))).toMatchObject({ status });
      }
    });
  });
}
