import { type Actor, type BookingDraft, bookingPolicy, type User } from '@exam-reservation/domain';
import * as actions from '../composition/reservation-actions.js';
import { FixedClock } from '../fakes/clocks.js';
import type { UnitOfWork } from '../ports/index.js';
import { queueingFreedRooms } from '../support/freed-rooms.js';
import { GetReservationHistory } from '../use-cases/get-reservation-history.js';
import { GetSchedules } from '../use-cases/get-schedules.js';
import { PromoteWaitingList } from '../use-cases/promote-waiting-list.js';
import { at, T0 } from './fixtures.js';

/** Nine days before {@link T0}: every slot from T0 on is past the 3-day lead time. */
export const NOW = T0 - 9 * 86_400_000;

/**
 * The reservation use cases wired to one store, a fixed clock and a policy
 * with a small capacity, plus an admin and two users: what use-case tests
 * (in memory) and concurrency tests (on PostgreSQL) both need. With
 * `waitingList`, the store is wrapped as `createUseCases` wraps it for
 * `AUTO_ADMIT=fifo` (every change that frees room queues it), and `promote`
 * walks the queue with the admission chunk size.
 */
export async function useCaseKit(
  store: UnitOfWork,
  options: {
    capacity?: number;
    confirmBatch?: number;
    admissionChunk?: number;
    maxChanges?: number;
    waitingList?: boolean;
  } = {},
) {
  const clock = new FixedClock(NOW);
  const policy = bookingPolicy({
    capacity: options.capacity ?? 100,
    maxChangesPerReservation: options.maxChanges,
  });
  const uow = options.waitingList ? queueingFreedRooms(store, policy.grid) : store;
  const deps = { uow, clock, policy };
  const account = (email: string, role: 'user' | 'admin'): Promise<User> =>
    uow.run((s) =>
      s.users.insert({ email, userName: email.split('@')[0]!, passwordHash: 'x', role, createdAt: NOW }),
    );
  const actorOf = (u: User): Actor => ({ userId: u.id, role: u.role });
  const admin = actorOf(await account('admin@example.com', 'admin'));
  const alice = actorOf(await account('alice@example.com', 'user'));
  const bob = actorOf(await account('bob@example.com', 'user'));
  const create = actions.createReservation(deps);
  return {
    uow,
    clock,
    policy,
    admin,
    alice,
    bob,
    create,
    confirm: actions.confirmReservation(deps, options.confirmBatch),
    /** Another confirmer over the same store, batching on its own, as a second API process would. */
    newConfirmer: () => actions.confirmReservation(deps, options.confirmBatch),
    cancel: actions.cancelReservation(deps),
    reject: actions.rejectReservation(deps),
    update: actions.updateReservation(deps),
    bulkConfirm: actions.bulkConfirmReservations(deps),
    bulkReject: actions.bulkRejectReservations(deps),
    admit: actions.admitReservations(deps, { chunkSize: options.admissionChunk }),
    /** Admission's dry run, with the same chunk size. */
    previewAdmit: actions.previewAdmission(deps, { chunkSize: options.admissionChunk }),
    /** Another admitter over the same store, as a second API process would run one. */
    newAdmitter: (chunkSize = options.admissionChunk) => actions.admitReservations(deps, { chunkSize }),
    /** The waiting list's promotion step (it finds nothing queued without `waitingList`). */
    promote: new PromoteWaitingList({ ...deps, chunkSize: options.admissionChunk }),
    history: new GetReservationHistory(deps),
    schedules: new GetSchedules(deps),
    /** A pending booking by `actor` over slots `[from, to)` after {@link T0}. */
    book: (actor: Actor, from: number, to: number, people: number, name = `R ${from}-${to}`) =>
      create.execute({ actor, draft: bookingDraft(from, to, people, name) }),
    /** Confirmed load of every slot in `[from, to)`, absent slots as 0. */
    loads: async (from: number, to: number): Promise<number[]> => {
      const loads = await uow.read((s) => s.ledger.loadsIn(at(from), at(to)));
      return Array.from({ length: to - from }, (_, i) => loads.get(at(from + i)) ?? 0);
    },
  };
}

export function bookingDraft(
  from: number,
  to: number,
  people: number,
  name = `R ${from}-${to}`,
): BookingDraft {
  return { reservationName: name, start: at(from), end: at(to), numberOfPeople: people };
}
