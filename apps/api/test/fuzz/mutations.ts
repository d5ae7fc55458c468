import fc from 'fast-check';
import { authProbes } from './auth-probes.js';
import { bodyMethods, type Credentials, type Encoder, type Mutation, pairOf } from './draft.js';
import { headerText, refusedIdempotencyKey } from './header-values.js';
import type { Operation } from './openapi-operations.js';
import { RAW_BODIES, RAW_ESCAPES, UNKNOWN_FIELDS } from './raw-inputs.js';
import { bodyValueFamilies, bookableDay, localTime, paramTextFamilies } from './value-probes.js';

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

/** Draws a family by weight, then a mutation from it. */
export function anyMutation(families: readonly Family[]): fc.Arbitrary<Mutation> {
  return fc.oneof(...families.map((f) => ({ arbitrary: f.mutation, weight: f.weight })));
}
