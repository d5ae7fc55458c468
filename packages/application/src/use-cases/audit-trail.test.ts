import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { at } from '../testing/fixtures.js';
import { NOW, useCaseKit } from '../testing/use-case-kit.js';

describe('the audit trail of a reservation', () => {
  it('records created, updated, confirmed and cancelled with before, after, actor and time', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const created = await kit.book(kit.alice, 0, 2, 10);
    kit.clock.advance(1_000);
    const updated = await kit.update.execute({ actor: kit.alice, id: created.id, patch: { end: at(3) } });
    kit.clock.advance(1_000);
    const confirmed = await kit.confirm.execute({ actor: kit.admin, id: created.id });
    kit.clock.advance(1_000);
    const cancelled = await kit.cancel.execute({ actor: kit.admin, id: created.id });
    const events = await kit.uow.run((s) => s.events.listFor(created.id));
    expect(events.map(({ id: _, ...e }) => e)).toEqual([
      {
        reservationId: created.id,
        type: 'created',
        actorId: kit.alice.userId,
        at: NOW,
        before: null,
        after: created,
      },
      {
        reservationId: created.id,
        type: 'updated',
        actorId: kit.alice.userId,
        at: NOW + 1_000,
        before: created,
        after: updated,
      },
      {
        reservationId: created.id,
        type: 'confirmed',
        actorId: kit.admin.userId,
        at: NOW + 2_000,
        before: updated,
        after: confirmed,
      },
      {
        reservationId: created.id,
        type: 'cancelled',
        actorId: kit.admin.userId,
        at: NOW + 3_000,
        before: confirmed,
        after: cancelled,
      },
    ]);
  });
});
