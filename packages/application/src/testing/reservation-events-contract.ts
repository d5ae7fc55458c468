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
  });
}
