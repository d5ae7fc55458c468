/** What a caller may pass along with a hash or a check. */
export interface HashOptions {
  /**
   * Aborted when nobody wants the answer any more (the client went away):
   * work still waiting its turn is dropped, rejecting with the signal's reason.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Password hashes. Hashing is expensive on purpose, so an implementation may
 * queue the work and refuse it with {@link OverloadedError} rather than let
 * the queue grow without bound.
 */
export interface PasswordHasher {
  /** @throws OverloadedError | the signal's reason */
  hash(password: string, options?: HashOptions): Promise<string>;
  /**
   * False for a wrong password; never throws for one.
   * @throws OverloadedError | the signal's reason
   */
  verify(hash: string, password: string, options?: HashOptions): Promise<boolean>;
}

/**
 * The work was refused, not done: it would have waited longer than allowed
 * behind work already queued. Transient, so nothing was wrong with the
 * request; try again after {@link OverloadedError.retryAfterSeconds}.
 */
export class OverloadedError extends Error {
  readonly code = 'overloaded' as const;
  constructor(readonly retryAfterSeconds: number) {
    super('too busy hashing passwords; try again shortly');
    this.name = 'OverloadedError';
  }
}
