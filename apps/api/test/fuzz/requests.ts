import { createHmac } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { RawRequest } from '../raw-http.js';
import { JsonEntries, Late, type LateContext, percentEncode, resolveLate, toJsonText } from './json-text.js';
import type { Field, Operation } from './openapi-operations.js';
import { RAW_BODIES, RAW_ESCAPES, UNKNOWN_FIELDS } from './raw-inputs.js';
import type { Probe } from './string-probes.js';
import { bodyValueFamilies, bookableDay, localTime, paramTextFamilies } from './value-probes.js';

/** Who sends a request: nobody, a signed-in user, or an admin. */
export type Identity = 'anon' | 'user' | 'admin';

/** What one generated request changes from a valid one. */
export type Mutation =
  | { readonly kind: 'valid' }
  | { readonly kind: 'field'; readonly field: Field; readonly probe: Probe }
  | { readonly kind: 'raw-param'; readonly field: Field; readonly label: string; readonly text: string }
  | {
      readonly kind: 'relation';
      readonly label: string;
      readonly invalid: boolean;
      readonly values: Record<string, unknown>;
    }
  | { readonly kind: 'missing'; readonly names: readonly string[] }
  | { readonly kind: 'extra'; readonly entries: readonly (readonly [string, unknown])[] }
  | { readonly kind: 'raw-body'; readonly label: string; readonly bytes: Buffer; readonly invalid: boolean }
  | { readonly kind: 'query'; readonly label: string; readonly text: string; readonly invalid: boolean }
  | {
      readonly kind: 'header';
      readonly label: string;
      readonly name: string;
      /** undefined: leave the header out. */
      readonly value: string | undefined;
      readonly invalid: boolean;
    }
  | {
      readonly kind: 'auth';
      readonly label: string;
      readonly value: string | undefined;
      /** Whose valid credentials the header carries, if any. */
      readonly as: Identity;
    }
  | {
      readonly kind: 'encoding';
      readonly label: string;
      readonly header: string;
      readonly encode: Encoder;
      readonly invalid: boolean;
    }
  | { readonly kind: 'chunked' };

type Encoder = 'none' | 'gzip' | 'deflate' | 'br' | 'gzip-truncated' | 'gzip-bomb';

/** One generated request before it is sent. */
export interface Draft {
  readonly op: Operation;
  readonly identity: Identity;
  /** Valid values of every field (some optional ones left out). */
  readonly base: Readonly<Record<string, unknown>>;
  readonly mutation: Mutation;
  /** Source address of the request, in 127.0.0.0/8. */
  readonly localAddress: string;
}

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

/** Tokens and secrets the generators need. */
export interface Credentials {
  readonly tokens: Readonly<Record<'user' | 'admin', string>>;
  readonly jwtSecret: string;
  /** The server's clock, epoch ms. */
  readonly now: number;
}

const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// ---------------------------------------------------------------- valid values

/** A valid value for `field`, alone (pairs such as start/end are made by {@link validBase}). */
function validValue(field: Field, op: Operation): fc.Arbitrary<unknown> {
  const asText = field.in !== 'body';
  const text = (arb: fc.Arbitrary<number>) => (asText ? arb.map(String) : arb);
  switch (field.kind) {
    case 'name':
      return fc.constantFrom('TOEIC', 'Final exam', '시험 A', 'Ünïcödé', "O'Brien", 'x');
    case 'text':
      return fc.constantFrom('no capacity left', 'duplicate');
    case 'email': {
      const fresh = (op.body ?? []).some((f) => f.kind === 'name');
      return fresh
        ? fc.constant(new Late('a fresh e-mail', (ctx) => ctx.freshEmail()))
        : fc.nat().map((n) => new Late('an existing account', (ctx) => ctx.knownEmail(n)));
    }
    case 'password':
      return fc.constant('password-1');
    case 'time':
      return fc
        .record({ day: fc.integer({ min: 0, max: 30 }), slot: fc.integer({ min: 0, max: 143 }) })
        .map(({ day, slot }) => localTime(day, slot));
    case 'date':
      return fc.integer({ min: 0, max: 30 }).map(bookableDay);
    case 'id':
      return fc.nat().map((n) => new Late('an existing reservation', (ctx) => ctx.reservationId(n)));
    case 'id-list':
      return fc
        .uniqueArray(fc.nat(), { minLength: 1, maxLength: 5 })
        .map(
          (ns) =>
            new Late('existing reservations', (ctx) => [...new Set(ns.map((n) => ctx.reservationId(n)))]),
        );
    case 'integer': {
      if (field.name === 'number_of_people')
        return fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constant(50_000));
      const min = field.minimum ?? 1;
      const max = Math.min(field.maximum ?? min + 50, min + (field.name === 'page' ? 2 : 99));
      return text(fc.integer({ min, max }));
    }
    case 'boolean':
      return asText ? fc.constantFrom('true', 'false') : fc.boolean();
    case 'enum':
      return fc.constantFrom(...(field.enumValues?.length ? field.enumValues : ['x']));
    default: {
      // A header of the document (Idempotency-Key): a new value each time, so valid requests stay valid.
      if (field.in === 'header') return fc.uuid();
      const example = field.schema.example ?? field.schema.examples?.[0];
      return fc.constant(example ?? 'x');
    }
  }
}

