import {
  type Actor,
  type BookingDraft,
  type BookingPolicy,
  DomainError,
  findOverflow,
  IdempotencyKeyReusedError,
  newReservation,
  type Reservation,
  rangeOf,
  type SlotLoads,
} from '@exam-reservation/domain';
import {
  type IdempotencyScope,
  type Metrics,
  type NewReservation,
  StoreUnavailableError,
  type TransactionStores,
} from '../ports/index.js';
import {
  completeOnce,
  type Decided,
  type IdempotencyDeps,
  isIdempotencyRefusal,
  type Once,
  type OnceAnswer,
  scopeId,
  scopeOf,
  verdict,
} from './idempotency.js';
import { NaturalBatch, type Outcome } from './natural-batch.js';

export interface CreateReservationCommand {
  readonly actor: Actor;
  readonly draft: BookingDraft;
}

/** One booking waiting for its batch: the reservation the rules made of it, or why they refused it. */
interface Job {
  readonly actor: Actor;
  readonly made: Decided<NewReservation>;
  readonly once?: Once<Reservation> | undefined;
}

/** Ranges this close together are read in one query: the loaded slots between them are few. */
const READ_TOGETHER_GAP_MS = 86_400_000;

/**
 * Books a pending reservation, refused at once when the confirmed load
 * already leaves no room; pending reservations hold no places, so the binding
 * check is at confirmation. When registration opens thousands book at once,
 * and a transaction each would wait for a connection and a WAL flush apiece;
 * so bookings that arrive while one is being written are written together in
 * one transaction (natural batching, as confirmations are), each decided on
 * its own so that a refusal never fails its neighbours. An idle service adds
 * no delay; should a batch fail as a whole, each booking is retried alone.
 */
export class CreateReservation {
  private readonly batch: NaturalBatch<Job, Reservation | OnceAnswer>;

  /** @param deps.maxBatch most bookings per transaction (default 64; 1 writes each alone) */
  constructor(
    private readonly deps: IdempotencyDeps & {
      policy: BookingPolicy;
      maxBatch?: number | undefined;
      metrics?: Metrics | undefined;
    },
  ) {
    this.batch = new NaturalBatch((jobs) => this.createAll(jobs), { maxBatch: deps.maxBatch ?? 64 });
  }

  /** @throws ValidationError | CapacityExceededError */
  async execute(command: CreateReservationCommand): Promise<Reservation> {
    // The rules first, at once: a refused booking never waits for a batch.
    const made = newReservation(command.actor, command.draft, this.deps.policy, this.deps.clock.now());
    return (await this.batch.submit({ actor: command.actor, made: { ok: made } })) as Reservation;
  }

  /**
   * {@link execute} at most once per key: concurrent requests with one key
   * create one reservation. Refusals are answered (and stored), not thrown.
   * @throws IdempotencyInProgressError | IdempotencyKeyReusedError
   */
  async executeOnce(command: CreateReservationCommand, once: Once<Reservation>): Promise<OnceAnswer> {
    let made: Decided<NewReservation>;
    try {
      made = { ok: newReservation(command.actor, command.draft, this.deps.policy, this.deps.clock.now()) };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      made = { error };
    }
    return (await this.batch.submit({ actor: command.actor, made, once })) as OnceAnswer;
  }

  private async createAll(jobs: readonly Job[]): Promise<Outcome<Reservation | OnceAnswer>[]> {
    try {
      return await this.deps.uow.run((stores) => this.createTogether(stores, jobs));
    } catch (error) {
      // A database that is down fails them all alike; trying each again would only add load.
      if (jobs.length === 1 || error instanceof StoreUnavailableError) throw error;
      // Nothing of the batch was kept: give every booking a transaction of its own.
      const outcomes: Outcome<Reservation | OnceAnswer>[] = [];
      for (const job of jobs) {
        outcomes.push(
          await this.deps.uow
            .run((stores) => this.createTogether(stores, [job]))
            .then(
              ([outcome]) => outcome!,
              (e: unknown) => ({ error: e }),
            ),
        );
      }
      return outcomes;
    }
  }

