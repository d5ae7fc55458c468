import { CapacityExceededError, InvalidStateError, ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { at, rejectionOf, withLedger } from '../testing/fixtures.js';
import { useCaseKit } from '../testing/use-case-kit.js';

describe('UpdateReservation', () => {
  it('an admin moves a confirmed reservation onto its own slots: its old load is not counted', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 6, 100);
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
    const moved = await kit.update.execute({
      actor: kit.admin,
      id: r.id,
      patch: { start: at(3), end: at(9) },
    });
    expect(moved).toMatchObject({ start: at(3), end: at(9), status: 'confirmed' });
    expect(await kit.loads(0, 10)).toEqual([0, 0, 0, 100, 100, 100, 100, 100, 100, 0]);
  });

  it('an admin resizing a confirmed reservation changes its load in place', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 30);
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
    await kit.update.execute({ actor: kit.admin, id: r.id, patch: { numberOfPeople: 100 } });
    expect(await kit.loads(0, 2)).toEqual([100, 100]);
  });

  it('is refused when the new slots would overflow, leaving reservation, ledger and trail unchanged', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const other = await kit.book(kit.bob, 10, 12, 50);
    const r = await kit.book(kit.alice, 0, 4, 60);
    await kit.confirm.execute({ actor: kit.admin, id: other.id });
    const confirmed = await kit.confirm.execute({ actor: kit.admin, id: r.id });
    const error = await rejectionOf(
      kit.update.execute({ actor: kit.admin, id: r.id, patch: { start: at(8), end: at(12) } }),
    );
    expect(error).toBeInstanceOf(CapacityExceededError);
    expect(error).toMatchObject({ slotStart: at(10), available: 50, requested: 60 });
    expect(await kit.uow.read((s) => s.reservations.get(r.id))).toEqual(confirmed);
    expect(await kit.loads(0, 12)).toEqual([60, 60, 60, 60, 0, 0, 0, 0, 0, 0, 50, 50]);
    expect((await kit.uow.run((s) => s.events.listFor(r.id))).map((e) => e.type)).toEqual([
      'created',
      'confirmed',
    ]);
  });

  it('the domain refuses an overflowing move before the ledger is asked to write anything', async () => {
    let writes = 0;
    const store = withLedger(new InMemoryStore(), (ledger) => ({
      loadsIn: (from, to) => ledger.loadsIn(from, to),
      lockLoads: (slots, capacity) => ledger.lockLoads(slots, capacity),
      apply: (deltas, capacity) => {
        writes++;
        return ledger.apply(deltas, capacity);
      },
    }));
    const kit = await useCaseKit(store);
    const other = await kit.book(kit.bob, 10, 12, 50);
    const r = await kit.book(kit.alice, 0, 4, 60);
    await kit.confirm.execute({ actor: kit.admin, id: other.id });
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
    writes = 0;
    const error = await rejectionOf(
      kit.update.execute({ actor: kit.admin, id: r.id, patch: { start: at(8), end: at(12) } }),
    );
    expect(error).toMatchObject({ slotStart: at(10), available: 50, requested: 60 });
    expect(writes).toBe(0);
  });

  it('a pending reservation moved onto a full slot is refused too', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const full = await kit.book(kit.bob, 5, 6, 100);
    await kit.confirm.execute({ actor: kit.admin, id: full.id });
    const r = await kit.book(kit.alice, 0, 2, 1);
    const error = await rejectionOf(
      kit.update.execute({ actor: kit.alice, id: r.id, patch: { start: at(4), end: at(6) } }),
    );
    expect(error).toBeInstanceOf(CapacityExceededError);
    expect(await kit.uow.read((s) => s.reservations.get(r.id))).toEqual(r);
  });

  it('the owner may change a pending reservation but not a confirmed one; an empty patch is invalid', async () => {
    const kit = await useCaseKit(new InMemoryStore());
    const r = await kit.book(kit.alice, 0, 2, 10);
    await expect(
      kit.update.execute({ actor: kit.alice, id: r.id, patch: { reservationName: 'Renamed' } }),
    ).resolves.toMatchObject({ reservationName: 'Renamed' });
    expect(await rejectionOf(kit.update.execute({ actor: kit.alice, id: r.id, patch: {} }))).toBeInstanceOf(
      ValidationError,
    );
    await kit.confirm.execute({ actor: kit.admin, id: r.id });
    expect(
      await rejectionOf(kit.update.execute({ actor: kit.alice, id: r.id, patch: { numberOfPeople: 5 } })),
    ).toBeInstanceOf(InvalidStateError);
  });
});
