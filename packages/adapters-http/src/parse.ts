import { type FieldError, isStorableText, parseRequestTime, ValidationError } from '@exam-reservation/domain';
import type { Request } from 'express';
import type { z } from 'zod';
import { plainWords } from './plain-issues.js';

function toFieldErrors(error: z.ZodError, unknown: string): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // Name each unknown field, so clients see which one to drop.
      for (const key of issue.keys) out.push({ path: path ? `${path}.${key}` : key, message: unknown });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** Where JSON walks stop: far deeper than any request of the API, far shallower than the stack. */
const MAX_DEPTH = 64;

/**
 * The paths of strings (values and keys) in `input` that could not be
 * stored exactly as sent: a NUL (PostgreSQL text cannot hold one) or an
 * unpaired surrogate (UTF-8 has no encoding for one; it would come back as
 * U+FFFD). Checked for every field, known or not, before any schema.
 */
function unstorableStrings(input: unknown, path: string, out: FieldError[], depth = 0): void {
  if (out.length >= 20) return;
  if (typeof input === 'string') {
    if (!isStorableText(input)) {
      out.push({ path, message: 'must not contain NUL or unpaired surrogate characters' });
    }
    return;
  }
  if (typeof input !== 'object' || input === null) return;
  if (depth >= MAX_DEPTH) {
    out.push({ path, message: 'nested too deeply' });
    return;
  }
  for (const [key, value] of Object.entries(input)) {
    const at = path ? `${path}.${key}` : key;
    if (!isStorableText(key))
      out.push({ path: at, message: 'field names must not contain NUL or unpaired surrogates' });
    else unstorableStrings(value, at, out, depth + 1);
  }
}

/**
 * Parses request input with a zod schema, after refusing any string in it
 * that could not be stored exactly as sent. Messages are in plain words
 * (plain-issues.ts) unless the schema has its own.
 * @throws ValidationError listing every offending field
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  unknown = 'unknown field',
): z.output<S> {
  const unstorable: FieldError[] = [];
  unstorableStrings(input, '', unstorable);
  if (unstorable.length > 0) throw new ValidationError(unstorable);
  const result = schema.safeParse(input, { error: plainWords });
  if (!result.success) throw new ValidationError(toFieldErrors(result.error, unknown));
  return result.data;
}

/**
 * {@link parseInput} for a route's query string: a strict schema refuses
 * parameters it does not name, as {@link refuseQuery} does on routes that
 * take none, and in the same words.
 * @throws ValidationError
 */
export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  // No query value means a control character (`limit=2%0A` is not 2), and no parameter takes two values.
  const malformed: FieldError[] = [];
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      malformed.push({ path: name, message: 'given more than once; send it once' });
    } else if (typeof value === 'string' && CONTROL.test(value)) {
      malformed.push({ path: name, message: 'must not contain control characters' });
    }
  }
  if (malformed.length > 0) throw new ValidationError(malformed);
  return parseInput(schema, req.query, 'unknown query parameter');
}

const CONTROL = /\p{Cc}/u;

/**
 * Reads the request times present in `fields` as epoch ms, reporting the
 * problems of all of them at once rather than only the first.
 * @throws ValidationError
 */
export function parseTimes<K extends string>(
  fields: Partial<Record<K, string>>,
  zone: string,
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  const errors: FieldError[] = [];
  for (const key of Object.keys(fields) as K[]) {
    const text = fields[key];
    if (text === undefined) continue;
    try {
      out[key] = parseRequestTime(text, zone, key);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push(...error.errors);
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}

/** Whether the request carries a body (RFC 9112: Transfer-Encoding, or a Content-Length other than 0). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  // Node's parser has checked it is digits: `00` is an empty body as `0` is.
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

/**
 * The parsed JSON body, `{}` when the request has none (an action such as
 * `POST …/confirm` is commonly sent bare).
 * @throws ValidationError when a body came that is not JSON: it would
 *   otherwise be ignored silently, unknown fields and all
 */
export function bodyOf(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  if (hasBody(req)) {
    throw ValidationError.of('', 'a request body must be JSON, sent with Content-Type: application/json');
  }
  return {};
}

/**
 * Refuses query parameters on a route that takes none: query strings are
 * strict, as bodies are, so `?force=true` is not silently ignored.
 * @throws ValidationError naming each parameter
 */
export function refuseQuery(req: Request): void {
  if (!req.url.includes('?')) return;
  const names = Object.keys(req.query as Record<string, unknown>);
  if (names.length > 0) {
    throw new ValidationError(names.map((name) => ({ path: name, message: 'unknown query parameter' })));
  }
}
