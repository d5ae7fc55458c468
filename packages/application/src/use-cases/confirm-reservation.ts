import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  confirm,
  DomainError,
  IdempotencyInProgressError,
  type Reservation,
} from '@exam-reservation/domain';
import type { Clock, IdempotencyScope, Metrics, TransactionStores, UnitOfWork } from '../ports/index.js';
import { changeWithin } from './change-reservation.js';
import { confirmTogether } from './confirm-together.js';
import {
  completeOnce,
  type Decided,
  type IdempotencyDeps,
  isIdempotencyRefusal,
  type Once,
  type OnceAnswer,
  runOnce,
  scopeId,
  scopeOf,
  verdict,
} from './idempotency.js';
import { NaturalBatch, type Outcome } from './natural-batch.js';

export interface ConfirmReservationCommand {
  readonly actor: Actor;
  readonly id: number;
}

/** One confirmation waiting for a batch, with its key when it has one. */
interface Job {
  readonly command: ConfirmReservationCommand;
  readonly once?: Once<Reservation> | undefined;
}

/**
 * An admin confirms a pending reservation; its people start to count against
 * capacity. When registration opens, thousands of confirmations hit the same
 * slots, and each transaction that changes them holds their rows through its
 * WAL flush; so confirmations that arrive while one is in progress are
 * confirmed together in one transaction ({@link confirmTogether}), each caller
 * still getting the answer it would have had alone. A batch that fails as a
 * whole kept nothing, and each of its confirmations is retried on its own.
 */
export class ConfirmReservation {
  private readonly batch: NaturalBatch<Job, Reservation | OnceAnswer> | null;

  /**
   * @param deps.maxBatch most confirmations per transaction (default 64); 1
   *   turns batching off, so every confirmation runs in its own transaction,
   *   concurrently with the others.
   */
  constructor(
    private readonly deps: IdempotencyDeps & {
      uow: UnitOfWork;
      clock: Clock;
      policy: BookingPolicy;
      maxBatch?: number | undefined;
      metrics?: Metrics | undefined;
    },
  ) {
    const maxBatch = deps.maxBatch ?? 64;
    this.batch = maxBatch > 1 ? new NaturalBatch((jobs) => this.confirmAll(jobs), { maxBatch }) : null;
  }

  /** @throws NotFoundError | ForbiddenError | InvalidStateError | CapacityExceededError (left pending) */
  execute(command: ConfirmReservationCommand): Promise<Reservation> {
    return this.submit({ command }) as Promise<Reservation>;
  }

  /**
   * {@link execute} at most once per key; refusals are answered (and stored),
   * not thrown.
   * @throws IdempotencyInProgressError | IdempotencyKeyReusedError
   */
  executeOnce(command: ConfirmReservationCommand, once: Once<Reservation>): Promise<OnceAnswer> {
    return this.submit({ command, once }) as Promise<OnceAnswer>;
  }

  private async submit(job: Job): Promise<Reservation | OnceAnswer> {
    // Before any lookup (and before any key is claimed): a user learns nothing about which ids exist.
    assertAdmin(job.command.actor, 'confirm reservations');
    const metrics = this.deps.metrics;
    if (!metrics) return this.run(job);
    return counted(metrics, job, (observed) => this.run(observed));
  }

  private run(job: Job): Promise<Reservation | OnceAnswer> {
    if (this.batch) return this.batch.submit(job);
    this.deps.metrics?.confirmationBatch(1);
    return this.confirmOne(job);
  }

  private confirmOne({ command, once }: Job): Promise<Reservation | OnceAnswer> {
    const within = (stores: TransactionStores) =>
      changeWithin(stores, this.deps, {
        id: command.id,
        actor: command.actor,
        type: 'confirmed',
        decide: (r, now) => confirm(command.actor, r, now),
      });
    if (once) return runOnce(this.deps, command.actor.userId, once, within);
    return this.deps.uow.run(within);
  }

