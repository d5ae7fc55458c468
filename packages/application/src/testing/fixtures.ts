import type { Reservation, User } from '@exam-reservation/domain';
import { expect } from 'vitest';
import type { NewReservation, SlotLedger, UnitOfWork } from '../ports/index.js';

/** Returns a fresh, empty store for one test. */
export type MakeStore = () => Promise<UnitOfWork>;

/** Ten minutes, the API's slot length. */
export const SLOT = 10 * 60_000;
/** An arbitrary slot-aligned instant well inside the bookable future of the tests. */
export const T0 = Date.parse('2026-12-10T00:00:00Z');
/** `T0 + n` slots. */
export const at = (n: number): number => T0 + n * SLOT;

/** `store` with the ledger of each unit of work replaced by what `wrap` makes of it (to watch or break it). */
export function withLedger(store: UnitOfWork, wrap: (ledger: SlotLedger) => SlotLedger): UnitOfWork {
  return {
    read: (work) => store.read(work),
    run: (work) => store.run((stores) => work({ ...stores, ledger: wrap(stores.ledger) })),
  };
}

let emails = 0;

/** Inserts an account with a unique e-mail and returns it. */
export function seedUser(uow: UnitOfWork, fields: Partial<{ email: string; role: 'user' | 'admin' }> = {}) {
  emails += 1;
  return uow.run(
    (stores): Promise<User> =>
      stores.users.insert({
        email: fields.email ?? `user-${emails}-${Date.now()}@example.com`,
        userName: `User ${emails}`,
        passwordHash: `hash-${emails}`,
        role: fields.role ?? 'user',
        createdAt: T0 - 86_400_000,
      }),
  );
}

/** A pending reservation of `userId` over slots `[from, to)` of the grid around {@link T0}. */
export function draft(userId: number, from: number, to: number, fields: Partial<NewReservation> = {}) {
  return {
    userId,
    reservationName: `R ${from}-${to}`,
    start: at(from),
    end: at(to),
    numberOfPeople: 10,
    status: 'pending' as const,
    createdAt: T0 - 3_600_000,
    updatedAt: T0 - 3_600_000,
    ...fields,
  } satisfies NewReservation;
}

/** Inserts reservations in order and returns them as stored. */
export function seedReservations(uow: UnitOfWork, drafts: readonly NewReservation[]): Promise<Reservation[]> {
  return uow.run(async (stores) => {
    const out: Reservation[] = [];
    for (const d of drafts) out.push(await stores.reservations.insert(d));
    return out;
  });
}

/** What `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected a rejection');
}
