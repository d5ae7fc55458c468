import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { rejectionOf } from '../testing/fixtures.js';
import { useCaseKit } from '../testing/use-case-kit.js';

describe('RejectReservation', () => {
  it('rejects a pending reservation; it holds no places, and rejecting again is a no-op', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 40);
    kit.clock.advance(5_000);
    const rejected = await kit.reject.execute({ actor: kit.admin, id: r.id, reason: 'the room is full' });
    expect(rejected).toMatchObject({ id: r.id, status: 'rejected', updatedAt: r.updatedAt + 5_000 });
    kit.clock.advance(5_000);
    expect(await kit.reject.execute({ actor: kit.admin, id: r.id })).toEqual(rejected);
    expect(await kit.loads(0, 2)).toEqual([0, 0]);
    const events = await kit.uow.read((s) => s.events.listFor(r.id));
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ['created', null],
      ['rejected', 'the room is full'],
    ]);
  });

  it('refuses a user with 403 before reading: an unknown id is forbidden too', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 40);
    for (const id of [r.id, 999_999]) {
      expect(await rejectionOf(kit.reject.execute({ actor: kit.alice, id }))).toBeInstanceOf(ForbiddenError);
    }
    expect(await rejectionOf(kit.reject.execute({ actor: kit.admin, id: 999_999 }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses a confirmed or cancelled reservation, and a bad reason, changing nothing', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const confirmed = await kit.book(kit.alice, 0, 2, 40);
    await kit.confirm.execute({ actor: kit.admin, id: confirmed.id });
    const cancelled = await kit.book(kit.alice, 0, 2, 40);
    await kit.cancel.execute({ actor: kit.alice, id: cancelled.id });
    for (const r of [confirmed, cancelled]) {
      const error = await rejectionOf(kit.reject.execute({ actor: kit.admin, id: r.id }));
      expect(error).toBeInstanceOf(InvalidStateError);
    }
    const pending = await kit.book(kit.bob, 0, 2, 40);
    const error = await rejectionOf(kit.reject.execute({ actor: kit.admin, id: pending.id, reason: '' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(await kit.uow.read((s) => s.reservations.get(pending.id))).toMatchObject({ status: 'pending' });
    expect(await kit.loads(0, 2)).toEqual([40, 40]);
  });

  it('a rejected reservation cannot be confirmed, cancelled or changed', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 40);
    await kit.reject.execute({ actor: kit.admin, id: r.id });
    for (const attempt of [
      kit.confirm.execute({ actor: kit.admin, id: r.id }),
      kit.cancel.execute({ actor: kit.admin, id: r.id }),
      kit.cancel.execute({ actor: kit.alice, id: r.id }),
      kit.update.execute({ actor: kit.admin, id: r.id, patch: { numberOfPeople: 1 } }),
    ]) {
      expect(await rejectionOf(attempt)).toBeInstanceOf(InvalidStateError);
    }
  });
});
