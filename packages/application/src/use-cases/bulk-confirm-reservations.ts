import { type Actor, assertAdmin, type BookingPolicy, type Reservation } from '@exam-reservation/domain';
import type { Metrics, TransactionStores } from '../ports/index.js';
import { assertBulkIds, type BulkOutcome } from './bulk.js';
import { confirmTogether } from './confirm-together.js';
import { type Decided, type IdempotencyDeps, type Once, type OnceAnswer, runOnce } from './idempotency.js';

export interface BulkCommand {
  readonly actor: Actor;
  /** 1–1,000 distinct reservation ids, decided in this order. */
  readonly ids: readonly number[];
}

/**
 * An admin confirms many reservations at once: each id is decided as if it
 * had been confirmed alone, one after another in the order given, on the
 * same path as batched single confirmations ({@link confirmTogether}), in
 * one unit of work.
 */
export class BulkConfirmReservations {
  constructor(
    private readonly deps: IdempotencyDeps & { policy: BookingPolicy; metrics?: Metrics | undefined },
  ) {}

  /**
   * A user is refused before anything is read.
   * @returns one outcome per id, in the order given
   * @throws ForbiddenError | ValidationError (bad id list)
   */
  async execute(command: BulkCommand): Promise<BulkOutcome<Reservation>[]> {
    assertAdmin(command.actor, 'confirm reservations');
    assertBulkIds(command.ids);
    const outcomes = await this.deps.uow.run((stores) => this.within(stores, command));
    this.count(outcomes);
    return outcomes;
  }

  /** {@link execute} at most once per key; the whole answer is stored with the confirmations. */
  async executeOnce(command: BulkCommand, once: Once<BulkOutcome<Reservation>[]>): Promise<OnceAnswer> {
    // The outcomes of the unit of work that committed are the ones last rendered.
    let rendered: BulkOutcome<Reservation>[] | undefined;
    const answer = await runOnce<BulkOutcome<Reservation>[]>(
      this.deps,
      command.actor.userId,
      {
        key: once.key,
        fingerprint: once.fingerprint,
        render: (decided: Decided<BulkOutcome<Reservation>[]>) => {
          rendered = 'ok' in decided ? decided.ok : undefined;
          return once.render(decided);
        },
      },
      async (stores) => {
        assertAdmin(command.actor, 'confirm reservations');
        assertBulkIds(command.ids);
        return this.within(stores, command);
      },
    );
    if (rendered && !answer.replayed) this.count(rendered);
    return answer;
  }

  private count(outcomes: readonly BulkOutcome<Reservation>[]): void {
    const metrics = this.deps.metrics;
    if (!metrics) return;
    metrics.confirmationBatch(outcomes.length);
    for (const o of outcomes) metrics.confirmation('ok' in o ? 'confirmed' : o.error.code);
  }

  private async within(stores: TransactionStores, command: BulkCommand): Promise<BulkOutcome<Reservation>[]> {
    const decided = await confirmTogether(
      stores,
      this.deps.policy,
      command.ids.map((id) => ({ actor: command.actor, id })),
      this.deps.clock.now(),
    );
    return decided.map((outcome, i) => ({ id: command.ids[i]!, ...outcome }));
  }
}