  private async confirmAll(jobs: readonly Job[]): Promise<Outcome<Reservation | OnceAnswer>[]> {
    const settle = (work: Promise<Reservation | OnceAnswer>): Promise<Outcome<Reservation | OnceAnswer>> =>
      work.then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      );
    this.deps.metrics?.confirmationBatch(jobs.length);
    if (jobs.length === 1) return [await settle(this.confirmOne(jobs[0]!))];
    try {
      return await this.deps.uow.run((stores) => this.decideBatch(stores, jobs));
    } catch {
      // Nothing of the batch was kept (e.g. it lost a race with another
      // process at commit): give every confirmation its own transaction.
      const outcomes: Outcome<Reservation | OnceAnswer>[] = [];
      for (const job of jobs) outcomes.push(await settle(this.confirmOne(job)));
      return outcomes;
    }
  }

  /**
   * One batch: keyed jobs first claim their keys (a stored answer is
   * replayed, a key held elsewhere or twice in this batch is in progress),
   * the rest are decided together, and each keyed one's answer is stored.
   */
  private async decideBatch(
    stores: TransactionStores,
    jobs: readonly Job[],
  ): Promise<Outcome<Reservation | OnceAnswer>[]> {
    const now = this.deps.clock.now();
    const keyed = jobs.flatMap((job, index) =>
      job.once ? [{ index, scope: scopeOf(job.command.actor.userId, job.once) }] : [],
    );
    const claims =
      keyed.length > 0
        ? await stores.idempotencyKeys.claim(
            keyed.map((k) => k.scope),
            now,
          )
        : [];
    const outcomes: Outcome<Reservation | OnceAnswer>[] = new Array(jobs.length);
    const scopes = new Map<number, IdempotencyScope>();
    const seen = new Set<string>();
    keyed.forEach(({ index, scope }, i) => {
      const id = scopeId(scope);
      if (seen.has(id)) {
        outcomes[index] = { error: new IdempotencyInProgressError() };
        return;
      }
      seen.add(id);
      try {
        const stored = verdict(claims[i]!, jobs[index]!.once!.fingerprint, now);
        if (stored) outcomes[index] = { ok: stored };
        else scopes.set(index, scope);
      } catch (error) {
        if (!isIdempotencyRefusal(error)) throw error;
        outcomes[index] = { error };
      }
    });
    const toDecide = jobs.flatMap((job, index) => (!job.once || scopes.has(index) ? [index] : []));
    const decided = await confirmTogether(
      stores,
      this.deps.policy,
      toDecide.map((index) => jobs[index]!.command),
      now,
    );
    for (const [i, index] of toDecide.entries()) {
      const outcome = decided[i]!;
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
    return outcomes;
  }
}

/**
 * Runs `work` and counts the confirmation's final answer once it is known:
 * after its unit of work committed (a batch that fails as a whole is decided
 * again, alone). A keyed answer is known by what was last rendered for it.
 */
async function counted(
  metrics: Metrics,
  job: Job,
  work: (job: Job) => Promise<Reservation | OnceAnswer>,
): Promise<Reservation | OnceAnswer> {
  const { once } = job;
  let rendered: Decided<Reservation> | undefined;
  const observed: Job = once
    ? {
        command: job.command,
        once: {
          key: once.key,
          fingerprint: once.fingerprint,
          render: (decided) => {
            rendered = decided;
            return once.render(decided);
          },
        },
      }
    : job;
  try {
    const result = await work(observed);
    if (!once) metrics.confirmation('confirmed');
    else if (rendered && !(result as OnceAnswer).replayed)
      metrics.confirmation('ok' in rendered ? 'confirmed' : rendered.error.code);
    return result;
  } catch (error) {
    if (error instanceof DomainError && !isIdempotencyRefusal(error)) metrics.confirmation(error.code);
    throw error;
  }
}
