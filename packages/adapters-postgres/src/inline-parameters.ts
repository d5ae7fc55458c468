import type { CompiledQuery } from 'kysely';

/**
 * node-postgres's `escapeLiteral`, without building the result a character
 * at a time: quotes and backslashes doubled, and a backslash anywhere makes
 * it an `E'…'` string (with pg's leading space). The same text for every
 * input (a property test compares the two); pg's version was a hot spot of
 * allocation over a batch's audit snapshots.
 */
export function escapeLiteral(text: string): string {
  const quote = text.includes("'");
  const backslash = text.includes('\\');
  if (!quote && !backslash) return `'${text}'`;
  let escaped = quote ? text.replaceAll("'", "''") : text;
  if (!backslash) return `'${escaped}'`;
  escaped = escaped.replaceAll('\\', '\\\\');
  return ` E'${escaped}'`;
}

function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot inline ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return escapeLiteral(value);
  if (value instanceof Date) return `'${value.toISOString()}'`;
  throw new TypeError(`cannot inline a parameter of type ${typeof value}`);
}

/**
 * The statement with its `$n` parameters replaced by SQL literals, so it can
 * share one simple-protocol message with other statements (node-postgres
 * sends parameterized statements one message each). Strings are escaped as
 * node-postgres's `escapeLiteral` does; only null, numbers, booleans,
 * strings and dates are accepted. The statements of this adapter have no `$`
 * other than their parameters.
 */
export function inlineParameters(query: CompiledQuery): string {
  const { sql, parameters } = query;
  let out = '';
  let from = 0;
  for (let at = sql.indexOf('$'); at !== -1; at = sql.indexOf('$', from)) {
    let end = at + 1;
    let n = 0;
    while (end < sql.length) {
      const c = sql.charCodeAt(end);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      end++;
    }
    if (end === at + 1) {
      // A `$` without digits is not a placeholder; keep it.
      out += sql.slice(from, end);
      from = end;
      continue;
    }
    if (n < 1 || n > parameters.length) throw new RangeError(`no parameter $${n}`);
    out += sql.slice(from, at) + literal(parameters[n - 1]);
    from = end;
  }
  return out + sql.slice(from);
}
