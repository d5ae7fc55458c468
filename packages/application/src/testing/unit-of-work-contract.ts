import { CapacityExceededError, confirmedLoadDelta, SlotGrid } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { at, draft, type MakeStore, rejectionOf, seedReservations, seedUser, T0 } from './fixtures.js';

const grid = new SlotGrid(10);

/**
 * The behaviour every `UnitOfWork` must share: a unit either happens whole
 * or not at all, and `getForUpdate` serializes units that change the same
 * reservation.
 */
export function describeUnitOfWorkContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: UnitOfWork contract`, () => {
    it('commits every write of a unit that returns, and passes its value on', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const value = await uow.run(async (s) => {
        const r = await s.reservations.insert(draft(user.id, 0, 2));
        await s.ledger.apply([{ slotStart: at(0), delta: 5 }], 10);
        return r.id;
      });
      expect(await uow.read((s) => s.reservations.get(value))).not.toBeNull();
      expect(await uow.read((s) => s.ledger.loadsIn(at(0), at(1)))).toEqual(new Map([[at(0), 5]]));
    });

    it('a unit that throws leaves nothing behind and rethrows the same error', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [kept] = await seedReservations(uow, [draft(user.id, 0, 2)]);
      const boom = new Error('boom');
      const error = await rejectionOf(
        uow.run(async (s) => {
          const r = await s.reservations.insert(draft(user.id, 3, 4));
          await s.reservations.save({ ...kept!, reservationName: 'changed' });
          await s.events.append({
            reservationId: r.id,
            type: 'created',
            actorId: user.id,
            actorRole: 'user',
            reason: null,
            at: T0,
            before: null,
            after: r,
          });
          await s.ledger.apply([{ slotStart: at(3), delta: 5 }], 10);
          await s.users.insert({
            email: 'x@example.com',
            userName: 'X',
            passwordHash: 'h',
            role: 'user',
            createdAt: T0,
          });
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      const page = await uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }));
      expect(page.items).toEqual([kept]);
      expect((await uow.read((s) => s.ledger.loadsIn(at(-10), at(10)))).size).toBe(0);
      expect(await uow.read((s) => s.users.findByEmail('x@example.com'))).toBeNull();
    });

    it('a ledger refusal rolls back the reservation change and its event too', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r] = await seedReservations(uow, [draft(user.id, 0, 3, { numberOfPeople: 6 })]);
      await uow.run((s) => s.ledger.apply([{ slotStart: at(2), delta: 5 }], 10));
      const error = await rejectionOf(
        uow.run(async (s) => {
          const before = (await s.reservations.getForUpdate(r!.id))!;
          const after = { ...before, status: 'confirmed' as const, updatedAt: T0 + 1 };
          await s.reservations.save(after);
          await s.events.append({
            reservationId: r!.id,
            type: 'confirmed',
            actorId: user.id,
            actorRole: 'user',
            reason: null,
            at: T0 + 1,
            before,
            after,
          });
          await s.ledger.apply(confirmedLoadDelta(before, after, grid), 10);
        }),
      );
      expect(error).toBeInstanceOf(CapacityExceededError);
      expect((error as CapacityExceededError).slotStart).toBe(at(2));
      expect(await uow.read((s) => s.reservations.get(r!.id))).toEqual(r);
      expect(await uow.run((s) => s.events.listFor(r!.id))).toEqual([]);
      expect(await uow.read((s) => s.ledger.loadsIn(at(0), at(3)))).toEqual(new Map([[at(2), 5]]));
    });

    it('a unit reads its own writes before it commits', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r] = await seedReservations(uow, [draft(user.id, 0, 2)]);
      await uow.run(async (s) => {
        const locked = (await s.reservations.getForUpdate(r!.id))!;
        const after = { ...locked, reservationName: 'seen inside', status: 'confirmed' as const };
        await s.reservations.save(after);
        await s.events.append({
          reservationId: r!.id,
          type: 'confirmed',
          actorId: user.id,
          actorRole: 'user',
          reason: null,
          at: T0,
          before: locked,
          after,
        });
        expect(await s.reservations.get(r!.id)).toEqual(after);
        expect((await s.reservations.list({ offset: 0, limit: 5 })).items).toEqual([after]);
        expect((await s.events.listFor(r!.id)).map((e) => e.after)).toEqual([after]);
      });
      expect((await uow.read((s) => s.reservations.get(r!.id)))?.reservationName).toBe('seen inside');
    });

    it('getForUpdate makes concurrent read-modify-write units of one reservation take turns', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r] = await seedReservations(uow, [draft(user.id, 0, 1, { numberOfPeople: 1 })]);
      await Promise.all(
        Array.from({ length: 8 }, () =>
          uow.run(async (s) => {
            const current = (await s.reservations.getForUpdate(r!.id))!;
            // Give other units the chance to read the same row meanwhile.
            await new Promise((resolve) => setTimeout(resolve, 5));
            await s.reservations.save({ ...current, numberOfPeople: current.numberOfPeople + 1 });
          }),
        ),
      );
      expect((await uow.read((s) => s.reservations.get(r!.id)))?.numberOfPeople).toBe(9);
    });
  });
}
