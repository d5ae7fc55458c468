import type { RawOutcome } from '../raw-http.js';
import type { Draft } from './draft.js';
import { JsonEntries } from './json-text.js';
import type { Prepared } from './prepare.js';

/** The code each status must carry (API.md's error table, plus the adapter's own). */
const CODES: Readonly<Record<number, readonly string[]>> = {
  400: ['validation_error'],
  401: ['unauthorized'],
  403: ['forbidden'],
  404: ['not_found'],
  409: ['capacity_exceeded', 'invalid_state', 'conflict', 'idempotency_in_progress'],
  413: ['payload_too_large'],
  422: ['idempotency_key_reused'],
  429: ['rate_limited'],
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refusals of the request itself, which may come before authentication is looked at. */
const TRANSPORT_REFUSALS = new Set([400, 401, 405, 411, 413, 414, 415, 429, 431]);

function header(
  outcome: { headers: Record<string, string | string[] | undefined> },
  name: string,
): string | undefined {
  const value = outcome.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function sentText(sent: unknown, field: string): string | undefined {
  if (!(sent instanceof JsonEntries)) return undefined;
  const entry = sent.entries.find(([k]) => k === field);
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

/**
 * What is wrong with the answer to one request, as short category strings
 * (empty: nothing). The rules are the contract's, not the implementation's:
 * no 5xx; every 4xx a problem+json whose `status` and `code` fit; 429 with
 * Retry-After; X-Request-Id echoed only when well formed; invalid input
 * never accepted; a secured route never served without valid credentials;
 * an admin-only action answers a user 403, never 404 (no existence probe);
 * what a 2xx echoes of the sent text is what was sent.
 */
export function judge(draft: Draft, prepared: Prepared, outcome: RawOutcome): string[] {
  if (outcome.kind === 'transport') {
    return [outcome.error === 'timeout' ? 'no answer in time' : `connection failed (${outcome.error})`];
  }
  const problems: string[] = [];
  const { status } = outcome;
  const type = header(outcome, 'content-type') ?? '';
  const text = outcome.body.toString('utf8');
  if (status >= 500) problems.push(`${status} answer`);
  if (status >= 400) {
    if (!/^application\/problem\+json\b/.test(type)) {
      problems.push(`${status} without application/problem+json (Content-Type: ${type || 'none'})`);
    } else {
      let body: Record<string, unknown> | undefined;
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          body = parsed as Record<string, unknown>;
      } catch {
        // judged below
      }
      if (!body) problems.push(`${status} problem body is not a JSON object`);
      else {
        const missing = ['type', 'title', 'detail', 'code'].filter((k) => typeof body[k] !== 'string');
        if (typeof body.status !== 'number') missing.push('status');
        if (missing.length > 0) problems.push(`${status} problem without ${missing.join(', ')}`);
        if (typeof body.status === 'number' && body.status !== status) {
          problems.push(`problem status ${body.status} on a ${status} answer`);
        }
        const codes = CODES[status];
        if (codes && typeof body.code === 'string' && !codes.includes(body.code)) {
          problems.push(`${status} with code ${body.code}`);
        }
        if (
          status >= 500 &&
          /\n\s+at |\bselect\b|\binsert\b|\bupdate\b.*\bset\b|node_modules|\.ts:\d+/i.test(text)
        ) {
          problems.push(`${status} body with a stack trace or SQL`);
        }
      }
    }
  }
  if (status === 429 && !/^\d+$/.test(header(outcome, 'retry-after') ?? '')) {
    problems.push('429 without a Retry-After in seconds');
  }
  if (status !== 431) {
    const echoed = header(outcome, 'x-request-id');
    const sent = prepared.requestId;
    if (echoed === undefined) problems.push('no X-Request-Id');
    else if (sent !== undefined && REQUEST_ID.test(sent) && echoed !== sent)
      problems.push('well-formed X-Request-Id not echoed');
    else if (sent !== undefined && !REQUEST_ID.test(sent) && (echoed === sent || !UUID.test(echoed))) {
      problems.push('malformed X-Request-Id echoed instead of a new UUID');
    }
  }
  const ok = status >= 200 && status < 300;
  if (ok && prepared.invalid) problems.push('invalid input accepted with a 2xx');
  if (
    draft.op.secured &&
    prepared.identity === 'anon' &&
    !prepared.routeMayDiffer &&
    status < 500 &&
    !TRANSPORT_REFUSALS.has(status) &&
    // GET /metrics is not served at all (404) while METRICS_TOKEN is unset, as the contract says.
    !(draft.op.path === '/metrics' && status === 404)
  ) {
    problems.push('served without valid credentials (expected 401)');
  }
  if (draft.op.adminOnly && prepared.identity === 'user' && !prepared.routeMayDiffer && status === 404) {
    problems.push('404 to a user on an admin-only action (existence probe; expected 403)');
  }
  if (ok && /^application\/json\b/.test(type) && text.length > 0) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push(`${status} application/json body that is not JSON`);
    }
    if (body && typeof body === 'object' && !Array.isArray(body) && draft.mutation.kind !== 'encoding') {
      const b = body as Record<string, unknown>;
      const name = sentText(prepared.sentBody, 'reservation_name');
      if (name !== undefined && 'reservation_name' in b && b.reservation_name !== name) {
        problems.push('reservation_name answered differently from what was sent');
      }
      const userName = sentText(prepared.sentBody, 'user_name');
      if (
        userName !== undefined &&
        'user_name' in b &&
        b.user_name !== userName &&
        b.user_name !== userName.trim()
      ) {
        problems.push('user_name answered differently from what was sent');
      }
      const email = sentText(prepared.sentBody, 'email');
      if (
        email !== undefined &&
        'email' in b &&
        b.email !== email.trim().toLowerCase() &&
        b.email !== email
      ) {
        problems.push('email answered differently from what was sent');
      }
    }
  }
  return problems;
}
