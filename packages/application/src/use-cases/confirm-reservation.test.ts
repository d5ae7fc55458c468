import {
  CapacityExceededError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
} from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { at, rejectionOf } from '../testing/fixtures.js';
import { useCaseKit } from '../testing/use-case-kit.js';

describe('ConfirmReservation', () => {
  it('confirms a pending reservation and charges every slot it occupies', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 2, 5, 40);
    const confirmed = await kit.confirm.execute({ actor: kit.admin, id: r.id });
    expect(confirmed).toMatchObject({ id: r.id, status: 'confirmed' });
    expect(await kit.loads(0, 7)).toEqual([0, 0, 40, 40, 40, 0, 0]);
  });

  it('refuses when some slot would pass capacity, and leaves it pending with the ledger as it was', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const first = await kit.book(kit.alice, 0, 3, 70);
    const second = await kit.book(kit.bob, 2, 4, 40);
    await kit.confirm.execute({ actor: kit.admin, id: first.id });
    const error = await rejectionOf(kit.confirm.execute({ actor: kit.admin, id: second.id }));
    expect(error).toBeInstanceOf(CapacityExceededError);
    expect(error).toMatchObject({ slotStart: at(2), available: 30, requested: 40 });
    // The message writes the slot as the API does, in the policy's zone (Asia/Seoul), not in UTC.
    expect((error as Error).message).toBe(
      'slot starting 2026-12-10T09:20:00+09:00 has 30 places left, 40 requested',
    );
    expect(await kit.uow.read((s) => s.reservations.get(second.id))).toMatchObject({ status: 'pending' });
    expect(await kit.loads(0, 4)).toEqual([70, 70, 70, 0]);
    expect((await kit.uow.run((s) => s.events.listFor(second.id))).map((e) => e.type)).toEqual(['created']);
  });

  it('fills a slot exactly to capacity', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const a = await kit.book(kit.alice, 0, 1, 60);
    const b = await kit.book(kit.bob, 0, 1, 40);
    await kit.confirm.execute({ actor: kit.admin, id: a.id });
    await kit.confirm.execute({ actor: kit.admin, id: b.id });
    expect(await kit.loads(0, 1)).toEqual([100]);
  });

  it('confirming a confirmed reservation is a no-op that records nothing', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 10);
    const once = await kit.confirm.execute({ actor: kit.admin, id: r.id });
    kit.clock.advance(60_000);
    const twice = await kit.confirm.execute({ actor: kit.admin, id: r.id });
    expect(twice).toEqual(once);
    expect(await kit.loads(0, 2)).toEqual([10, 10]);
    expect((await kit.uow.run((s) => s.events.listFor(r.id))).map((e) => e.type)).toEqual([
      'created',
      'confirmed',
    ]);
  });

  it('20 concurrent confirmations of one reservation count its people once', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 3, 30);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => kit.confirm.execute({ actor: kit.admin, id: r.id })),
    );
    expect(results.every((x) => x.status === 'fulfilled' && x.value.status === 'confirmed')).toBe(true);
    expect(await kit.loads(0, 3)).toEqual([30, 30, 30]);
    const events = await kit.uow.run((s) => s.events.listFor(r.id));
    expect(events.filter((e) => e.type === 'confirmed')).toHaveLength(1);
  });

  it('a user may not confirm, a cancelled reservation cannot be, and an unknown one is not found', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 1, 5);
    expect(await rejectionOf(kit.confirm.execute({ actor: kit.alice, id: r.id }))).toBeInstanceOf(
      ForbiddenError,
    );
    await kit.cancel.execute({ actor: kit.alice, id: r.id });
    expect(await rejectionOf(kit.confirm.execute({ actor: kit.admin, id: r.id }))).toBeInstanceOf(
      InvalidStateError,
    );
    expect(await rejectionOf(kit.confirm.execute({ actor: kit.admin, id: 9_999 }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await kit.loads(0, 1)).toEqual([0]);
  });
});
