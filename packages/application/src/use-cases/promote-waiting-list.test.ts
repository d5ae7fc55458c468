import { admit, bookingPolicy, type Reservation } from '@exam-reservation/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as actions from '../composition/reservation-actions.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { NO_METRICS } from '../ports/index.js';
import { queueingFreedRooms } from '../support/freed-rooms.js';
import { at } from '../testing/fixtures.js';
import { useCaseKit } from '../testing/use-case-kit.js';
import { PromoteWaitingList } from './promote-waiting-list.js';

const GRID = bookingPolicy().grid;

/** The kit over a store whose changes queue freed room, and a promotion step over it. */
async function waitingList(options: { capacity?: number; chunkSize?: number; maxMs?: number } = {}) {
  const store = new InMemoryStore();
  const kit = await useCaseKit(queueingFreedRooms(store, GRID), { capacity: options.capacity ?? 100 });
  const lags: number[] = [];
  const metrics = { ...NO_METRICS, waitingListPromotion: (n: number, lag: number) => lags.push(n, lag) };
  const promote = new PromoteWaitingList({ ...kit, uow: kit.uow, metrics, ...options });
  const status = async (r: Reservation) => (await kit.uow.read((s) => s.reservations.get(r.id)))?.status;
  const queued = () =>
    store.run((s) =>
      s.admissionRequests.claim({ now: kit.clock.now() + 1e9, leaseMs: 1, limit: 1e6, token: 'peek' }),
    );
  return { kit, store, promote, status, lags, queued };
}

