import {
  type DomainError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
} from '@exam-reservation/domain';
import type {
  Clock,
  IdempotencyClaim,
  IdempotencyScope,
  StoredAnswer,
  TransactionStores,
  UnitOfWork,
} from '../ports/index.js';
import type { Action, Command, Decided } from './action.js';

/** How long a stored answer is kept unless configured otherwise: 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/**
 * A request sent with an `Idempotency-Key`, as the transport describes it:
 * the key, what identifies the request, and how to write its answer down.
 * The answer is stored in the same unit of work as the effect.
 */
export interface Once<T> {
  /** 1–255 visible ASCII characters, as the client sent it (unquoted). */
  readonly key: string;
  /** Identifies the request (method, path, body); a repeat must carry the same. */
  readonly fingerprint: string;
  render(decided: Decided<T>): StoredAnswer;
}

/** The answer to a request sent with a key. */
export interface OnceAnswer<T = unknown> {
  readonly answer: StoredAnswer;
  /** True when this is the stored answer of an earlier request with the key. */
  readonly replayed: boolean;
  /** What was decided, when this request was the one that decided it. */
  readonly decided?: Decided<T> | undefined;
}

/** A command, with its key when it has one. */
export interface Keyed<C, T> {
  readonly command: C;
  readonly once?: Once<T> | undefined;
}

/** What a command comes to: its value (no key), or its keyed answer. */
export type Reply<T> = { readonly value: T } | OnceAnswer<T>;

/** The settings every idempotent use case shares. */
export interface IdempotencyDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  /** How long a stored answer is kept (default {@link DEFAULT_IDEMPOTENCY_TTL_MS}). */
  readonly idempotencyTtlMs?: number | undefined;
}

/** The idempotency refusals themselves are answered, never stored. */
export const isIdempotencyRefusal = (error: unknown): boolean =>
  error instanceof IdempotencyInProgressError || error instanceof IdempotencyKeyReusedError;

/**
 * What a claim means for a request: `null` when it may go ahead (this unit
 * of work holds the key and nothing live is stored under it, or a run that
 * held it is presumed dead), or the stored answer to replay.
 * @throws IdempotencyKeyReusedError when the key was used for another request
 * @throws IdempotencyInProgressError while another request with the key runs
 */
