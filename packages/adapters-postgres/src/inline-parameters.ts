import type { CompiledQuery } from 'kysely';
import pg from 'pg';

function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot inline ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  throw new TypeError(`cannot inline a parameter of type ${typeof value}`);
}

/**
 * The statement with its `$n` parameters replaced by SQL literals, so it can
 * share one simple-protocol message with other statements (node-postgres
 * sends parameterized statements one message each). Strings go through
 * node-postgres's `escapeLiteral`; only null, numbers, booleans, strings and
 * dates are accepted. The statements of this adapter have no `$` other than
 * their parameters.
 */
export function inlineParameters(query: CompiledQuery): string {
  const { parameters } = query;
  return query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= parameters.length) throw new RangeError(`no parameter $${n}`);
    return literal(parameters[index]);
  });
}