const pairOf = (fields: readonly Field[], kind: 'time' | 'date') => {
  const start = fields.find((f) => f.name === 'start' && f.kind === kind);
  const end = fields.find((f) => f.name === 'end' && f.kind === kind);
  return start && end ? { start, end } : undefined;
};

/** Valid values for every field of `op`, keyed `in:name`; optional ones sometimes left out. */
function validBase(op: Operation): fc.Arbitrary<Record<string, unknown>> {
  const fields = [...op.params, ...(op.body ?? [])];
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    const value = validValue(f, op);
    parts[`${f.in}:${f.name}`] = f.required ? value : fc.option(value, { nil: undefined, freq: 2 });
  }
  const timePair = pairOf(fields, 'time');
  const datePair = pairOf(fields, 'date');
  return fc
    .tuple(
      fc.record(parts),
      fc.record({
        day: fc.integer({ min: 0, max: 30 }),
        slot: fc.integer({ min: 0, max: 130 }),
        length: fc.integer({ min: 1, max: 12 }),
        days: fc.integer({ min: 0, max: 6 }),
        both: fc.boolean(),
      }),
    )
    .map(([values, pair]) => {
      const out: Record<string, unknown> = { ...values };
      if (timePair) {
        const keys = [`${timePair.start.in}:start`, `${timePair.end.in}:end`] as const;
        if (timePair.start.required || out[keys[0]] !== undefined || out[keys[1]] !== undefined) {
          out[keys[0]] = localTime(pair.day, pair.slot);
          out[keys[1]] = localTime(pair.day, pair.slot + pair.length);
        }
      }
      if (datePair) {
        const keys = [`${datePair.start.in}:start`, `${datePair.end.in}:end`] as const;
        const wanted = datePair.start.required || pair.both;
        out[keys[0]] = wanted ? bookableDay(pair.day) : undefined;
        out[keys[1]] = wanted ? bookableDay(pair.day + pair.days) : undefined;
      }
      // A body with optional fields only (PATCH) must still change something.
      const bodyFields = op.body ?? [];
      if (bodyFields.length > 0 && bodyFields.every((f) => out[`body:${f.name}`] === undefined)) {
        const first = bodyFields.find((f) => f.kind === 'name') ?? bodyFields[0]!;
        out[`body:${first.name}`] = first.kind === 'name' ? 'renamed' : 1;
      }
      return out;
    });
}

