import { createHash } from 'node:crypto';
import type { Decided, Once, OnceAnswer, StoredAnswer } from '@exam-reservation/application';
import { ValidationError } from '@exam-reservation/domain';
import type { Request, Response } from 'express';

/** The request header, and the answer header of a replay. */
export const IDEMPOTENCY_KEY = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/**
 * The key of an `Idempotency-Key` header: 1–255 visible ASCII characters,
 * sent bare (`abc`) or as a structured-field string (`"abc"`, with `\"` and
 * `\\` escapes), which name the same key.
 * @returns undefined when the header is absent
 * @throws ValidationError for anything else (also for the header sent twice)
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const malformed = () =>
    ValidationError.of(IDEMPOTENCY_KEY, 'must be 1–255 visible ASCII characters, bare or as a quoted string');
  if (typeof header !== 'string') throw malformed();
  let key = header;
  if (header.startsWith('"')) {
    // An sf-string: printable ASCII between quotes; only " and \ are escaped.
    const match = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/.exec(header);
    if (!match) throw malformed();
    key = match[1]!.replace(/\\(["\\])/g, '$1');
  }
  if (!VISIBLE_ASCII.test(key)) throw malformed();
  return key;
}

/** JSON with object keys sorted at every level: two bodies that parse alike print alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What identifies a request for its key: SHA-256 over the method, the
 * route's canonical path and the parsed body in canonical form (key order
 * and spacing do not matter; an absent body counts as `{}`).
 */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${path}\n${canonical(body ?? {})}`)
    .digest('base64url');
}

/** An HTTP answer as it is sent, and written down under a key. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** How this adapter writes an answer down: the application stores it without looking inside. */
const encode = (answer: HttpAnswer): StoredAnswer => JSON.stringify(answer);
const decode = (stored: StoredAnswer): HttpAnswer => JSON.parse(stored) as HttpAnswer;

/**
 * The idempotency of one request, or undefined when it carries no key.
 * @param path the route's canonical path (ids as parsed), not the raw URL
 * @throws ValidationError for a malformed key
 */
export function onceOf<T>(
  req: Request,
  path: string,
  render: (decided: Decided<T>) => HttpAnswer,
): Once<T> | undefined {
  const key = parseIdempotencyKey(req.headers['idempotency-key']);
  if (key === undefined) return undefined;
  return {
    key,
    fingerprint: fingerprint(req.method, path, req.body),
    render: (decided) => encode(render(decided)),
  };
}

/** Sends an answer; a replay says so. */
export function send(res: Response, response: HttpAnswer, replayed = false): void {
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (replayed) res.setHeader(IDEMPOTENT_REPLAYED, 'true');
  res.status(response.status).send(Buffer.from(response.body, 'utf8'));
}

/** Sends the answer given to a request with a key, exactly as stored. */
export function sendAnswer(res: Response, answer: OnceAnswer): void {
  send(res, decode(answer.answer), answer.replayed);
}
