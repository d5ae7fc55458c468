/** The fields both pg and PGlite put on a server error. */
export interface PgError {
  readonly code: string;
  readonly constraint?: string | undefined;
  readonly table?: string | undefined;
  readonly detail?: string | undefined;
}

/** SQLSTATEs this adapter acts on. */
export const SqlState = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  deadlockDetected: '40P01',
} as const;

/** True when `error` is a server error with SQLSTATE `code`. */
export function isPgError(error: unknown, code: string): error is PgError {
  return typeof error === 'object' && error !== null && 'code' in error && (error as PgError).code === code;
}

/** Error codes of sockets and of node-postgres's pool when the server cannot be reached. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether `error` says the database is unavailable rather than that the
 * statement was wrong: a connection exception (SQLSTATE class 08), the
 * server shutting down or starting (57P01–57P03), too many connections
 * (53300), a statement cancelled by its time limit (57014), an idle
 * transaction ended by its limit (25P03), or the socket or pool failing.
 */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '57014', '25P03'].includes(code))
      return true;
    if (NETWORK.has(code)) return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  const message = error instanceof Error ? error.message : '';
  // node-postgres's own words for a connection that went away or never came.
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection timeout/i.test(
    message,
  );
}
