import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { RawRequest } from '../raw-http.js';
import { bodyMethods, type Credentials, type Draft, type Encoder, type Identity } from './draft.js';
import { headerText, refusedIdempotencyKey } from './header-values.js';
import { JsonEntries, type LateContext, percentEncode, resolveLate, toJsonText } from './json-text.js';

/** A draft turned into bytes, with what the oracle needs to judge the answer. */
export interface Prepared {
  readonly request: RawRequest;
  /** `body.reservation_name: NUL`, `header Authorization: sub "0"`, `valid`, … */
  readonly label: string;
  /** The contract refuses this request whatever the state: a 2xx answer is a finding. */
  readonly invalid: boolean;
  /** Whose valid credentials the request carries: `anon` for none or bad ones. */
  readonly identity: Identity;
  /** A path parameter was mangled, so the request may not reach the operation's route. */
  readonly routeMayDiffer: boolean;
  /** The X-Request-Id sent, if any. */
  readonly requestId: string | undefined;
  /** Values sent in the body for fields whose value is stored (for the altered-text check). */
  readonly sentBody: unknown;
}

/** Numbers the X-Request-Id of each request, to find the server's log lines about it. */
let requestSeq = 0;

function encodeBody(bytes: Buffer, encode: Encoder): Buffer {
  switch (encode) {
    case 'none':
      return bytes;
    case 'gzip':
      return gzipSync(bytes);
    case 'deflate':
      return deflateSync(bytes);
    case 'br':
      return brotliCompressSync(bytes);
    case 'gzip-truncated':
      return gzipSync(bytes).subarray(0, 12);
    case 'gzip-bomb':
      return gzipSync(Buffer.from(`{${' '.repeat(10 * 1024 * 1024)}}`));
  }
}

/** Turns a draft into bytes: fills in late values, applies the mutation, encodes. */
export function prepare(draft: Draft, credentials: Credentials, ctx: LateContext): Prepared {
  const { op, identity, mutation } = draft;
  const values: Record<string, unknown> = { ...draft.base };
  let label = 'valid';
  let invalid = false;
  let routeMayDiffer = false;
  const rawParams = new Map<string, string>();
  if (mutation.kind === 'field' && mutation.field.in === 'header') {
    // A header carries bytes, not JSON: what the contract refuses there is its own rule.
    const text = headerText(String(mutation.probe.value));
    values[`header:${mutation.field.name}`] = mutation.probe.value;
    label = `header.${mutation.field.name}: ${mutation.probe.label}`;
    invalid = mutation.field.name.toLowerCase() === 'idempotency-key' && refusedIdempotencyKey(text);
  } else if (mutation.kind === 'field') {
    values[`${mutation.field.in}:${mutation.field.name}`] = mutation.probe.value;
    label = `${mutation.field.in}.${mutation.field.name}: ${mutation.probe.label}`;
    // An empty path segment is another route (`/reservations/` is the list), not a bad id; any
    // other text stays one percent-encoded segment of this route.
    routeMayDiffer = mutation.field.in === 'path' && mutation.probe.value === '';
    invalid = mutation.probe.invalid && !routeMayDiffer;
  } else if (mutation.kind === 'raw-param') {
    rawParams.set(`${mutation.field.in}:${mutation.field.name}`, mutation.text);
    label = `${mutation.field.in}.${mutation.field.name}: raw ${mutation.label}`;
    invalid = mutation.field.kind !== 'string' && mutation.field.kind !== 'name';
  } else if (mutation.kind === 'relation') {
    Object.assign(values, mutation.values);
    label = mutation.label;
    invalid = mutation.invalid;
  } else if (mutation.kind === 'missing') {
    for (const name of mutation.names) values[`body:${name}`] = undefined;
    label = `missing ${mutation.names.join(', ')}`;
    const body = op.body ?? [];
    // An update with nothing to change is refused; a POST whose fields are all optional is not.
    invalid =
      mutation.names.some((n) => body.find((f) => f.name === n)?.required) ||
      (op.method === 'PATCH' && body.every((f) => values[`body:${f.name}`] === undefined));
  }
  const resolved = (key: string) => resolveLate(values[key], ctx);

  // Path
  let path = op.path;
  for (const p of op.params.filter((x) => x.in === 'path')) {
    const key = `path:${p.name}`;
    const text = rawParams.get(key) ?? percentEncode(String(resolved(key) ?? ''));
    path = path.replace(`{${p.name}}`, text);
  }
  // Query
  const query: string[] = [];
  for (const p of op.params.filter((x) => x.in === 'query')) {
    const key = `query:${p.name}`;
    const raw = rawParams.get(key);
    const value = resolved(key);
    if (raw !== undefined) query.push(`${percentEncode(p.name)}=${raw}`);
    else if (value !== undefined) query.push(`${percentEncode(p.name)}=${percentEncode(String(value))}`);
  }
  if (mutation.kind === 'query') {
    query.push(mutation.text);
    label = `query ${mutation.label}`;
    invalid = mutation.invalid;
  }
  if (query.length > 0) path += `?${query.join('&')}`;

  // Headers
  const headers: Record<string, string> = {};
  for (const p of op.params.filter((x) => x.in === 'header')) {
    const value = resolved(`header:${p.name}`);
    if (value !== undefined) headers[p.name.toLowerCase()] = headerText(String(value));
  }
  let authorization = identity === 'anon' ? undefined : `Bearer ${credentials.tokens[identity]}`;
  let effective = identity;
  if (mutation.kind === 'auth') {
    authorization = mutation.value;
    effective = mutation.as;
    label = `Authorization ${mutation.label}`;
  }
  if (authorization !== undefined) headers.authorization = authorization;
  headers['x-request-id'] = `fuzz-${++requestSeq}`;

  // Body
  let body: Buffer | undefined;
  let sentBody: unknown;
  if (op.body !== undefined || bodyMethods.has(op.method)) {
    const entries: [string, unknown][] = [];
    for (const f of op.body ?? []) {
      const value = resolved(`body:${f.name}`);
      if (value !== undefined) entries.push([f.name, value]);
    }
    if (mutation.kind === 'extra') {
      entries.push(...mutation.entries.map(([k, v]) => [k, v] as [string, unknown]));
      label = 'unknown fields in the body';
      invalid = true;
    }
    if (op.body !== undefined || entries.length > 0) {
      sentBody = new JsonEntries(entries);
      body = Buffer.from(toJsonText(sentBody), 'utf8');
      headers['content-type'] = 'application/json';
    }
    if (mutation.kind === 'raw-body') {
      body = mutation.bytes;
      sentBody = undefined;
      headers['content-type'] = 'application/json';
      label = `body ${mutation.label}`;
      invalid = mutation.invalid;
    }
    if (mutation.kind === 'encoding') {
      body = encodeBody(body ?? Buffer.from('{}'), mutation.encode);
      headers['content-type'] = 'application/json';
      headers['content-encoding'] = mutation.header;
      label = `Content-Encoding ${mutation.label}`;
      invalid = mutation.invalid;
    }
  }
  if (mutation.kind === 'header') {
    if (mutation.value === undefined) delete headers[mutation.name];
    else headers[mutation.name] = mutation.value;
    label = mutation.label;
    invalid = mutation.invalid;
  }
  if (mutation.kind === 'chunked') label = 'chunked body';
  return {
    request: {
      method: op.method,
      path,
      headers,
      body,
      chunked: mutation.kind === 'chunked',
      localAddress: draft.localAddress,
    },
    label,
    invalid,
    identity: effective,
    routeMayDiffer,
    requestId: headers['x-request-id'],
    sentBody,
  };
}
