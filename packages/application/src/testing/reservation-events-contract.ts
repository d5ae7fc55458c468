import { describe, expect, it } from 'vitest';
import { draft, type MakeStore, seedReservations, seedUser, T0 } from './fixtures.js';

/** The behaviour every `ReservationEvents` store must share: an ordered, faithful audit trail. */
export function describeReservationEventsContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: ReservationEvents contract`, () => {
    it('lists the events of one reservation oldest first, with before, after, actor and time', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r, other] = await seedReservations(uow, [draft(user.id, 0, 3), draft(user.id, 5, 6)]);
      const confirmed = { ...r!, status: 'confirmed' as const, updatedAt: T0 + 1 };
      await uow.run(async (s) => {
        await s.events.append({
          reservationId: r!.id,
          type: 'created',
          actorId: user.id,
          actorRole: 'user',
          reason: null,
          at: T0,
          before: null,
          after: r!,
        });
        await s.events.append({
          reservationId: other!.id,
          type: 'created',
          actorId: user.id,
          actorRole: 'user',
          reason: null,
          at: T0,
          before: null,
          after: other!,
        });
      });
      await uow.run((s) =>
        s.events.append({
          reservationId: r!.id,
          type: 'confirmed',
          actorId: 999,
          actorRole: 'admin',
          reason: null,
          at: T0 + 1,
          before: r!,
          after: confirmed,
        }),
      );
      const events = await uow.run((s) => s.events.listFor(r!.id));
      expect(events).toEqual([
        {
          id: expect.any(Number),
          reservationId: r!.id,
          type: 'created',
          actorId: user.id,
          actorRole: 'user',
          reason: null,
          at: T0,
          before: null,
          after: r,
        },
        {
          id: expect.any(Number),
          reservationId: r!.id,
          type: 'confirmed',
          actorId: 999,
          actorRole: 'admin',
          reason: null,
          at: T0 + 1,
          before: r,
          after: confirmed,
        },
      ]);
      expect(events[0]!.id).toBeLessThan(events[1]!.id);
    });

    it('appendAll records several events in order, in one unit of work', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r] = await seedReservations(uow, [draft(user.id, 0, 3)]);
      const confirmed = { ...r!, status: 'confirmed' as const, updatedAt: T0 + 1 };
      await uow.run((s) =>
        s.events.appendAll([
          {
            reservationId: r!.id,
            type: 'created',
            actorId: user.id,
            actorRole: 'user',
            reason: null,
            at: T0,
            before: null,
            after: r!,
          },
          {
            reservationId: r!.id,
            type: 'confirmed',
            actorId: user.id,
            actorRole: 'user',
            reason: null,
            at: T0 + 1,
            before: r!,
            after: confirmed,
          },
        ]),
      );
      const events = await uow.run((s) => s.events.listFor(r!.id));
      expect(events.map((e) => [e.type, e.before, e.after])).toEqual([
        ['created', null, r],
        ['confirmed', r, confirmed],
      ]);
      await uow.run((s) => s.events.appendAll([]));
      expect(await uow.run((s) => s.events.listFor(r!.id))).toHaveLength(2);
    });

    it('keeps the role of the actor and the reason of a rejection, quotes and all', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r] = await seedReservations(uow, [draft(user.id, 0, 2)]);
      const rejected = { ...r!, status: 'rejected' as const, updatedAt: T0 + 5 };
      const reason = "no room left — it's \\ full; 시험 ✓\nsee you next time";
      await uow.run((s) =>
        s.events.appendAll([
          {
            reservationId: r!.id,
            type: 'rejected',
            actorId: 4242,
            actorRole: 'admin',
            reason,
            at: T0 + 5,
            before: r!,
            after: rejected,
          },
        ]),
      );
      const [event] = await uow.read((s) => s.events.listFor(r!.id));
      expect(event).toEqual({
        id: expect.any(Number),
        reservationId: r!.id,
        type: 'rejected',
        actorId: 4242,
        actorRole: 'admin',
        reason,
        at: T0 + 5,
        before: r,
        after: rejected,
      });
    });

    it('a reservation without events has an empty trail', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r] = await seedReservations(uow, [draft(user.id, 0, 1)]);
      expect(await uow.run((s) => s.events.listFor(r!.id))).toEqual([]);
    });
    it('reads a trail page by page, oldest first, with the total; a page past the end is empty', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r, other] = await seedReservations(uow, [draft(user.id, 0, 2), draft(user.id, 4, 5)]);
      const renamed = (n: number) => ({ ...r!, reservationName: `R ${n}`, updatedAt: T0 + n });
      await uow.run((s) =>
        s.events.appendAll(
          Array.from({ length: 7 }, (_, n) => ({
            reservationId: n === 3 ? other!.id : r!.id,
            type: 'updated' as const,
            actorId: user.id,
            actorRole: 'user' as const,
            reason: null,
            at: T0 + n,
            before: r!,
            after: renamed(n),
          })),
        ),
      );
      const names = (page: { items: readonly { after: { reservationName: string } }[] }) =>
        page.items.map((e) => e.after.reservationName);
      const first = await uow.read((s) => s.events.pageFor(r!.id, { offset: 0, limit: 4 }));
      expect(first.total).toBe(6);
      expect(names(first)).toEqual(['R 0', 'R 1', 'R 2', 'R 4']);
      const second = await uow.read((s) => s.events.pageFor(r!.id, { offset: 4, limit: 4 }));
      expect(second).toMatchObject({ total: 6 });
      expect(names(second)).toEqual(['R 5', 'R 6']);
      expect(await uow.read((s) => s.events.pageFor(r!.id, { offset: 40, limit: 4 }))).toEqual({
        items: [],
        total: 6,
      });
      expect(await uow.run((s) => s.events.pageFor(r!.id + 1000, { offset: 0, limit: 4 }))).toEqual({
        items: [],
        total: 0,
      });
    });

    it('counts the updates a user made as a user, not other kinds, other actors or other reservations', async () => {
      const uow = await makeStore();
      const user = await seedUser(uow);
      const [r, other] = await seedReservations(uow, [draft(user.id, 0, 2), draft(user.id, 4, 5)]);
      const event = (fields: {
        reservationId?: number;
        type?: 'created' | 'updated' | 'cancelled';
        actorId?: number;
        actorRole?: 'user' | 'admin';
      }) => ({
        reservationId: r!.id,
        type: 'updated' as const,
        actorId: user.id,
        actorRole: 'user' as const,
        reason: null,
        at: T0,
        before: r!,
        after: r!,
        ...fields,
      });
      await uow.run((s) =>
        s.events.appendAll([
          event({ type: 'created' }),
          event({}),
          event({}),
          event({ actorRole: 'admin' }),
          event({ actorId: user.id + 1 }),
          event({ reservationId: other!.id }),
          event({ type: 'cancelled' }),
        ]),
      );
      expect(await uow.run((s) => s.events.countUserUpdates(r!.id, user.id))).toBe(2);
      expect(await uow.run((s) => s.events.countUserUpdates(other!.id, user.id))).toBe(1);
      expect(await uow.run((s) => s.events.countUserUpdates(r!.id, user.id + 1))).toBe(1);
    });
  });
}