export function verdict<T>(claim: IdempotencyClaim, fingerprint: string, now: number): OnceAnswer<T> | null {
  const { record } = claim;
  if (record && record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (record?.state === 'done') return { answer: record.answer, replayed: true };
  if (!claim.held || (record?.state === 'running' && record.leaseUntil > now)) {
    throw new IdempotencyInProgressError();
  }
  return null;
}

/** The key of `once` for `userId`. */
export const scopeOf = (userId: number, once: Once<unknown>): IdempotencyScope => ({ userId, key: once.key });

/** A key of a scope, to find duplicates among the requests of one batch. */
const scopeId = (scope: IdempotencyScope): string => `${scope.userId}\u0000${scope.key}`;

/** When an answer stored at `now` expires. */
export const expiryOf = (deps: IdempotencyDeps, now: number): number =>
  now + (deps.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);

/**
 * An action at most once per key. In the unit of work of the action, keyed
 * commands first claim their keys: a stored answer is replayed, a key held
 * elsewhere is in progress, one used for another request is reused. The
 * rest are decided by `action`, and each keyed one's rendered answer is
 * stored with the effect, so both are committed together or not at all. A
 * refusal found only after writing is stored in a unit of its own, once the
 * action's unit was rolled back.
 * @param options.repeats a key sent again within one unit: `in progress`
 *   (default), or `replay`, answered as if it came just after the first was done
 */
export function idempotent<C extends Command, T>(
  action: Action<C, T>,
  deps: IdempotencyDeps,
  options: { readonly repeats?: 'in progress' | 'replay' } = {},
): Action<Keyed<C, T>, Reply<T>> {
  const replayRepeats = options.repeats === 'replay';
  const store = (
    stores: TransactionStores,
    scope: IdempotencyScope,
    once: Once<T>,
    decided: Decided<T>,
    now: number,
  ) => storeAnswer(stores, deps, scope, once, decided, now);

  return {
    async decide(stores, keyed) {
      const now = deps.clock.now();
      const outcomes: Decided<Reply<T>>[] = new Array(keyed.length);
      const held = new Map<number, IdempotencyScope>();
      const firstOf = new Map<string, number>();
      const repeats: { index: number; first: number }[] = [];
      const unique: { index: number; scope: IdempotencyScope }[] = [];
      keyed.forEach(({ command, once }, index) => {
        if (!once) return;
        const scope = scopeOf(command.actor.userId, once);
        const first = firstOf.get(scopeId(scope));
        if (first === undefined) {
          firstOf.set(scopeId(scope), index);
          unique.push({ index, scope });
        } else repeats.push({ index, first });
      });
      if (unique.length > 0) {
        const claims = await stores.idempotencyKeys.claim(
          unique.map((u) => u.scope),
          now,
        );
        unique.forEach(({ index, scope }, i) => {
          try {
            const stored = verdict<T>(claims[i]!, keyed[index]!.once!.fingerprint, now);
            if (stored) outcomes[index] = { ok: stored };
            else held.set(index, scope);
          } catch (error) {
            if (!isIdempotencyRefusal(error)) throw error;
            outcomes[index] = { error: error as DomainError };
          }
        });
      }
      const toDecide = keyed.flatMap((k, index) => (!k.once || held.has(index) ? [index] : []));
      const decided = await action.decide(
        stores,
        toDecide.map((index) => keyed[index]!.command),
      );
      for (const [i, index] of toDecide.entries()) {
        const outcome = decided[i]!;
        const once = keyed[index]!.once;
        if (once) outcomes[index] = { ok: await store(stores, held.get(index)!, once, outcome, now) };
        else outcomes[index] = 'ok' in outcome ? { ok: { value: outcome.ok } } : outcome;
      }
      for (const { index, first } of repeats) {
        const answered = outcomes[first]!;
        outcomes[index] = !replayRepeats
          ? { error: new IdempotencyInProgressError() }
          : keyed[index]!.once!.fingerprint !== keyed[first]!.once!.fingerprint
            ? { error: new IdempotencyKeyReusedError() }
            : 'ok' in answered
              ? { ok: { answer: (answered.ok as OnceAnswer<T>).answer, replayed: true } }
              : answered;
      }
      return outcomes;
    },

    async refused({ command, once }, error) {
      if (!once || isIdempotencyRefusal(error)) return { error };
      return { ok: await answerAlone(deps, scopeOf(command.actor.userId, once), once, { error }) };
    },
  };
}

/** Stores `decided`, rendered, as the answer under a key this unit of work holds. */
async function storeAnswer<T>(
  stores: TransactionStores,
  deps: IdempotencyDeps,
  scope: IdempotencyScope,
  once: Once<T>,
  decided: Decided<T>,
  now: number,
): Promise<OnceAnswer<T>> {
  const answer = once.render(decided);
  await stores.idempotencyKeys.complete(
    scope,
    { state: 'done', fingerprint: once.fingerprint, answer, expiresAt: expiryOf(deps, now) },
    now,
  );
  return { answer, replayed: false, decided };
}

/**
 * Answers a keyed request with `decided` in a unit of work of its own: the
 * answer stored under its key, unless one is stored already (then that one).
 * @throws IdempotencyKeyReusedError | IdempotencyInProgressError
 */
export function answerAlone<T>(
  deps: IdempotencyDeps,
  scope: IdempotencyScope,
  once: Once<T>,
  decided: Decided<T>,
): Promise<OnceAnswer<T>> {
  const now = deps.clock.now();
  return deps.uow.run(async (stores) => {
    const [claim] = await stores.idempotencyKeys.claim([scope], now);
    return verdict<T>(claim!, once.fingerprint, now) ?? storeAnswer(stores, deps, scope, once, decided, now);
  });
}
