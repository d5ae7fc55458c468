import { DomainError, ValidationError } from '@exam-reservation/domain';

const CODES: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
};

/**
 * One line that tells an operator what went wrong at start, without a stack
 * trace: the error's own message (the PostgreSQL server's words for a
 * refused log-in or a missing database, a socket error's code spelled out),
 * line breaks folded.
 */
export function describeStartupError(error: unknown): string {
  if (error instanceof ValidationError) return error.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  if (error instanceof DomainError) return error.message;
  const parts: string[] = [];
  const visit = (e: unknown): void => {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      return;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (e.message) parts.push(e.message);
    else if (typeof code === 'string') parts.push(CODES[code] ? `${CODES[code]} (${code})` : code);
    // Connecting to "localhost" tries every address it has, and fails with all their errors.
    if (e instanceof AggregateError) for (const inner of e.errors.slice(0, 3)) visit(inner);
  };
  visit(error);
  const text = [...new Set(parts)]
    .join('; ')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return text === '' ? 'unknown error' : text.slice(0, 500);
}