// ---------------------------------------------------------------- tokens

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT over `claims` (no library: every byte is ours to choose). */
export function signJwt(
  claims: Record<string, unknown>,
  secret: string,
  header: object = { alg: 'HS256', typ: 'JWT' },
): string {
  const signingInput = `${b64(header)}.${b64(claims)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Authorization header values, each with whether it carries valid credentials. */
function authProbes(credentials: Credentials): fc.Arbitrary<Mutation> {
  const { jwtSecret, now, tokens } = credentials;
  const iat = Math.floor(now / 1000);
  const claims = (extra: Record<string, unknown>) => ({
    iss: 'exam-reservation',
    aud: 'exam-reservation-api',
    iat,
    exp: iat + 3600,
    ...extra,
  });
  const withSub = (sub: unknown) => `Bearer ${signJwt(claims({ sub }), jwtSecret)}`;
  const bad: [string, string | undefined][] = [
    ['no Authorization', undefined],
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and space', 'Bearer '],
    ['Basic', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['token without scheme', tokens.user],
    ['tampered signature', `Bearer ${tokens.user.slice(0, -2)}xx`],
    ['trailing junk', `Bearer ${tokens.user} junk`],
    ['three dots', 'Bearer a.b.c'],
    ['8 KB token', `Bearer ${'A'.repeat(8000)}`],
    ['20 KB token', `Bearer ${'A'.repeat(20_000)}`],
    ['latin1 in token', 'Bearer ÿÿÿ.ÿÿÿ.ÿÿÿ'],
    ['null', 'Bearer null'],
    ['sub "0"', withSub('0')],
    ['sub "-1"', withSub('-1')],
    ['sub "99999999999"', withSub('99999999999')],
    ['sub "9999999999999999"', withSub('9999999999999999')],
    ['sub "2147483648"', withSub('2147483648')],
    ['sub "1e3"', withSub('1e3')],
    ['sub "01"', withSub('01')],
    ['sub " 1"', withSub(' 1')],
    ['sub "abc"', withSub('abc')],
    ['sub ""', withSub('')],
    ['sub number 1', withSub(1)],
    ['sub of nobody', withSub('424242')],
    ['no sub', `Bearer ${signJwt(claims({}), jwtSecret)}`],
    ['expired', `Bearer ${signJwt(claims({ sub: '1', iat: iat - 7200, exp: iat - 3600 }), jwtSecret)}`],
    ['not yet valid', `Bearer ${signJwt(claims({ sub: '1', nbf: iat + 3600 }), jwtSecret)}`],
    ['wrong audience', `Bearer ${signJwt(claims({ sub: '1', aud: 'someone-else' }), jwtSecret)}`],
    ['wrong issuer', `Bearer ${signJwt(claims({ sub: '1', iss: 'someone-else' }), jwtSecret)}`],
    ['wrong key', `Bearer ${signJwt(claims({ sub: '1' }), 'another-secret-another-secret-another')}`],
    ['alg none', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims({ sub: '1' }))}.`],
    ['HS512 header', `Bearer ${signJwt(claims({ sub: '1' }), jwtSecret, { alg: 'HS512', typ: 'JWT' })}`],
  ];
  const good: [string, string, Identity][] = [
    ['lower-case scheme', `bearer ${tokens.user}`, 'user'],
    ['two spaces', `Bearer  ${tokens.admin}`, 'admin'],
  ];
  return fc.oneof(
    fc.constantFrom(...bad).map(([label, value]): Mutation => ({ kind: 'auth', label, value, as: 'anon' })),
    fc.constantFrom(...good).map(([label, value, as]): Mutation => ({ kind: 'auth', label, value, as })),
  );
}

// ---------------------------------------------------------------- mutations

/**
 * Whether API.md refuses this Idempotency-Key: 1–255 visible ASCII
 * characters, bare or as a quoted structured-field string.
 */
export function refusedIdempotencyKey(sent: string): boolean {
  // HTTP drops spaces and tabs around a field value (RFC 9110, 5.5) before the API sees it.
  const text = sent.replace(/^[ \t]+|[ \t]+$/g, '');
  const bare = text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1) : text;
  return !/^[\x21-\x7e]{1,255}$/.test(bare) || (bare !== text && bare.includes('"'));
}

/** `value` as latin1 text node:http writes byte for byte (UTF-8 bytes for anything wider). */
function headerText(value: string): string {
  return [...value].some((c) => c.charCodeAt(0) > 0xff)
    ? Buffer.from(value, 'utf8').toString('latin1')
    : value;
}

