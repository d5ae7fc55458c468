import { DomainError, IdempotencyInProgressError, IdempotencyKeyReusedError } from '@exam-reservation/domain';
import type {
  Clock,
  IdempotencyClaim,
  IdempotencyScope,
  StoredResponse,
  TransactionStores,
  UnitOfWork,
} from '../ports/index.js';

/** How long a stored answer is kept unless configured otherwise: 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/** What a use case did: its value, or the refusal it made. */
export type Decided<T> = { readonly ok: T } | { readonly error: DomainError };

/**
 * A request sent with an `Idempotency-Key`, as the transport describes it to
 * a use case: the key, what identifies the request, and how to write its
 * answer down. The use case stores what `render` gives in the same unit of
 * work as the effect.
 */
export interface Once<T> {
  /** 1–255 visible ASCII characters, as the client sent it (unquoted). */
  readonly key: string;
  /** Identifies the request (method, path, body); a repeat must carry the same. */
  readonly fingerprint: string;
  render(decided: Decided<T>): StoredResponse;
}

/** The answer to a request sent with a key. */
export interface OnceAnswer {
  readonly response: StoredResponse;
  /** True when this is the stored answer of an earlier request with the key. */
  readonly replayed: boolean;
}

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
export function verdict(claim: IdempotencyClaim, fingerprint: string, now: number): OnceAnswer | null {
  const { record } = claim;
  if (record && record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (record?.state === 'done') return { response: record.response, replayed: true };
  if (!claim.held || (record?.state === 'running' && record.leaseUntil > now)) {
    throw new IdempotencyInProgressError();
  }
  return null;
}

/** The key of `once` for `userId`. */
export const scopeOf = (userId: number, once: Once<unknown>): IdempotencyScope => ({ userId, key: once.key });

/** A key of a scope, to find duplicates among the requests of one batch. */
export const scopeId = (scope: IdempotencyScope): string => `${scope.userId}\u0000${scope.key}`;

/** Stores `response` as the answer to `once` (the unit of work must hold its key). */
export async function completeOnce(
  stores: TransactionStores,
  scope: IdempotencyScope,
  once: Once<unknown>,
  response: StoredResponse,
  now: number,
  ttlMs: number | undefined,
): Promise<OnceAnswer> {
  await stores.idempotencyKeys.complete(
    scope,
    {
      state: 'done',
      fingerprint: once.fingerprint,
      response,
      expiresAt: now + (ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS),
    },
    now,
  );
  return { response, replayed: false };
}

/**
 * Runs `work` once per key: in one unit of work it claims the key, replays a
 * stored answer or refuses (409 in progress, 422 reused), or else does the
 * work and stores its rendered answer with it, so the effect and the answer
 * are committed together or not at all.
 *
 * A refusal (a DomainError) changes nothing, and its unit of work is rolled
 * back whole; its answer is then stored in a unit of its own, after claiming
 * the key again. If another request with the key finished in between, its
 * answer is the one given. Any other error is not stored (the client may
 * retry with the key).
 */
export async function runOnce<T>(
  deps: IdempotencyDeps,
  userId: number,
  once: Once<T>,
  work: (stores: TransactionStores) => Promise<T>,
): Promise<OnceAnswer> {
  const scope = scopeOf(userId, once);
  const now = deps.clock.now();
  const answer = async (stores: TransactionStores, decide: () => Promise<Decided<T>>) => {
    const [claim] = await stores.idempotencyKeys.claim([scope], now);
    const stored = verdict(claim!, once.fingerprint, now);
    if (stored) return stored;
    const response = once.render(await decide());
    return completeOnce(stores, scope, once, response, now, deps.idempotencyTtlMs);
  };
  try {
    return await deps.uow.run((stores) => answer(stores, async () => ({ ok: await work(stores) })));
  } catch (error) {
    if (!(error instanceof DomainError) || isIdempotencyRefusal(error)) throw error;
    return deps.uow.run((stores) => answer(stores, async () => ({ error })));
  }
}
