import {
  type Actor,
  type BookingDraft,
  type BookingPolicy,
  DomainError,
  firstOverflow,
  newReservation,
  type Reservation,
  rangeLoad,
  rangeOf,
  type SlotLoads,
} from '@exam-reservation/domain';
import type { Clock, NewReservation, TransactionStores } from '../ports/index.js';
import type { Action, Decided } from '../wrappers/action.js';

export interface CreateReservationCommand {
  readonly actor: Actor;
  readonly draft: BookingDraft;
}

/** Ranges this close together are read in one query: the loaded slots between them are few. */
const READ_TOGETHER_GAP_MS = 86_400_000;

/**
 * Books a pending reservation. It is refused when the confirmed load already
 * leaves no room for it; pending reservations hold no places, so the binding
 * check is at confirmation. Bookings decided together read the confirmed
 * load once, are each decided on their own in order (a refusal never fails
 * its neighbours), and are inserted with their audit events in one
 * statement each.
 */
export class CreateReservation implements Action<CreateReservationCommand, Reservation> {
  constructor(private readonly deps: { readonly clock: Clock; readonly policy: BookingPolicy }) {}

  /** The rules alone, at once: a refused booking need not wait for a unit of work. */
  readonly screen = (command: CreateReservationCommand): void => {
    newReservation(command.actor, command.draft, this.deps.policy, this.deps.clock.now());
  };

  async decide(
    stores: TransactionStores,
    commands: readonly CreateReservationCommand[],
  ): Promise<Decided<Reservation>[]> {
    const { policy, clock } = this.deps;
    const now = clock.now();
    const made = commands.map((c): Decided<NewReservation> => {
      try {
        return { ok: newReservation(c.actor, c.draft, policy, now) };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { error };
      }
    });
    const loads = await loadsOf(
      stores,
      made.flatMap((m) => ('ok' in m ? [rangeOf(m.ok)] : [])),
    );
    const outcomes: Decided<Reservation>[] = new Array(commands.length);
    const accepted: { index: number; fresh: NewReservation }[] = [];
    made.forEach((m, index) => {
      if ('error' in m) {
        outcomes[index] = m;
        return;
      }
      const fresh = m.ok;
      const overflow = firstOverflow(
        loads,
        rangeLoad(rangeOf(fresh), fresh.numberOfPeople, policy.grid),
        policy.capacity,
        policy.timeZone,
      );
      if (overflow) outcomes[index] = { error: overflow };
      else accepted.push({ index, fresh });
    });
    const created = await stores.reservations.insertAll(accepted.map((a) => a.fresh));
    await stores.events.appendAll(
      created.map((reservation, i) => {
        const { actor } = commands[accepted[i]!.index]!;
        return {
          reservationId: reservation.id,
          type: 'created' as const,
          actorId: actor.userId,
          actorRole: actor.role,
          reason: null,
          at: reservation.createdAt,
          before: null,
          after: reservation,
        };
      }),
    );
    for (const [i, { index }] of accepted.entries()) outcomes[index] = { ok: created[i]! };
    return outcomes;
  }
}

/**
 * The confirmed load of every slot the ranges cover, read with as few
 * queries as the ranges allow: ranges less than a day apart share one.
 */
async function loadsOf(
  stores: TransactionStores,
  ranges: readonly { start: number; end: number }[],
): Promise<SlotLoads> {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start - last.end < READ_TOGETHER_GAP_MS) last.end = Math.max(last.end, range.end);
    else merged.push({ start: range.start, end: range.end });
  }
  if (merged.length === 1) return stores.ledger.loadsIn(merged[0]!.start, merged[0]!.end);
  const loads = new Map<number, number>();
  for (const range of merged) {
    for (const [slot, load] of await stores.ledger.loadsIn(range.start, range.end)) loads.set(slot, load);
  }
  return loads;
}
