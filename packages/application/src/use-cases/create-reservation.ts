import {
  type Actor,
  type BookingDraft,
  type BookingPolicy,
  findOverflow,
  newReservation,
  type Reservation,
  rangeOf,
} from '@exam-reservation/domain';
import type { Metrics, TransactionStores } from '../ports/index.js';
import { type IdempotencyDeps, type Once, type OnceAnswer, runOnce } from './idempotency.js';

export interface CreateReservationCommand {
  readonly actor: Actor;
  readonly draft: BookingDraft;
}

/**
 * Books a pending reservation. It is refused at once when the confirmed load
 * already leaves no room for it; pending reservations hold no places, so the
 * binding check is at confirmation.
 */
export class CreateReservation {
  constructor(
    private readonly deps: IdempotencyDeps & { policy: BookingPolicy; metrics?: Metrics | undefined },
  ) {}

  /** @throws ValidationError | CapacityExceededError */
  async execute(command: CreateReservationCommand): Promise<Reservation> {
    const fresh = newReservation(command.actor, command.draft, this.deps.policy, this.deps.clock.now());
    return this.deps.uow.run((stores) => this.insert(stores, command.actor, fresh));
  }

  /**
   * {@link execute} at most once per key: concurrent requests with one key
   * create one reservation. Refusals are answered (and stored), not thrown.
   */
  executeOnce(command: CreateReservationCommand, once: Once<Reservation>): Promise<OnceAnswer> {
    return runOnce(this.deps, command.actor.userId, once, (stores) =>
      this.insert(
        stores,
        command.actor,
        newReservation(command.actor, command.draft, this.deps.policy, this.deps.clock.now()),
      ),
    );
  }

  private async insert(
    stores: TransactionStores,
    actor: Actor,
    fresh: Omit<Reservation, 'id'>,
  ): Promise<Reservation> {
    const { policy } = this.deps;
    const range = rangeOf(fresh);
    const loads = await stores.ledger.loadsIn(range.start, range.end);
    const overflow = findOverflow(loads, range, fresh.numberOfPeople, policy.capacity, policy.grid);
    if (overflow) {
      this.deps.metrics?.bookingRefusedForCapacity();
      throw overflow;
    }
    const created = await stores.reservations.insert(fresh);
    await stores.events.append({
      reservationId: created.id,
      type: 'created',
      actorId: actor.userId,
      actorRole: actor.role,
      reason: null,
      at: fresh.createdAt,
      before: null,
      after: created,
    });
    return created;
  }
}
