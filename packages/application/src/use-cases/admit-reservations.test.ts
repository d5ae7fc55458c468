import {
  bookingPolicy,
  CapacityExceededError,
  ForbiddenError,
  type Reservation,
  type SimulationEvent,
  simulate,
  ValidationError,
} from '@exam-reservation/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { at, rejectionOf, withLedger } from '../testing/fixtures.js';
import { NOW, useCaseKit } from '../testing/use-case-kit.js';

/** The Seoul day of {@link at}(0..89). */
const DAY = '2026-12-10';

describe('AdmitReservations', () => {
  it('confirms pending ones of the range in creation order while they fit, the rest stay pending', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { capacity: 100 });
    const a = await kit.book(kit.alice, 0, 2, 60);
    kit.clock.advance(1);
    const b = await kit.book(kit.bob, 1, 3, 50); // does not fit next to a at slot 1
    kit.clock.advance(1);
    const c = await kit.book(kit.bob, 2, 3, 40); // fits: b was left out
    const elsewhere = await kit.book(kit.alice, 200, 201, 10); // another day
    const confirmedAlready = await kit.book(kit.alice, 0, 1, 30);
    await kit.confirm.execute({ actor: kit.admin, id: confirmedAlready.id });
    const result = await kit.admit.execute({
      actor: kit.admin,
      startDate: DAY,
      endDate: DAY,
      rejectRest: false,
    });
    expect(result).toEqual({ confirmed: 2, rejected: 0, leftPending: 1, complete: true });
    const status = async (r: Reservation) => (await kit.uow.read((s) => s.reservations.get(r.id)))?.status;
    expect(await Promise.all([a, b, c, elsewhere].map(status))).toEqual([
      'confirmed',
      'pending',
      'confirmed',
      'pending',
    ]);
    expect(await kit.loads(0, 3)).toEqual([90, 60, 40]);
    const events = await kit.uow.read((s) => s.events.listFor(a.id));
    expect(events.map((e) => [e.type, e.actorId, e.actorRole])).toEqual([
      ['created', kit.alice.userId, 'user'],
      ['confirmed', kit.admin.userId, 'admin'],
    ]);
    // Nothing is left that fits: a second run changes nothing.
    expect(
      await kit.admit.execute({ actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: false }),
    ).toEqual({
      confirmed: 0,
      rejected: 0,
      leftPending: 1,
      complete: true,
    });
  });

  it('with rejectRest, rejects what does not fit with the reason "no capacity left"', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { capacity: 100 });
    const a = await kit.book(kit.alice, 0, 2, 60);
    const b = await kit.book(kit.bob, 1, 3, 50);
    const result = await kit.admit.execute({
      actor: kit.admin,
      startDate: DAY,
      endDate: DAY,
      rejectRest: true,
    });
    expect(result).toEqual({ confirmed: 1, rejected: 1, leftPending: 0, complete: true });
    const events = await kit.uow.read((s) => s.events.listFor(b.id));
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ['created', null],
      ['rejected', 'no capacity left'],
    ]);
    expect((await kit.uow.read((s) => s.reservations.get(a.id)))?.status).toBe('confirmed');
  });

  it('follows creation time, not ids', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { capacity: 100 });
    const [late, early] = await kit.uow.run(async (s) => [
      await s.reservations.insert({ ...pendingDraft(kit.alice.userId, 60), createdAt: NOW + 10 }),
      await s.reservations.insert({ ...pendingDraft(kit.bob.userId, 60), createdAt: NOW + 5 }),
    ]);
    await kit.admit.execute({ actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: false });
    expect((await kit.uow.read((s) => s.reservations.get(early!.id)))?.status).toBe('confirmed');
    expect((await kit.uow.read((s) => s.reservations.get(late!.id)))?.status).toBe('pending');
  });

  it('refuses a user, a bad range and one over 366 days', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 1, 1);
    const admit = (startDate: string, endDate: string, actor = kit.admin) =>
      kit.admit.execute({ actor, startDate, endDate, rejectRest: true });
    expect(await rejectionOf(admit(DAY, DAY, kit.alice))).toBeInstanceOf(ForbiddenError);
    expect(await rejectionOf(admit('2026-12-11', DAY))).toBeInstanceOf(ValidationError);
    expect(await rejectionOf(admit('2026-02-30', DAY))).toBeInstanceOf(ValidationError);
    expect(await rejectionOf(admit('2026-01-01', '2027-01-02'))).toBeInstanceOf(ValidationError);
    expect(await admit('2026-01-01', '2027-01-01')).toEqual({
      confirmed: 1,
      rejected: 0,
      leftPending: 0,
      complete: true,
    });
    expect((await kit.uow.read((s) => s.reservations.get(r.id)))?.status).toBe('confirmed');
  });

  it('a chunk that lost a race for room is decided again with its slots locked, and nothing of it is kept', async () => {
    const inner = new InMemoryStore();
    let lockLoadsCalls = 0;
    let raced = false;
    // A store whose first admission chunk meets a confirmation that took the room at commit.
    const store = withLedger(inner, (ledger) => ({
      loadsIn: (from, to) => ledger.loadsIn(from, to),
      lockLoads: (slots, capacity) => {
        lockLoadsCalls++;
        return ledger.lockLoads(slots, capacity);
      },
      apply: async (deltas, capacity) => {
        if (!raced && deltas.length > 1) {
          raced = true;
          throw new CapacityExceededError(deltas[0]!.slotStart, 0, deltas[0]!.delta);
        }
        return ledger.apply(deltas, capacity);
      },
    }));
    const kit = await useCaseKit(store, { capacity: 100, admissionChunk: 3 });
    for (let i = 0; i < 5; i++) await kit.book(kit.alice, 0, 1, 30);
    const result = await kit.admit.execute({
      actor: kit.admin,
      startDate: DAY,
      endDate: DAY,
      rejectRest: true,
    });
    expect(raced).toBe(true);
    expect(lockLoadsCalls).toBe(1);
    expect(result).toEqual({ confirmed: 3, rejected: 2, leftPending: 0, complete: true });
    expect(await kit.loads(0, 1)).toEqual([90]);
    const events = await inner.read((s) => s.events.listFor(1));
    expect(events.map((e) => e.type)).toEqual(['created', 'confirmed']);
  });

  it('chunked runs decide exactly as simulate() does in one pass', async () => {
    const slotMs = 10 * 60_000;
    const specs = fc.array(
      fc.record({
        from: fc.integer({ min: 0, max: 8 }),
        length: fc.integer({ min: 1, max: 4 }),
        people: fc.integer({ min: 1, max: 60 }),
        confirmFirst: fc.boolean(),
      }),
      { minLength: 1, maxLength: 25 },
    );
    await fc.assert(
      fc.asyncProperty(
        specs,
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async (list, chunk, rejectRest) => {
          const kit = await useCaseKit(new InMemoryStore(), { capacity: 100, admissionChunk: chunk });
          const events: SimulationEvent[] = [];
          for (const [i, spec] of list.entries()) {
            const draft = {
              reservationName: `R ${i}`,
              start: at(spec.from),
              end: at(spec.from + spec.length),
              numberOfPeople: spec.people,
            };
            const created = await kit.create.execute({ actor: kit.alice, draft }).catch(() => null);
            events.push({ type: 'create', actor: kit.alice, draft, at: NOW });
            if (created && spec.confirmFirst) {
              await kit.confirm.execute({ actor: kit.admin, id: created.id }).catch(() => undefined);
              events.push({ type: 'confirm', actor: kit.admin, id: created.id, at: NOW });
            }
          }
          await kit.admit.execute({ actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest });
          const start = at(0) - 9 * 3_600_000;
          events.push({
            type: 'admit',
            actor: kit.admin,
            start,
            end: start + 144 * slotMs,
            rejectRest,
            at: NOW,
          });
          const expected = simulate(events, bookingPolicy({ capacity: 100 }));
          const stored = await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 100 }));
          const statuses = new Map(stored.items.map((r) => [r.id, r.status]));
          expect(statuses).toEqual(new Map([...expected.reservations].map(([id, r]) => [id, r.status])));
        },
      ),
      { numRuns: 60 },
    );
  });
});

function pendingDraft(userId: number, people: number) {
  return {
    userId,
    reservationName: 'R',
    start: at(0),
    end: at(1),
    numberOfPeople: people,
    status: 'pending' as const,
    createdAt: NOW,
    updatedAt: NOW,
  };
}
