import {
  type Actor,
  assertAdmin,
  type BookingPolicy,
  CapacityExceededError,
  dateRangeToInterval,
  daysInDateRange,
  type TimeRange,
  ValidationError,
} from '@exam-reservation/domain';
import type { IdempotencyScope, Metrics, PendingCursor, TransactionStores } from '../ports/index.js';
import { type AdmissionCounts, addCounts, admitChunk, NO_COUNTS } from './admission-chunk.js';
import {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  type IdempotencyDeps,
  type Once,
  type OnceAnswer,
  runOnce,
  scopeOf,
  verdict,
} from './idempotency.js';

export interface AdmitCommand {
  readonly actor: Actor;
  /** YYYY-MM-DD in the policy's zone. */
  readonly startDate: string;
  /** YYYY-MM-DD, inclusive; at most the policy's maximum range after `startDate`. */
  readonly endDate: string;
  /** Reject (with reason "no capacity left") what does not fit, instead of leaving it pending. */
  readonly rejectRest: boolean;
}

/** What one admission did. */
export interface AdmissionResult extends AdmissionCounts {
  /** True when it went through the whole range; false when it stopped at its time limit. */
  readonly complete: boolean;
}

/** A run under an idempotency key: whose lease it holds, and how its answer is written. */
interface KeyedRun {
  readonly scope: IdempotencyScope;
  readonly token: string;
  readonly once: Once<AdmissionResult>;
  readonly createdAt: number;
}

/**
 * First come, first served admission of the pending reservations that
 * overlap a date range: in creation order (createdAt, then id), each is
 * confirmed while it fits; the rest stay pending or are rejected.
 *
 * It runs in chunks, each its own unit of work, in creation order: a page
 * of pending reservations after the previous one (keyset on createdAt and
 * id, so each page costs its own size), whose reservations are locked in
 * ascending id order, and decided by the domain's
 * {@link admitFirstComeFirstServed}. Chunked decisions are the same as one
 * pass over everything (a property of `admit`); memory is one chunk, however
 * many are pending.
 *
 * A chunk decides first against the slot loads as they are, without locking
 * them, and writes its confirmations with the slot-ledger change last, as a
 * single confirmation does: the hot slot rows are then held only while the
 * ledger write and the commit run, not while hundreds of reservations and
 * audit events are written, so single confirmations hardly wait for an
 * admission. The ledger's check at commit is the authority: if a concurrent
 * confirmation took the room meanwhile, nothing of the chunk is kept and it
 * is decided again with its slots locked first (ascending, after its
 * reservations: the global lock order of every confirmation). Either way no
 * slot is ever over capacity and nothing can deadlock with it, in this
 * process or another.
 *
 * A reservation that became non-pending (or moved out of the range) between
 * the page read and its lock is skipped. One created while the run goes is
 * admitted too if it comes after the run's position in creation order. The
 * position is the store's cursor, exact to the stored creation time, so each
 * page starts strictly after the last and a run decides a reservation once.
 *
 * A run stops after the first chunk that ends past `maxMs` with what it did
 * (`complete: false`); a repeat goes on from the queue as it then stands.
 */
export class AdmitReservations {
  private readonly chunkSize: number;
  private readonly leaseMs: number;
  private readonly maxMs: number;

  /**
   * @param deps.chunkSize reservations per unit of work (default 500)
   * @param deps.leaseMs how long a keyed run may go without renewing its
   *   lease before a retry with its key may take over (default 60 s; the
   *   lease is renewed by every chunk)
   * @param deps.maxMs how long a run may go on; it stops after the chunk
   *   that ends later (default 120 s; every run decides at least one chunk)
   */
  constructor(
    private readonly deps: IdempotencyDeps & {
      policy: BookingPolicy;
      chunkSize?: number | undefined;
      leaseMs?: number | undefined;
      maxMs?: number | undefined;
      metrics?: Metrics | undefined;
    },
  ) {
    this.chunkSize = deps.chunkSize ?? 500;
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.maxMs = deps.maxMs ?? 120_000;
    if (!Number.isSafeInteger(this.chunkSize) || this.chunkSize < 1) {
      throw new RangeError('chunkSize must be a positive integer');
    }
    if (!(this.maxMs >= 0)) throw new RangeError('maxMs must not be negative');
  }

  /**
   * A user is refused before anything is read.
   * @throws ForbiddenError | ValidationError (bad dates, a range over the maximum)
   */
  async execute(command: AdmitCommand): Promise<AdmissionResult> {
    const range = this.check(command);
    return this.run(command.actor, range, command.rejectRest, null);
  }

