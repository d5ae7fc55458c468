import { InvalidStateError, NotFoundError, ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { rejectionOf } from '../testing/fixtures.js';
import { useCaseKit } from '../testing/use-case-kit.js';

describe('CancelReservation', () => {
  it('the owner cancels a pending reservation; again is a no-op', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 10);
    const cancelled = await kit.cancel.execute({ actor: kit.alice, id: r.id });
    expect(cancelled.status).toBe('cancelled');
    kit.clock.advance(1_000);
    expect(await kit.cancel.execute({ actor: kit.alice, id: r.id })).toEqual(cancelled);
  });

  it('keeps the reason in the history; a reason over 500 characters changes nothing', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 10);
    expect(
      await rejectionOf(kit.cancel.execute({ actor: kit.alice, id: r.id, reason: 'x'.repeat(501) })),
    ).toBeInstanceOf(ValidationError);
    await kit.cancel.execute({ actor: kit.alice, id: r.id, reason: 'plans changed' });
    const events = await kit.uow.run((s) => s.events.listFor(r.id));
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ['created', null],
      ['cancelled', 'plans changed'],
    ]);
  });

  it('an admin cancelling a confirmed reservation frees its places', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 100);
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
    await kit.cancel.execute({ actor: kit.admin, id: r.id });
    expect(await kit.loads(0, 2)).toEqual([0, 0]);
    const next = await kit.book(kit.bob, 0, 2, 100);
    await expect(kit.confirm.execute({ actor: kit.admin, id: next.id })).resolves.toMatchObject({
      status: 'confirmed',
    });
  });

  it('the owner may not cancel a confirmed reservation, and a stranger cannot see it', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 10);
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
    expect(await rejectionOf(kit.cancel.execute({ actor: kit.alice, id: r.id }))).toBeInstanceOf(
      InvalidStateError,
    );
    expect(await rejectionOf(kit.cancel.execute({ actor: kit.bob, id: r.id }))).toBeInstanceOf(NotFoundError);
    expect(await kit.loads(0, 2)).toEqual([10, 10]);
  });
});
