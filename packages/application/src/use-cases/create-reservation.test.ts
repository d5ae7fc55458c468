import { CapacityExceededError, ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { at, rejectionOf, T0 } from '../testing/fixtures.js';
import { bookingDraft, NOW, useCaseKit } from '../testing/use-case-kit.js';

describe('CreateReservation', () => {
  it('books a pending reservation owned by the caller, stamped with the clock', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 6, 25, 'Mock exam');
    expect(r).toEqual({
      id: expect.any(Number),
      userId: kit.alice.userId,
      reservationName: 'Mock exam',
      start: at(0),
      end: at(6),
      numberOfPeople: 25,
      status: 'pending',
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(await kit.uow.read((s) => s.reservations.get(r.id))).toEqual(r);
  });

  it('pending reservations hold no places: many may be booked over a full slot of pending ones', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    await kit.book(kit.alice, 0, 1, 100);
    await kit.book(kit.bob, 0, 1, 100);
    expect(await kit.loads(0, 1)).toEqual([0]);
  });

  it('is refused at once when the confirmed load leaves no room', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const big = await kit.book(kit.alice, 0, 3, 90);
    await kit.confirm.execute({ actor: kit.admin, id: big.id });
    const error = await rejectionOf(kit.book(kit.bob, 2, 4, 11));
    expect(error).toBeInstanceOf(CapacityExceededError);
    expect(error).toMatchObject({ slotStart: at(2), available: 10 });
    expect((error as Error).message).toBe(
      'slot starting 2026-12-10T09:20:00+09:00 has 10 places left, 11 requested',
    );
    const page = await kit.uow.read((s) =>
      s.reservations.list({ userId: kit.bob.userId, offset: 0, limit: 10 }),
    );
    expect(page.total).toBe(0);
  });

  it('checks the booking rules: lead time, grid, people', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const tooSoon = { ...bookingDraft(0, 1, 5), start: NOW + 86_400_000, end: NOW + 86_400_000 + 600_000 };
    expect(await rejectionOf(kit.create.execute({ actor: kit.alice, draft: tooSoon }))).toBeInstanceOf(
      ValidationError,
    );
    const offGrid = { ...bookingDraft(0, 1, 5), start: T0 + 60_000 };
    expect(await rejectionOf(kit.create.execute({ actor: kit.alice, draft: offGrid }))).toBeInstanceOf(
      ValidationError,
    );
    expect(await rejectionOf(kit.book(kit.alice, 0, 1, 101))).toBeInstanceOf(ValidationError);
    expect((await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 10 }))).total).toBe(0);
  });
});
