import type { UnitOfWork } from '@exam-reservation/application';
import { at, InMemoryStore, SLOT, T0 } from '@exam-reservation/application/testing';
import { SlotGrid, type SlotLoads } from '@exam-reservation/domain';
import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { storePerFile } from './testing/store-per-file.js';

let store: KyselyStore;

storePerFile({ poolSize: 2 }, (opened) => {
  ({ store } = opened);
});

let users = 0;

/** An account to own the reservations. */
function seedUser(uow: UnitOfWork) {
  users += 1;
  return uow.run((s) =>
    s.users.insert({
      email: `loads-${users}@example.com`,
      userName: 'loads',
      passwordHash: 'x',
      role: 'user',
      createdAt: T0,
    }),
  );
}

/** The slots with people, in order. */
const nonZero = (loads: SlotLoads) =>
  [...loads].filter(([, people]) => people !== 0).sort(([a], [b]) => a - b);

describe('PostgresReservations.pendingLoadsIn', () => {
  it('equals the in-memory store slot by slot for any pending reservations and range', async () => {
    const grid = new SlotGrid(SLOT / 60_000);
    const reservation = fc.record({
      from: fc.integer({ min: -20, max: 40 }),
      slots: fc.integer({ min: 1, max: 12 }),
      people: fc.integer({ min: 1, max: 500 }),
      status: fc.constantFrom('pending', 'pending', 'confirmed', 'cancelled', 'rejected') as fc.Arbitrary<
        'pending' | 'confirmed' | 'cancelled' | 'rejected'
      >,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(reservation, { maxLength: 40 }),
        fc.integer({ min: -5, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        async (rows, from, length, offGrid) => {
          await sql`delete from reservations`.execute(store.kysely);
          const postgres = store;
          const memory = new InMemoryStore();
          const drafts = (userId: number) =>
            rows.map((r, i) => ({
              userId,
              reservationName: `r${i}`,
              start: at(r.from),
              end: at(r.from + r.slots),
              numberOfPeople: r.people,
              status: r.status,
              createdAt: T0,
              updatedAt: T0,
            }));
          for (const uow of [postgres, memory]) {
            const user = await seedUser(uow);
            await uow.run((s) => s.reservations.insertAll(drafts(user.id)));
          }
          // A range that starts off the grid counts only the slots that start in it.
          const start = at(from) + (offGrid ? 1 : 0);
          const read = (uow: KyselyStore | InMemoryStore) =>
            uow.read((s) => s.reservations.pendingLoadsIn(start, at(from + length), grid));
          expect(nonZero(await read(postgres))).toEqual(nonZero(await read(memory)));
        },
      ),
      { numRuns: 40 },
    );
  });
});