/** Start and end together: spans too long or backwards, ranges too wide. */
function relations(op: Operation): [string, Mutation[]][] {
  const fields = [...op.params, ...(op.body ?? [])];
  const out: [string, Mutation[]][] = [];
  const time = pairOf(fields, 'time');
  if (time) {
    const keyS = `${time.start.in}:start`;
    const keyE = `${time.end.in}:end`;
    const spans: [string, boolean, string, string][] = [
      ['exactly 24 hours', false, localTime(3, 0), localTime(4, 0)],
      ['24 hours 10 minutes', true, localTime(3, 0), localTime(4, 1)],
      ['25 hours', true, localTime(3, 6), localTime(4, 12)],
      ['8 days', true, localTime(3, 0), localTime(11, 0)],
      ['400 days', true, localTime(3, 0), localTime(403, 0)],
      ['300 years', true, localTime(3, 0), '2326-12-01 00:00'],
      ['until 9999-12-30', true, localTime(3, 0), '9999-12-30 00:00'],
      ['start = end', true, localTime(3, 6), localTime(3, 6)],
      ['end before start', true, localTime(3, 12), localTime(3, 6)],
      ['mixed notations', false, localTime(3, 6), '2026-11-26T02:00:00+09:00'],
      ['same instant, other offsets', true, '2026-11-26T01:00:00+09:00', '2026-11-25T16:00:00Z'],
    ];
    out.push([
      'time spans',
      spans.map(
        ([label, invalid, start, end]): Mutation => ({
          kind: 'relation',
          label: `span ${label}`,
          invalid,
          values: { [keyS]: start, [keyE]: end },
        }),
      ),
    ]);
  }
  const date = pairOf(fields, 'date');
  if (date) {
    const keyS = `${date.start.in}:start`;
    const keyE = `${date.end.in}:end`;
    const ranges: [string, boolean, string, string][] = [
      ['end before start', true, bookableDay(5), bookableDay(4)],
      ['366 days', false, bookableDay(0), bookableDay(365)],
      ['367 days', false, bookableDay(0), bookableDay(366)],
      ['1970-01-01..9999-12-30', false, '1970-01-01', '9999-12-30'],
      ['0001-01-01..9999-12-31', true, '0001-01-01', '9999-12-31'],
      ['only start', false, bookableDay(1), ''],
    ];
    out.push([
      'date ranges',
      ranges.map(
        ([label, invalid, start, end]): Mutation => ({
          kind: 'relation',
          label: `range ${label}`,
          invalid,
          values: { [keyS]: start, [keyE]: end === '' ? undefined : end },
        }),
      ),
    ]);
  }
  return out;
}

/** A named way of spoiling requests to one operation, and how often random runs pick it. */
export interface Family {
  readonly name: string;
  readonly weight: number;
  readonly mutation: fc.Arbitrary<Mutation>;
  /**
   * What the systematic sweep sends: that many draws, or every one of a
   * short list worth trying whole.
   */
  readonly sweep: number | readonly Mutation[];
}

/**
 * Every way the fuzzer may spoil a valid request to `op`: each field with
 * each family of hostile values, unknown and missing fields, raw bodies,
 * encodings, content types, query strings, credentials, and the headers
 * that matter. The systematic sweep tries each family; random runs draw
 * from all of them by weight.
 */
