/** An `Idempotency-Key` as one user sent it: keys are scoped per user. */
export interface IdempotencyScope {
  readonly userId: number;
  readonly key: string;
}

/**
 * The answer given to the first request with a key, in the transport's own
 * encoding; the service stores and replays it without looking inside.
 */
export type StoredAnswer = string;

/** What is stored under a key. */
export type IdempotencyRecord =
  /** The request was processed; this is its answer. */
  | {
      readonly state: 'done';
      /** Identifies the request (method, path, body) the key was first used with. */
      readonly fingerprint: string;
      readonly answer: StoredAnswer;
      /** epoch ms; from then on the key counts as unused */
      readonly expiresAt: number;
    }
  /** A request that spans several units of work (admission) is running under a lease. */
  | {
      readonly state: 'running';
      readonly fingerprint: string;
      /** Names the run that holds the lease. */
      readonly token: string;
      /** epoch ms; a run that has not renewed its lease by then is presumed dead */
      readonly leaseUntil: number;
      readonly expiresAt: number;
    };

/** What {@link IdempotencyKeys.claim} found for one key. */
export interface IdempotencyClaim {
  /**
   * True when this unit of work now holds the key until it ends, so no other
   * unit can act on it meanwhile; false when another unit holds it.
   */
  readonly held: boolean;
  /** The live record under the key (expired ones count as none). */
  readonly record: IdempotencyRecord | null;
}

/**
 * Stored answers of requests sent with an `Idempotency-Key`, written in the
 * same unit of work as the effect they describe.
 */
export interface IdempotencyKeys {
  /**
   * Takes each key for this unit of work without waiting (a key another unit
   * holds is reported as not held) and reads what is stored under it, as
   * committed once the key was taken. Taking a key twice in one unit is
   * allowed.
   * @returns one claim per scope, in order
   */
  claim(scopes: readonly IdempotencyScope[], now: number): Promise<IdempotencyClaim[]>;
  /**
   * Stores the final answer under a key this unit holds, replacing whatever
   * was there (an expired record, or a run's lease).
   * @param createdAt when the key was first used (epoch ms)
   */
  complete(
    scope: IdempotencyScope,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
    createdAt: number,
  ): Promise<void>;
  /**
   * Starts a run under a key this unit holds: stores a `running` record with
   * a new token, replacing whatever was there.
   * @returns the run's token
   */
  start(
    scope: IdempotencyScope,
    run: { readonly fingerprint: string; readonly leaseUntil: number; readonly expiresAt: number },
    createdAt: number,
  ): Promise<string>;
  /**
   * Replaces the lease of the run named by `token` with its final answer;
   * does nothing if another run took the key over meanwhile. Needs no claim:
   * the token is the run's proof of ownership.
   */
  finish(
    scope: IdempotencyScope,
    token: string,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
  ): Promise<void>;
  /** Extends the lease of the run named by `token`; does nothing if another run took the key over. */
  renew(scope: IdempotencyScope, token: string, leaseUntil: number): Promise<void>;
  /** Deletes the running record of the run named by `token` (it failed), so the key is free at once. */
  release(scope: IdempotencyScope, token: string): Promise<void>;
  /**
   * Deletes at most `limit` records that expired at or before `now`,
   * skipping any that another unit of work is using.
   * @returns how many were deleted
   */
  deleteExpired(now: number, limit: number): Promise<number>;
}