  /**
   * One batch in one unit of work: keyed bookings claim their keys first (a
   * stored answer is replayed; a key held elsewhere, or twice in this batch,
   * is in progress), then every booking still to decide is checked against
   * the confirmed load in arrival order, the accepted ones are inserted, and
   * each keyed one's answer is stored with them.
   */
  private async createTogether(
    stores: TransactionStores,
    jobs: readonly Job[],
  ): Promise<Outcome<Reservation | OnceAnswer>[]> {
    const { policy, clock } = this.deps;
    const now = clock.now();
    const outcomes: Outcome<Reservation | OnceAnswer>[] = new Array(jobs.length);
    const scopes = new Map<number, IdempotencyScope>();
    /** A key sent again within this batch, and the index of its first request here. */
    const repeats: { index: number; first: number }[] = [];
    const keyed = jobs.flatMap((job, index) =>
      job.once ? [{ index, scope: scopeOf(job.actor.userId, job.once) }] : [],
    );
    if (keyed.length > 0) {
      const firstOf = new Map<string, number>();
      const unique = keyed.filter(({ index, scope }) => {
        const first = firstOf.get(scopeId(scope));
        if (first === undefined) {
          firstOf.set(scopeId(scope), index);
          return true;
        }
        repeats.push({ index, first });
        return false;
      });
      const claims = await stores.idempotencyKeys.claim(
        unique.map((k) => k.scope),
        now,
      );
      unique.forEach(({ index, scope }, i) => {
        try {
          const stored = verdict(claims[i]!, jobs[index]!.once!.fingerprint, now);
          if (stored) outcomes[index] = { ok: stored };
          else scopes.set(index, scope);
        } catch (error) {
          if (!isIdempotencyRefusal(error)) throw error;
          outcomes[index] = { error };
        }
      });
    }
    const toDecide = jobs.flatMap((job, index) => (!job.once || scopes.has(index) ? [index] : []));

    const loads = await loadsOf(
      stores,
      toDecide.flatMap((index) => {
        const made = jobs[index]!.made;
        return 'ok' in made ? [rangeOf(made.ok)] : [];
      }),
    );
    const decided = new Map<number, Decided<Reservation>>();
    const accepted: { index: number; fresh: NewReservation }[] = [];
    for (const index of toDecide) {
      const made = jobs[index]!.made;
      if ('error' in made) {
        decided.set(index, made);
        continue;
      }
      const fresh = made.ok;
      const overflow = findOverflow(
        loads,
        rangeOf(fresh),
        fresh.numberOfPeople,
        policy.capacity,
        policy.grid,
      );
      if (overflow) {
        this.deps.metrics?.bookingRefusedForCapacity();
        decided.set(index, { error: overflow });
      } else accepted.push({ index, fresh });
    }
    const created = await stores.reservations.insertAll(accepted.map((a) => a.fresh));
    await stores.events.appendAll(
      created.map((reservation, i) => {
        const { actor } = jobs[accepted[i]!.index]!;
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
    for (const [i, { index }] of accepted.entries()) decided.set(index, { ok: created[i]! });

    for (const index of toDecide) {
      const outcome = decided.get(index)!;
      const once = jobs[index]!.once;
      if (!once) {
        outcomes[index] = outcome;
        continue;
      }
      outcomes[index] = {
        ok: await completeOnce(
          stores,
          scopes.get(index)!,
          once,
          once.render(outcome),
          now,
          this.deps.idempotencyTtlMs,
        ),
      };
    }
    // A key sent twice in one batch: the second is answered as if it came just
    // after the first was done, as it would have been one batch later.
    for (const { index, first } of repeats) {
      const answered = outcomes[first]!;
      outcomes[index] =
        jobs[index]!.once!.fingerprint !== jobs[first]!.once!.fingerprint
          ? { error: new IdempotencyKeyReusedError() }
          : 'ok' in answered
            ? { ok: { response: (answered.ok as OnceAnswer).response, replayed: true } }
            : answered;
    }
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
