import { NotFoundError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { at } from '../testing/fixtures.js';
import { NOW, useCaseKit } from '../testing/use-case-kit.js';

describe('the audit trail of a reservation', () => {
  it('records created, updated, confirmed and cancelled with before, after, actor, role and time', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const created = await kit.book(kit.alice, 0, 2, 10);
    kit.clock.advance(1_000);
    const updated = await kit.update.execute({ actor: kit.alice, id: created.id, patch: { end: at(3) } });
    kit.clock.advance(1_000);
    const confirmed = await kit.confirm.execute({ actor: kit.admin, id: created.id });
    kit.clock.advance(1_000);
    const cancelled = await kit.cancel.execute({ actor: kit.admin, id: created.id });
    // No-ops record nothing.
    await kit.cancel.execute({ actor: kit.admin, id: created.id });
    await kit.update
      .execute({ actor: kit.admin, id: created.id, patch: { end: at(3) } })
      .catch(() => undefined);
    const events = await kit.uow.run((s) => s.events.listFor(created.id));
    expect(events.map(({ id: _, ...e }) => e)).toEqual([
      {
        reservationId: created.id,
        type: 'created',
        actorId: kit.alice.userId,
        actorRole: 'user',
        reason: null,
        at: NOW,
        before: null,
        after: created,
      },
      {
        reservationId: created.id,
        type: 'updated',
        actorId: kit.alice.userId,
        actorRole: 'user',
        reason: null,
        at: NOW + 1_000,
        before: created,
        after: updated,
      },
      {
        reservationId: created.id,
        type: 'confirmed',
        actorId: kit.admin.userId,
        actorRole: 'admin',
        reason: null,
        at: NOW + 2_000,
        before: updated,
        after: confirmed,
      },
      {
        reservationId: created.id,
        type: 'cancelled',
        actorId: kit.admin.userId,
        actorRole: 'admin',
        reason: null,
        at: NOW + 3_000,
        before: confirmed,
        after: cancelled,
      },
    ]);
  });

  it('records a rejection with its reason, and a repeated rejection not at all', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const created = await kit.book(kit.bob, 0, 2, 10);
    kit.clock.advance(1_000);
    const rejected = await kit.reject.execute({ actor: kit.admin, id: created.id, reason: 'duplicate' });
    await kit.reject.execute({ actor: kit.admin, id: created.id, reason: 'again' });
    const history = await kit.history.execute({ actor: kit.bob, id: created.id, page: 1, limit: 100 });
    expect(history.total).toBe(2);
    expect(history.items.map(({ id: _, ...e }) => e)).toEqual([
      {
        reservationId: created.id,
        type: 'created',
        actorId: kit.bob.userId,
        actorRole: 'user',
        reason: null,
        at: NOW,
        before: null,
        after: created,
      },
      {
        reservationId: created.id,
        type: 'rejected',
        actorId: kit.admin.userId,
        actorRole: 'admin',
        reason: 'duplicate',
        at: NOW + 1_000,
        before: created,
        after: rejected,
      },
    ]);
  });

  it('the history is for the owner and admins; anyone else is told it does not exist', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const created = await kit.book(kit.alice, 0, 2, 10);
    const page = { page: 1, limit: 100 };
    expect((await kit.history.execute({ actor: kit.admin, id: created.id, ...page })).items).toHaveLength(1);
    await expect(kit.history.execute({ actor: kit.bob, id: created.id, ...page })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(kit.history.execute({ actor: kit.admin, id: 999_999, ...page })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
