import { at, draft, seedUser } from '@exam-reservation/application/testing';
import { describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { storePerFile } from './testing/store-per-file.js';

let store: KyselyStore;

storePerFile({ poolSize: 2 }, (opened) => {
  ({ store } = opened);
});

const count = async (table: 'reservations' | 'reservation_events') =>
  Number(
    (
      await store.kysely
        .selectFrom(table)
        .select(store.kysely.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** A unit of work whose last statement travels with its COMMIT (PgSession's `last`). */
describe('a last statement sent with the COMMIT', () => {
  it('that fails keeps nothing of its unit, the writes held back before it included', async () => {
    const user = await seedUser(store);
    const [kept] = await store.run((s) =>
      s.reservations.insertCreated([
        { reservation: draft(user.id, 0, 1), actor: { userId: user.id, role: 'user' } },
      ]),
    );
    const before = { reservations: await count('reservations'), events: await count('reservation_events') };
    const failed = store.run(async (s) => {
      // Held back until the last statement's message.
      await s.events.append({
        reservationId: kept!.id,
        type: 'updated',
        actorId: user.id,
        actorRole: 'user',
        reason: null,
        at: at(1),
        before: kept!,
        after: kept!,
      });
      // No such user: the foreign key refuses the insert, and the COMMIT behind it is never run.
      return s.reservations.insertCreated(
        [{ reservation: draft(987_654, 2, 3), actor: { userId: user.id, role: 'user' } }],
        { last: true },
      );
    });
    await expect(failed).rejects.toMatchObject({ code: '23503' });
    expect({ reservations: await count('reservations'), events: await count('reservation_events') }).toEqual(
      before,
    );
    // The connection went back to the pool in a usable state.
    const again = await store.run((s) =>
      s.reservations.insertCreated(
        [{ reservation: draft(user.id, 4, 5), actor: { userId: user.id, role: 'user' } }],
        {
          last: true,
        },
      ),
    );
    expect(await store.read((s) => s.reservations.get(again[0]!.id))).toEqual(again[0]);
  });

  it('nothing may be sent after it', async () => {
    const user = await seedUser(store, { email: 'after@example.com' });
    const unit = store.run(async (s) => {
      const [r] = await s.reservations.insertCreated(
        [{ reservation: draft(user.id, 0, 1), actor: { userId: user.id, role: 'user' } }],
        { last: true },
      );
      await s.reservations.save({ ...r!, numberOfPeople: 2 });
    });
    await expect(unit).rejects.toThrow('the unit of work has sent its last statement');
  });
});
