import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  CapacityExceededError,
  CapacityLedger,
  confirm,
  confirmedLoadDelta,
  NotFoundError,
  type Reservation,
  type Transition,
} from '@exam-reservation/domain';
import type { Clock, TransactionStores, UnitOfWork } from '../ports/index.js';
import { changeReservation } from './change-reservation.js';
import { NaturalBatch, type Outcome } from './natural-batch.js';

export interface ConfirmReservationCommand {
  readonly actor: Actor;
  readonly id: number;
}

/**
 * An admin confirms a pending reservation; its people start to count against
 * capacity.
 *
 * When registration opens, thousands of confirmations hit the same slots,
 * and each transaction that changes them holds their rows through its WAL
 * flush. So confirmations that arrive while one is in progress are confirmed
 * together in one transaction: the reservations and their slots are locked
 * (ascending ids, then ascending slots), the domain decides each one in
 * arrival order against the locked loads (the domain's CapacityLedger), and all accepted ones are written
 * and committed at once. Each caller still gets its own answer, exactly as
 * if it had run alone. Should the batch fail as a whole, nothing of it was
 * kept and each confirmation is retried on its own.
 */
export class ConfirmReservation {
  private readonly batch: NaturalBatch<ConfirmReservationCommand, Reservation> | null;

  /**
   * @param deps.maxBatch most confirmations per transaction (default 64); 1
   *   turns batching off, so every confirmation runs in its own transaction,
   *   concurrently with the others.
   */
  constructor(
    private readonly deps: { uow: UnitOfWork; clock: Clock; policy: BookingPolicy; maxBatch?: number },
  ) {
    const maxBatch = deps.maxBatch ?? 64;
    this.batch =
      maxBatch > 1 ? new NaturalBatch((commands) => this.confirmAll(commands), { maxBatch }) : null;
  }

  /** @throws NotFoundError | ForbiddenError | InvalidStateError | CapacityExceededError (left pending) */
  async execute(command: ConfirmReservationCommand): Promise<Reservation> {
    // Before any lookup: a user learns nothing about which ids exist.
    assertAdmin(command.actor, 'confirm reservations');
    return this.batch ? this.batch.submit(command) : this.confirmOne(command);
  }

  private confirmOne(command: ConfirmReservationCommand): Promise<Reservation> {
    return changeReservation(this.deps, command.id, command.actor.userId, 'confirmed', (r, now) =>
      confirm(command.actor, r, now),
    );
  }

  private async confirmAll(commands: readonly ConfirmReservationCommand[]): Promise<Outcome<Reservation>[]> {
    const settle = (work: Promise<Reservation>): Promise<Outcome<Reservation>> =>
      work.then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      );
    if (commands.length === 1) return [await settle(this.confirmOne(commands[0]!))];
    try {
      return await this.deps.uow.run((stores) => this.decideTogether(stores, commands));
    } catch {
      // Nothing of the batch was kept (e.g. it lost a race with another
      // process at commit): give every confirmation its own transaction.
      const outcomes: Outcome<Reservation>[] = [];
      for (const command of commands) outcomes.push(await settle(this.confirmOne(command)));
      return outcomes;
    }
  }

  private async decideTogether(
    stores: TransactionStores,
    commands: readonly ConfirmReservationCommand[],
  ): Promise<Outcome<Reservation>[]> {
    const { clock, policy } = this.deps;
    const now = clock.now();
    const current = new Map(
      (await stores.reservations.getManyForUpdate(commands.map((c) => c.id))).map((r) => [r.id, r]),
    );
    // Lock every slot a pending one of them could take, before deciding.
    const slots = new Set<number>();
    for (const r of current.values()) {
      if (r.status !== 'pending') continue;
      for (const d of confirmedLoadDelta(null, { ...r, status: 'confirmed' }, policy.grid))
        slots.add(d.slotStart);
    }
    const ledger = new CapacityLedger(
      policy.capacity,
      await stores.ledger.lockLoads([...slots], policy.capacity),
    );

    const outcomes: Outcome<Reservation>[] = [];
    const accepted: { transition: Transition; actorId: number }[] = [];
    for (const command of commands) {
      const reservation = current.get(command.id);
      if (!reservation) {
        outcomes.push({ error: new NotFoundError() });
        continue;
      }
      let transition: Transition;
      try {
        transition = confirm(command.actor, reservation, now);
      } catch (error) {
        outcomes.push({ error });
        continue;
      }
      if (transition.changed) {
        try {
          ledger.apply(confirmedLoadDelta(transition.before, transition.after, policy.grid));
        } catch (error) {
          if (!(error instanceof CapacityExceededError)) throw error;
          outcomes.push({ error });
          continue;
        }
        current.set(command.id, transition.after);
        accepted.push({ transition, actorId: command.actor.userId });
      }
      outcomes.push({ ok: transition.after });
    }

    await stores.reservations.saveAll(accepted.map(({ transition }) => transition.after));
    await stores.events.appendAll(
      accepted.map(({ transition: { before, after }, actorId }) => ({
        reservationId: after.id,
        type: 'confirmed' as const,
        actorId,
        at: now,
        before,
        after,
      })),
    );
    const deltas = accepted.flatMap(({ transition }) =>
      confirmedLoadDelta(transition.before, transition.after, policy.grid),
    );
    if (deltas.length > 0) await stores.ledger.apply(deltas, policy.capacity);
    return outcomes;
  }
}
