import { TooManyChangesError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { rejectionOf } from '../testing/fixtures.js';
import { useCaseKit } from '../testing/use-case-kit.js';

const renames = (n: number) => ({ reservationName: `Rename ${n}` });

describe('the change limit (MAX_CHANGES_PER_RESERVATION)', () => {
  it('lets the owner change a reservation `limit` times; the next change is refused and writes nothing', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { maxChanges: 3 });
    const r = await kit.book(kit.alice, 0, 2, 10);
    for (let n = 1; n <= 3; n++) {
      await kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(n) });
    }
    const before = await kit.uow.read((s) => s.reservations.get(r.id));
    const error = await rejectionOf(kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(4) }));
    expect(error).toBeInstanceOf(TooManyChangesError);
    expect(error).toMatchObject({ code: 'too_many_changes', limit: 3 });
    expect(await kit.uow.read((s) => s.reservations.get(r.id))).toEqual(before);
    expect(await kit.uow.read((s) => s.events.listFor(r.id))).toHaveLength(4);
  });

  it('at the cap, a change that changes nothing is still a 200 no-op, and cancelling still works', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { maxChanges: 1 });
    const r = await kit.book(kit.alice, 0, 2, 10);
    const renamed = await kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(1) });
    await expect(kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(1) })).resolves.toEqual(
      renamed,
    );
    await expect(kit.cancel.execute({ actor: kit.alice, id: r.id })).resolves.toMatchObject({
      status: 'cancelled',
    });
  });

  it('does not limit admins, and their changes do not use up the owner’s', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { maxChanges: 2 });
    const r = await kit.book(kit.alice, 0, 2, 10);
    for (let n = 1; n <= 5; n++) {
      await kit.update.execute({ actor: kit.admin, id: r.id, patch: renames(n) });
    }
    await kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(6) });
    await kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(7) });
    expect(
      await rejectionOf(kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(8) })),
    ).toBeInstanceOf(TooManyChangesError);
    await expect(
      kit.update.execute({ actor: kit.admin, id: r.id, patch: renames(9) }),
    ).resolves.toMatchObject({ reservationName: 'Rename 9' });
  });

  it('counts per reservation: another reservation of the same owner has its own allowance', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { maxChanges: 1 });
    const a = await kit.book(kit.alice, 0, 2, 10);
    const b = await kit.book(kit.alice, 4, 6, 10);
    await kit.update.execute({ actor: kit.alice, id: a.id, patch: renames(1) });
    await expect(
      kit.update.execute({ actor: kit.alice, id: b.id, patch: renames(1) }),
    ).resolves.toMatchObject({ reservationName: 'Rename 1' });
  });

  it('20 changes sent at once at the last allowed change: exactly one is made', async () => {
    const kit = await useCaseKit(new InMemoryStore(), { maxChanges: 5 });
    const r = await kit.book(kit.alice, 0, 2, 10);
    for (let n = 1; n <= 4; n++) {
      await kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(n) });
    }
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, n) =>
        kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(100 + n) }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(TooManyChangesError);
    }
    expect(await kit.uow.read((s) => s.events.listFor(r.id))).toHaveLength(6);
  });

  it('reads the history page by page, oldest first', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 10);
    for (let n = 1; n <= 6; n++) {
      await kit.update.execute({ actor: kit.alice, id: r.id, patch: renames(n) });
    }
    const page = await kit.history.execute({ actor: kit.alice, id: r.id, page: 2, limit: 3 });
    expect(page.total).toBe(7);
    expect(page.items.map((e) => e.after.reservationName)).toEqual(['Rename 3', 'Rename 4', 'Rename 5']);
    for (const [page, limit] of [
      [0, 10],
      [1, 0],
      [1, 101],
      [1.5, 10],
    ] as const) {
      await expect(kit.history.execute({ actor: kit.alice, id: r.id, page, limit })).rejects.toMatchObject({
        code: 'validation_error',
      });
    }
  });
});