  /**
   * {@link execute} at most once per key. The run spans several units of
   * work, so the key is held by a lease: the first unit stores a `running`
   * record, every chunk renews it, and the last chunk's unit of work
   * replaces it with the answer. A run cut short by its time limit stores no
   * answer: its last chunk gives the key up, so a repeat with the key admits
   * again from where the queue stands. Meanwhile a request with the key is told
   * it is in progress. If the process dies mid-run, the lease runs out and a
   * retry with the key runs admission again, which is safe: it confirms only
   * what still fits, in the same order. A failure that is not a refusal
   * gives the key up at once.
   */
  async executeOnce(command: AdmitCommand, once: Once<AdmissionResult>): Promise<OnceAnswer> {
    const { uow, clock } = this.deps;
    let range: TimeRange;
    try {
      range = this.check(command);
    } catch (error) {
      // Stored like any refusal (or the answer already stored is replayed).
      return runOnce(this.deps, command.actor.userId, once, async () => {
        throw error;
      });
    }
    const scope = scopeOf(command.actor.userId, once);
    const now = clock.now();
    const started = await uow.run(async (stores) => {
      const [claim] = await stores.idempotencyKeys.claim([scope], now);
      const stored = verdict(claim!, once.fingerprint, now);
      if (stored) return stored;
      return stores.idempotencyKeys.start(
        scope,
        { fingerprint: once.fingerprint, leaseUntil: now + this.leaseMs, expiresAt: this.expiry(now) },
        now,
      );
    });
    if (typeof started !== 'string') return started;
    const run: KeyedRun = { scope, token: started, once, createdAt: now };
    try {
      const result = await this.run(command.actor, range, command.rejectRest, run);
      return { response: once.render({ ok: result }), replayed: false };
    } catch (error) {
      await uow.run((stores) => stores.idempotencyKeys.release(scope, started)).catch(() => undefined);
      throw error;
    }
  }

  private check(command: AdmitCommand): TimeRange {
    assertAdmin(command.actor, 'admit reservations');
    const { policy } = this.deps;
    const range = dateRangeToInterval(command.startDate, command.endDate, policy.timeZone);
    if (daysInDateRange(command.startDate, command.endDate) > policy.maxRangeDays) {
      throw ValidationError.of('end', `a range may span at most ${policy.maxRangeDays} days`);
    }
    return range;
  }

  private expiry(now: number): number {
    return now + (this.deps.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
  }

  private async run(
    actor: Actor,
    range: TimeRange,
    rejectRest: boolean,
    keyed: KeyedRun | null,
  ): Promise<AdmissionResult> {
    const metrics = this.deps.metrics;
    if (!metrics) return this.chunks(actor, range, rejectRest, keyed);
    const started = this.deps.clock.now();
    try {
      const result = await this.chunks(actor, range, rejectRest, keyed);
      metrics.admission(result, (this.deps.clock.now() - started) / 1000);
      return result;
    } catch (error) {
      metrics.admission(null, (this.deps.clock.now() - started) / 1000);
      throw error;
    }
  }

  private async chunks(
    actor: Actor,
    range: TimeRange,
    rejectRest: boolean,
    keyed: KeyedRun | null,
  ): Promise<AdmissionResult> {
    const { uow, clock, policy } = this.deps;
    const deadline = clock.now() + this.maxMs;
    let totals = NO_COUNTS;
    let after: PendingCursor | undefined;
    let lockSlots = false;
    for (;;) {
      const locked = lockSlots;
      const chunk = await uow
        .run(async (stores) => {
          const page = await stores.reservations.listPending({
            overlapping: range,
            after,
            limit: this.chunkSize,
          });
          const decision = { actor, range, rejectRest, policy, now: clock.now() };
          const sum = addCounts(totals, await admitChunk(stores, decision, page.items, locked));
          const result = { ...sum, complete: page.items.length < this.chunkSize };
          const stop = result.complete || clock.now() >= deadline;
          if (keyed) await this.keep(stores, keyed, result, stop);
          return { result, stop, next: page.next };
        })
        .catch((error: unknown) => {
          // Lost a race for room since the loads were read: decide this chunk again, slots locked.
          if (locked || !(error instanceof CapacityExceededError)) throw error;
          return null;
        });
      lockSlots = chunk === null;
      if (!chunk) continue;
      if (chunk.stop || !chunk.next) return chunk.result;
      totals = chunk.result;
      after = chunk.next;
    }
  }

  /** A keyed run's key after a chunk: the answer when complete, given up when cut short, else a longer lease. */
  private async keep(stores: TransactionStores, keyed: KeyedRun, result: AdmissionResult, stop: boolean) {
    if (result.complete) {
      await stores.idempotencyKeys.finish(keyed.scope, keyed.token, {
        state: 'done',
        fingerprint: keyed.once.fingerprint,
        response: keyed.once.render({ ok: result }),
        expiresAt: this.expiry(keyed.createdAt),
      });
    } else if (stop) {
      await stores.idempotencyKeys.release(keyed.scope, keyed.token);
    } else {
      await stores.idempotencyKeys.renew(keyed.scope, keyed.token, this.deps.clock.now() + this.leaseMs);
    }
  }
}
