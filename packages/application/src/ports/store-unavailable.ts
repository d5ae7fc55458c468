/**
 * The store could not be reached or did not answer in time (the database
 * restarting, a connection lost, a statement over its time limit), so the
 * unit of work was not done — or, when the connection was lost during the
 * commit itself, its outcome is unknown. Transient: the same request may
 * succeed a moment later (an Idempotency-Key makes retrying it safe).
 */
export class StoreUnavailableError extends Error {
  readonly code = 'unavailable' as const;
  constructor(options?: { cause?: unknown }) {
    super('the database is unavailable or did not answer in time', options);
    this.name = 'StoreUnavailableError';
  }
}
