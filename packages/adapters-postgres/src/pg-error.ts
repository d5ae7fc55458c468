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