export function mutationFamilies(op: Operation, credentials: Credentials): Family[] {
  const families: Family[] = [];
  const add = (name: string, weight: number, mutation: fc.Arbitrary<Mutation>, sweep: Family['sweep'] = 2) =>
    families.push({ name, weight, mutation, sweep });
  add('valid', 6, fc.constant({ kind: 'valid' }), 4);
  const fields = [...op.params, ...(op.body ?? [])];
  for (const field of fields) {
    const probeFamilies = field.in === 'body' ? bodyValueFamilies(field) : paramTextFamilies(field);
    for (const [name, probes] of probeFamilies) {
      add(
        `${field.in}.${field.name}: ${name}`,
        1,
        probes.map((probe): Mutation => ({ kind: 'field', field, probe })),
      );
    }
    if (field.kind === 'id' && field.in === 'path') {
      // Well formed, but nobody's: answers must not tell a user which ids exist.
      const probe = { value: '2000000000', label: 'no such reservation', invalid: false };
      add(
        `${field.in}.${field.name}: no such reservation`,
        1,
        fc.constant<Mutation>({ kind: 'field', field, probe }),
      );
    }
    if (field.in === 'query' || field.in === 'path') {
      add(
        `${field.in}.${field.name}: raw escapes`,
        1,
        fc
          .constantFrom(...RAW_ESCAPES)
          .map(([label, text]): Mutation => ({ kind: 'raw-param', field, label, text })),
      );
    }
  }
  for (const [name, all] of relations(op)) add(name, 3, fc.constantFrom(...all), all);
  if (bodyMethods.has(op.method)) {
    add(
      'unknown fields',
      2,
      fc
        .uniqueArray(fc.constantFrom(...UNKNOWN_FIELDS), { minLength: 1, maxLength: 2 })
        .chain((names) =>
          fc
            .constantFrom<unknown>(true, 1, 'x', null, {}, ['x'])
            .map((value): Mutation => ({ kind: 'extra', entries: names.map((n) => [n, value] as const) })),
        ),
    );
    add(
      'raw bodies',
      3,
      fc
        .constantFrom(...RAW_BODIES)
        .map(([label, bytes, invalid]): Mutation => ({ kind: 'raw-body', label, bytes, invalid })),
    );
    const encodings: [string, string, Encoder, boolean][] = [
      ['gzip header on a plain body', 'gzip', 'none', true],
      ['deflate header on a plain body', 'deflate', 'none', true],
      ['br header on a plain body', 'br', 'none', true],
      ['compress', 'compress', 'none', true],
      ['garbage encoding', 'x-garbage', 'none', true],
      ['GZIP upper case on a plain body', 'GZIP', 'none', true],
      ['gzip, gzip on a gzipped body', 'gzip, gzip', 'gzip', true],
      ['identity', 'identity', 'none', false],
      ['real gzip', 'gzip', 'gzip', false],
      ['real deflate', 'deflate', 'deflate', false],
      ['real br', 'br', 'br', false],
      ['truncated gzip', 'gzip', 'gzip-truncated', true],
      ['gzip bomb (10 MB inflated)', 'gzip', 'gzip-bomb', true],
    ];
    add(
      'Content-Encoding',
      3,
      fc.constantFrom(...encodings).map(
        ([label, header, encode, invalid]): Mutation => ({
          kind: 'encoding',
          label,
          header,
          encode,
          invalid,
        }),
      ),
    );
    add('chunked body', 1, fc.constant({ kind: 'chunked' }));
    const types: [string, string | undefined][] = [
      ['no Content-Type', undefined],
      ['text/plain', 'text/plain'],
      ['form', 'application/x-www-form-urlencoded'],
      ['multipart', 'multipart/form-data; boundary=x'],
      ['utf-16 charset', 'application/json; charset=utf-16'],
      ['latin1 charset', 'application/json; charset=latin1'],
      ['unknown charset', 'application/json; charset=klingon'],
      ['quoted charset', 'application/json; charset="utf-8"'],
      ['upper case', 'APPLICATION/JSON'],
      ['merge-patch', 'application/merge-patch+json'],
      ['problem+json', 'application/problem+json'],
      ['list', 'application/json, text/plain'],
      ['garbage', 'a/b/c;;;='],
      ['long parameter', `application/json; x=${'a'.repeat(4000)}`],
    ];
    add(
      'Content-Type',
      1,
      fc.constantFrom(...types).map(
        ([label, value]): Mutation => ({
          kind: 'header',
          label: `Content-Type ${label}`,
          name: 'content-type',
          value,
          invalid: false,
        }),
      ),
    );
  }
  if (op.body && op.body.length > 0) {
    add(
      'missing fields',
      1,
      fc
        .subarray(
          op.body.map((f) => f.name),
          { minLength: 1 },
        )
        .map((names): Mutation => ({ kind: 'missing', names })),
    );
  }
  const queryParams = op.params.filter((p) => p.in === 'query');
  // The OpenAPI document promises 400 for unknown query parameters; judged where the route reads a query.
  const strict = queryParams.length > 0;
  const queryTexts: [string, string, boolean][] = [
    ['unknown parameter', 'fuzz=1', strict],
    ['__proto__ parameter', '__proto__=1', strict],
    ['constructor[prototype] parameter', 'constructor%5Bprototype%5D=1', strict],
    ['empty name', '=x', strict],
    ['only separators', '&&&', false],
    ['5000-character parameter', `fuzz=${'a'.repeat(5000)}`, strict],
    ['20 KB query', `fuzz=${'a'.repeat(20_000)}`, true],
  ];
  for (const p of queryParams) {
    queryTexts.push(
      [`${p.name} twice`, `${p.name}=${bookableDay(1)}&${p.name}=${bookableDay(2)}`, true],
      [`${p.name}[]`, `${p.name}%5B%5D=${bookableDay(1)}`, true],
      [`${p.name}[a]`, `${p.name}%5Ba%5D=1`, true],
      [`${p.name} without =`, p.name, false],
    );
  }
  add(
    'query string',
    1,
    fc
      .constantFrom(...queryTexts)
      .map(([label, text, invalid]): Mutation => ({ kind: 'query', label, text, invalid })),
  );
  add('Authorization', op.secured ? 4 : 1, authProbes(credentials));
  // Judged only where the document declares the header (the contract's idempotent routes).
  const idempotency = op.params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
  const keys: [string, string][] = [
    ['plain', 'fuzz-key-1'],
    ['quoted', '"fuzz-key-1"'],
    ['255 characters', 'k'.repeat(255)],
    ['empty', ''],
    ['quoted empty', '""'],
    ['unterminated quote', '"abc'],
    ['256 characters', 'k'.repeat(256)],
    ['10,000 characters', 'k'.repeat(10_000)],
    ['non-ASCII (UTF-8)', headerText('ключ')],
    ['latin1', 'clé'],
    ['tab inside', 'a\tb'],
    ['space inside', 'a b'],
  ];
  add(
    'Idempotency-Key',
    1,
    fc.constantFrom(...keys).map(
      ([label, value]): Mutation => ({
        kind: 'header',
        label: `Idempotency-Key ${label}`,
        name: 'idempotency-key',
        value,
        invalid: idempotency && refusedIdempotencyKey(value),
      }),
    ),
  );
  const requestIds: [string, string][] = [
    ['empty', ''],
    ['129 characters', 'r'.repeat(129)],
    ['128 characters', 'r'.repeat(128)],
    ['with a space', 'abc def'],
    ['non-ASCII', headerText('요청')],
    ['with markup', '<script>alert(1)</script>'],
    ['8 KB', 'r'.repeat(8000)],
  ];
  add(
    'X-Request-Id',
    1,
    fc.constantFrom(...requestIds).map(
      ([label, value]): Mutation => ({
        kind: 'header',
        label: `X-Request-Id ${label}`,
        name: 'x-request-id',
        value,
        invalid: false,
      }),
    ),
  );
  const other: [string, string, string][] = [
    ['Accept XML', 'accept', 'application/xml'],
    ['Accept nothing usable', 'accept', 'image/png;q=1, */*;q=0'],
    ['Accept-Encoding', 'accept-encoding', 'gzip, br, zstd'],
    ['X-Forwarded-For spoof', 'x-forwarded-for', '1.2.3.4, 5.6.7.8'],
    ['X-Forwarded-For garbage', 'x-forwarded-for', 'not an address'],
    ['If-None-Match *', 'if-none-match', '*'],
    ['If-None-Match long', 'if-none-match', `"${'e'.repeat(3000)}"`],
    ['Range', 'range', 'bytes=0-1'],
    ['X-HTTP-Method-Override', 'x-http-method-override', 'DELETE'],
  ];
  add(
    'other headers',
    1,
    fc
      .constantFrom(...other)
      .map(([label, name, value]): Mutation => ({ kind: 'header', label, name, value, invalid: false })),
  );
  return families;
}

const identities = fc.oneof(
  { arbitrary: fc.constant<Identity>('user'), weight: 9 },
  { arbitrary: fc.constant<Identity>('admin'), weight: 8 },
  { arbitrary: fc.constant<Identity>('anon'), weight: 3 },
);

/** Draws a family by weight, then a mutation from it. */
export function anyMutation(families: readonly Family[]): fc.Arbitrary<Mutation> {
  return fc.oneof(...families.map((f) => ({ arbitrary: f.mutation, weight: f.weight })));
}

/** Requests to `op` spoiled as `mutation` draws, from `identity` (by default mostly signed in). */
export function draftArbitrary(
  op: Operation,
  mutation: fc.Arbitrary<Mutation>,
  identity: fc.Arbitrary<Identity> = identities,
): fc.Arbitrary<Draft> {
  return fc.record({
    op: fc.constant(op),
    identity,
    base: validBase(op),
    mutation,
    localAddress: fc
      .tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 }))
      .map(([a, b]) => `127.0.${a}.${b}`),
  });
}

// ---------------------------------------------------------------- assembly

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