describe('PromoteWaitingList', () => {
  it('a cancel of a confirmed reservation confirms the pending ones behind it that fit, in creation order, as the system', async () => {
    const { kit, promote, status, lags } = await waitingList();
    const held = await kit.book(kit.alice, 0, 2, 100);
    kit.clock.advance(1);
    const first = await kit.book(kit.bob, 0, 2, 60);
    kit.clock.advance(1);
    const tooBig = await kit.book(kit.alice, 1, 2, 50);
    kit.clock.advance(1);
    const fits = await kit.book(kit.bob, 1, 2, 40);
    kit.clock.advance(1);
    // Bookings are checked against the confirmed load: these were made before it filled up.
    await kit.confirm.execute({ actor: kit.admin, id: held.id });
    // Nothing freed yet: a step changes nothing.
    expect(await promote.execute()).toEqual({ rooms: 0, confirmed: 0, leftPending: 0 });
    await kit.cancel.execute({ actor: kit.admin, id: held.id });
    kit.clock.advance(500);
    expect(await promote.execute()).toEqual({ rooms: 1, confirmed: 2, leftPending: 1 });
    expect(await Promise.all([first, tooBig, fits].map(status))).toEqual([
      'confirmed',
      'pending',
      'confirmed',
    ]);
    expect(await kit.loads(0, 2)).toEqual([60, 100]);
    const trail = await kit.uow.read((s) => s.events.listFor(first.id));
    expect(trail.at(-1)).toMatchObject({
      type: 'confirmed',
      actorId: null,
      actorRole: 'system',
      reason: 'waiting list',
      before: { status: 'pending' },
      after: { status: 'confirmed' },
    });
    expect(lags).toEqual([2, 0.5]);
    // The room was finished: the next step has nothing to do.
    expect(await promote.execute()).toEqual({ rooms: 0, confirmed: 0, leftPending: 0 });
  });

  it('queues room freed by a cancel, a shrink or a move of a confirmed one; never by a booking, a confirmation or a pending change', async () => {
    const { kit, queued } = await waitingList();
    const a = await kit.book(kit.alice, 0, 4, 50);
    const b = await kit.book(kit.alice, 10, 12, 50);
    const c = await kit.book(kit.alice, 20, 22, 50);
    const p = await kit.book(kit.bob, 30, 32, 5);
    for (const r of [a, b, c]) await kit.confirm.execute({ actor: kit.admin, id: r.id });
    await kit.update.execute({ actor: kit.bob, id: p.id, patch: { numberOfPeople: 4 } });
    expect(await queued()).toEqual([]);
    await kit.update.execute({ actor: kit.admin, id: a.id, patch: { start: at(1), end: at(3) } });
    await kit.update.execute({ actor: kit.admin, id: b.id, patch: { numberOfPeople: 10 } });
    await kit.update.execute({ actor: kit.admin, id: c.id, patch: { start: at(21), end: at(23) } });
    const rooms = (await queued()).map((r) => [r.range.start, r.range.end]);
    expect(rooms).toEqual([
      [at(0), at(4)],
      [at(10), at(12)],
      [at(20), at(21)],
    ]);
  });

  it('without the waiting list (AUTO_ADMIT=off) a cancel queues nothing and nobody is promoted', async () => {
    const store = new InMemoryStore();
    const kit = await useCaseKit(store, { capacity: 100 });
    const held = await kit.book(kit.alice, 0, 1, 100);
    const waiting = await kit.book(kit.bob, 0, 1, 10);
    await kit.confirm.execute({ actor: kit.admin, id: held.id });
    await kit.cancel.execute({ actor: kit.admin, id: held.id });
    expect(await actions.promoteWaitingList(kit).execute()).toEqual({
      rooms: 0,
      confirmed: 0,
      leftPending: 0,
    });
    expect((await store.read((s) => s.reservations.get(waiting.id)))?.status).toBe('pending');
  });

  it('many frees in one rush are one run over their merged room', async () => {
    const { kit, promote } = await waitingList();
    const held = [];
    for (let i = 0; i < 10; i++) held.push(await kit.book(kit.alice, i, i + 1, 100));
    const waiting = await kit.book(kit.bob, 0, 10, 100);
    for (const r of held) await kit.confirm.execute({ actor: kit.admin, id: r.id });
    for (const r of held) await kit.cancel.execute({ actor: kit.admin, id: r.id });
    expect(await promote.execute()).toEqual({ rooms: 1, confirmed: 1, leftPending: 0 });
    expect((await kit.uow.read((s) => s.reservations.get(waiting.id)))?.status).toBe('confirmed');
  });

  it('a walk cut short goes on from its place in the queue, and the steps end as one pass of admit does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 25 }),
        async (sizes) => {
          const { kit, promote, status } = await waitingList({ chunkSize: 2, maxMs: 0 });
          const held = await kit.book(kit.alice, 0, 1, 100);
          const queue: Reservation[] = [];
          for (const people of sizes) {
            kit.clock.advance(1);
            queue.push(await kit.book(kit.bob, 0, 1, people));
          }
          await kit.confirm.execute({ actor: kit.admin, id: held.id });
          await kit.cancel.execute({ actor: kit.admin, id: held.id });
          let confirmed = 0;
          for (let step = 0; step <= sizes.length; step++) confirmed += (await promote.execute()).confirmed;
          const expected = admit(new Map(), queue, 100, GRID).admitted.map((r) => r.id);
          expect(confirmed).toBe(expected.length);
          const statuses = await Promise.all(queue.map(status));
          expect(queue.filter((_, i) => statuses[i] === 'confirmed').map((r) => r.id)).toEqual(expected);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('past half of its lease a step stops, and gives the rooms it did not walk up at once', async () => {
    const store = new InMemoryStore();
    const kit = await useCaseKit(queueingFreedRooms(store, GRID), { capacity: 100 });
    // Each room walked takes 600 ms of a 1 s lease.
    const metrics = { ...NO_METRICS, waitingListPromotion: () => kit.clock.advance(600) };
    const promote = new PromoteWaitingList({ ...kit, metrics, leaseMs: 1_000 });
    const held = [await kit.book(kit.alice, 0, 1, 100), await kit.book(kit.alice, 10, 11, 100)];
    const waiting = [await kit.book(kit.bob, 0, 1, 10), await kit.book(kit.bob, 10, 11, 10)];
    for (const r of held) await kit.confirm.execute({ actor: kit.admin, id: r.id });
    for (const r of held) await kit.cancel.execute({ actor: kit.admin, id: r.id });
    expect(await promote.execute()).toEqual({ rooms: 1, confirmed: 1, leftPending: 0 });
    // Not after the lease: the second room is free to claim now.
    expect(await promote.execute()).toEqual({ rooms: 1, confirmed: 1, leftPending: 0 });
    const statuses = await store.read((s) => Promise.all(waiting.map((r) => s.reservations.get(r.id))));
    expect(statuses.map((r) => r?.status)).toEqual(['confirmed', 'confirmed']);
  });

  it('stops walking the queue once every slot of the room is full again', async () => {
    const { kit, promote } = await waitingList({ chunkSize: 2 });
    const held = await kit.book(kit.alice, 0, 2, 100);
    for (let i = 0; i < 5; i++) await kit.book(kit.bob, 0, 2, 100);
    await kit.confirm.execute({ actor: kit.admin, id: held.id });
    await kit.cancel.execute({ actor: kit.admin, id: held.id });
    // The first of the queue takes the room; only the other of its chunk of two was looked at.
    expect(await promote.execute()).toEqual({ rooms: 1, confirmed: 1, leftPending: 1 });
    expect(await promote.execute()).toEqual({ rooms: 0, confirmed: 0, leftPending: 0 });
  });
});
