/**
 * Hostile values for the HTTP fuzz suite, each with what the contract
 * (../shared/API.md) says about it. Extend the lists here: every route and
 * field of the OpenAPI document picks them up by field kind.
 */
import fc from 'fast-check';

/** A JSON text fragment written as it is (numbers `JSON.stringify` cannot write, such as `1e400`). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A JSON object as ordered entries, so keys such as `__proto__` and repeated keys survive. */
export class JsonEntries {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

/** A value filled in when the request is sent (an existing id, a fresh e-mail). */
export class Late {
  constructor(
    readonly describe: string,
    readonly resolve: (ctx: LateContext) => unknown,
  ) {}
}

/** What {@link Late} values may look at when the request is sent. */
export interface LateContext {
  /** An id from the reservations made so far (`n` picks one), or a fallback when none exist. */
  reservationId(n: number): number;
  /** A fresh e-mail address no account has yet. */
  freshEmail(): string;
  /** The e-mail of an account that exists. */
  knownEmail(n: number): string;
}

/** Replaces every {@link Late} inside `value`. */
export function resolveLate(value: unknown, ctx: LateContext): unknown {
  if (value instanceof Late) return resolveLate(value.resolve(ctx), ctx);
  if (value instanceof JsonEntries) {
    return new JsonEntries(value.entries.map(([k, v]) => [k, resolveLate(v, ctx)] as const));
  }
  if (Array.isArray(value)) return value.map((v) => resolveLate(v, ctx));
  return value;
}

/** JSON text of `value`, writing {@link RawJson} verbatim and {@link JsonEntries} in order. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof JsonEntries) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return toJsonText(new JsonEntries(Object.entries(value)));
  }
  // JSON.stringify writes lone surrogates as \udXXX escapes (well-formed JSON.stringify).
  return JSON.stringify(value) ?? 'null';
}

/**
 * Percent-encodes every character but the unreserved ones, as UTF-8. A lone
 * surrogate (which `encodeURIComponent` refuses) is written as the three
 * bytes a naive encoder would emit (WTF-8), which are not valid UTF-8.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(char)) {
      out += char;
      continue;
    }
    const cp = char.codePointAt(0)!;
    const bytes =
      cp >= 0xd800 && cp <= 0xdfff
        ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
        : [...Buffer.from(char, 'utf8')];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

/** One generated value and the contract's verdict on it. */
export interface Probe<T = unknown> {
  readonly value: T;
  /** What kind of hostile value it is, for reports (`NUL`, `year 0000`, …). */
  readonly label: string;
  /**
   * The contract refuses this value in a field of the kind it was made for,
   * whatever the other fields hold: a 2xx answer to it is a finding.
   */
  readonly invalid: boolean;
}

/**
 * What a field holds, as far as the contract's rules go. Inferred from the
 * OpenAPI schema and the field's name in `openapi-operations.ts`.
 */
export type FieldKind =
  | 'name'
  | 'text'
  | 'email'
  | 'password'
  | 'time'
  | 'date'
  | 'integer'
  | 'id'
  | 'id-list'
  | 'boolean'
  | 'enum'
  | 'string';

/** The schema facts the generators use. */
export interface FieldFacts {
  readonly kind: FieldKind;
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
  readonly maxLength?: number | undefined;
  readonly enumValues?: readonly string[] | undefined;
}

const probe = <T>(label: string, invalid: boolean, arb: fc.Arbitrary<T>): fc.Arbitrary<Probe<T>> =>
  arb.map((value) => ({ value, label, invalid }));

const fixed = <T>(label: string, invalid: boolean, value: T): fc.Arbitrary<Probe<T>> =>
  fc.constant({ value, label, invalid });

/** Most code points a field of this kind may hold (API.md), if the contract bounds it. */
export function maxCodePoints(facts: FieldFacts): number | undefined {
  switch (facts.kind) {
    case 'name':
      return 100;
    case 'password':
      return 128;
    case 'email':
      return 254;
    case 'text':
      return facts.maxLength ?? 500;
    case 'time':
    case 'date':
    case 'id':
    case 'integer':
      return 40;
    default:
      return facts.maxLength;
  }
}

/** Kinds whose values have a fixed format: anything free-form is refused. */
const FORMATTED: ReadonlySet<FieldKind> = new Set([
  'time',
  'date',
  'id',
  'integer',
  'boolean',
  'enum',
  'id-list',
]);

const nonEmptyKinds: ReadonlySet<FieldKind> = new Set([
  'name',
  'text',
  'email',
  'password',
  'time',
  'date',
  'integer',
  'id',
  'enum',
  'boolean',
]);

const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), maxLength: 6 });

/** C0 controls but NUL, DEL, and C1 controls. */
const CONTROL = [
  ...Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)),
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009f',
];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800', 'a\ud83d', '\ude00b'];
const WHITESPACE = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\u2028', '\ufeff'];
/** Letters and marks that are not control characters (and never U+FFFD, which the store audit looks for). */
const UNICODE = [
  'é',
  'ß',
  'İ',
  'ﬃ',
  '가',
  '日本',
  'Ω',
  'ع',
  'ש',
  '🙂',
  '👨‍👩‍👧',
  '\u0301',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2066',
  '𝔘',
  'Ａ',
  '١',
  '\uffff',
  '\u{10ffff}',
];
const META = [
  "'",
  "' OR '1'='1",
  "'; drop table users; --",
  '"',
  '\\',
  '\\u0000',
  '\\x00',
  '%',
  '_',
  '$1',
  '::text',
  '{"a":1}',
  '[]',
  '}{',
  '/*',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j lookup, sent as text on purpose
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '%s%n',
  'null',
  'undefined',
  'NaN',
];

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Whether the contract refuses string `value` in a field of `facts.kind`
 * whatever else the request holds: a NUL or a lone surrogate anywhere; in
 * names, control characters, whitespace only, or more than 100 characters;
 * lengths out of a field's bounds; an e-mail without `@`.
 */
export function refusedString(facts: FieldFacts, value: string): boolean {
  if (value.includes('\u0000') || LONE_SURROGATE.test(value)) return true;
  const length = [...value].length;
  const limit = maxCodePoints(facts);
  if (limit !== undefined && length > limit) return true;
  if (value.length === 0 && nonEmptyKinds.has(facts.kind)) return true;
  switch (facts.kind) {
    case 'name':
      return CONTROL_CHAR.test(value) || value.trim().length === 0;
    case 'password':
      return length < 8;
    case 'email':
      return !value.includes('@');
    default:
      return false;
  }
}

/** A named kind of hostile value, for systematic sweeps (each family tried on every field). */
export type ProbeFamily<T> = readonly [name: string, arbitrary: fc.Arbitrary<Probe<T>>];

/** One arbitrary drawing from all the families, equally. */
export function anyOf<T>(families: readonly ProbeFamily<T>[]): fc.Arbitrary<Probe<T>> {
  return fc.oneof(...families.map(([, arbitrary]) => arbitrary));
}

/**
 * Hostile strings for a field of `facts.kind`: NUL, other control
 * characters, lone surrogates, very long, unicode, whitespace only, empty,
 * SQL and JSON metacharacters. `formatted` kinds (times, dates, numbers)
 * refuse all of them; for the others {@link refusedString} judges.
 */
export function stringProbeFamilies(facts: FieldFacts): ProbeFamily<string>[] {
  const formatted = FORMATTED.has(facts.kind);
  const long = fc
    .tuple(
      fc.constantFrom(101, 129, 255, 256, 501, 1025, 4000, 9000, 17_000),
      fc.constantFrom('a', '가', '🙂', 'é'),
    )
    .map(([n, unit]) => ({
      value: unit.repeat(n),
      // Lengths that pass the header size limit of the HTTP server are one class of their own.
      label: n <= 1025 ? `long (${n} characters)` : 'very long (4,000–17,000 characters)',
      invalid: false,
    }));
  const families: ProbeFamily<string>[] = [
    [
      'NUL',
      fc.oneof(
        probe(
          'NUL',
          true,
          fc.tuple(word, word).map(([a, b]) => `${a}\u0000${b}`),
        ),
        probe('only NUL', true, fc.constantFrom('\u0000', '\u0000\u0000\u0000')),
      ),
    ],
    [
      'control character',
      probe(
        'control character',
        formatted,
        fc.tuple(word, fc.constantFrom(...CONTROL), word).map(([a, c, b]) => `${a || 'x'}${c}${b}`),
      ),
    ],
    [
      'lone surrogate',
      probe(
        'lone surrogate',
        true,
        fc.tuple(word, fc.constantFrom(...LONE_SURROGATES), word).map(([a, s, b]) => `${a}${s}${b}`),
      ),
    ],
    ['long', long],
    [
      'unicode',
      probe(
        'unicode',
        formatted,
        fc
          .array(fc.constantFrom(...UNICODE, 'a', 'Z'), { minLength: 1, maxLength: 12 })
          .map((parts) => `x${parts.join('')}`),
      ),
    ],
    [
      'whitespace only',
      probe(
        'whitespace only',
        formatted,
        fc.array(fc.constantFrom(...WHITESPACE), { minLength: 1, maxLength: 4 }).map((w) => w.join('')),
      ),
    ],
    ['empty', fixed('empty', formatted, '')],
    ['SQL/JSON metacharacters', probe('SQL/JSON metacharacters', formatted, fc.constantFrom(...META))],
  ];
  if (facts.kind === 'email') families.push(['e-mail shaped', emailProbes()]);
  return families.map(([name, arbitrary]) => [
    name,
    arbitrary.map((p) => (p.invalid || !refusedString(facts, p.value) ? p : { ...p, invalid: true })),
  ]);
}

/** E-mail addresses with something hostile inside the address shape. */
function emailProbes(): fc.Arbitrary<Probe<string>> {
  return fc
    .constantFrom<[string, string]>(
      ['NUL in the local part', 'a\u0000b@example.com'],
      ['control character in the local part', 'a\u0001b@example.com'],
      ['lone surrogate in the domain', 'a@ex\ud800ample.com'],
      ['unicode local part', 'käse+가@example.com'],
      ['IDN domain', 'a@例え.jp'],
      ['quoted local part', '"a b"@example.com'],
      ['SQL in the local part', "o'reilly'--@example.com"],
      ['no TLD', 'a@localhost'],
      ['two @', 'a@b@example.com'],
      ['upper case', 'FUZZ@EXAMPLE.COM'],
      ['surrounding spaces', '  a@example.com  '],
      ['300-character local part', `${'a'.repeat(300)}@example.com`],
    )
    .map(([label, value]) => ({ label: `e-mail: ${label}`, value, invalid: false }));
}

/** `YYYY-MM-DD` text of a UTC calendar date. */
function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** 2026-11-23 + `n` days: bookable under the test app's fixed clock and default policy. */
export function bookableDay(n: number): string {
  return isoDay(new Date(Date.UTC(2026, 10, 23 + n)));
}

const TWO = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM` of a slot on bookable day `day`. */
export function localTime(day: number, slot: number): string {
  const d = new Date(Date.UTC(2026, 10, 23 + day, 0, slot * 10));
  return `${isoDay(d)} ${TWO(d.getUTCHours())}:${TWO(d.getUTCMinutes())}`;
}

/** Hostile request times (`YYYY-MM-DD HH:MM` or ISO 8601 with an offset). */
export function timeProbes(): fc.Arbitrary<Probe<string>> {
  const day = bookableDay(5);
  const bad = [
    ['year 0000', '0000-01-01 00:00'],
    ['year 0001', '0001-01-01 00:00'],
    ['1969-12-31', '1969-12-31 23:50'],
    ['epoch', '1970-01-01T00:00:00Z'],
    ['9999-12-30', '9999-12-30 00:00'],
    ['9999-12-31', '9999-12-31 23:50'],
    ['10000-01-01', '10000-01-01 00:00'],
    ['expanded year', '+010000-01-01T00:00:00Z'],
    ['negative year', '-000001-01-01T00:00:00Z'],
    ['Feb 30', '2026-02-30 10:00'],
    ['Feb 29 non-leap', '2027-02-29 10:00'],
    ['month 13', '2026-13-01 10:00'],
    ['day 00', '2026-12-00 10:00'],
    ['24:00', `${day} 24:00`],
    ['hour 25', `${day} 25:00`],
    ['minute 60', `${day} 09:60`],
    ['off grid', `${day} 09:05`],
    ['off grid seconds', `${day}T09:00:01+09:00`],
    ['off grid ms', `${day}T09:00:00.001+09:00`],
    ['sub-millisecond', `${day}T09:00:00.0000001+09:00`],
    ['offset +14:01', `${day}T09:00:00+14:01`],
    ['offset +24:00', `${day}T09:00:00+24:00`],
    ['offset -25:00', `${day}T09:00:00-25:00`],
    ['offset off grid', `${day}T09:00:00+05:45`],
    ['no offset ISO', `${day}T09:00:00`],
    ['zone name', `${day}T09:00:00+09:00[Asia/Seoul]`],
    ['single digits', '2026-1-1 9:00'],
    ['date only', day],
    ['time only', '09:00'],
    ['unix seconds', '1795143600'],
    ['week date', '2026-W49-2T09:00Z'],
    ['ordinal date', '2026-335T09:00Z'],
    ['padded', ` ${day} 09:00 `],
    ['slashes', `${day.replaceAll('-', '/')} 09:00`],
    ['now', 'now'],
    ['before lead time', '2026-11-20 12:00'],
  ] as const;
  const maybe = [
    ['offset +14:00', `${day}T09:00:00+14:00`],
    ['offset -12:00', `${day}T09:00:00-12:00`],
    ['lower-case t and z', `${day}t00:00:00z`],
    ['zero sub-ms fraction', `${day}T09:00:00.000000000+09:00`],
    ['no seconds ISO', `${day}T09:00+09:00`],
  ] as const;
  return fc.oneof(
    fc.constantFrom(...bad).map(([label, value]) => ({ label, value, invalid: true })),
    fc.constantFrom(...maybe).map(([label, value]) => ({ label, value, invalid: false })),
  );
}

/** Hostile request dates (`YYYY-MM-DD`). */
export function dateProbes(): fc.Arbitrary<Probe<string>> {
  const bad = [
    ['year 0000', '0000-01-01'],
    ['year 0001', '0001-01-01'],
    ['1969-12-31', '1969-12-31'],
    ['9999-12-31', '9999-12-31'],
    ['10000-01-01', '10000-01-01'],
    ['negative year', '-0001-01-01'],
    ['Feb 30', '2026-02-30'],
    ['Feb 29 non-leap', '2027-02-29'],
    ['month 00', '2026-00-10'],
    ['month 13', '2026-13-01'],
    ['day 32', '2026-12-32'],
    ['single digits', '2026-1-1'],
    ['with time', '2026-12-01 00:00'],
    ['ISO instant', '2026-12-01T00:00:00Z'],
    ['basic format', '20261201'],
    ['slashes', '2026/12/01'],
    ['padded', ' 2026-12-01'],
    ['fullwidth digits', '２０２６-１２-０１'],
    ['arabic-indic digits', '٢٠٢٦-١٢-٠١'],
  ] as const;
  const edge = [
    ['1970-01-01', '1970-01-01'],
    ['9999-12-30', '9999-12-30'],
    ['leap day', '2028-02-29'],
  ] as const;
  return fc.oneof(
    fc.constantFrom(...bad).map(([label, value]) => ({ label, value, invalid: true })),
    fc.constantFrom(...edge).map(([label, value]) => ({ label, value, invalid: false })),
  );
}

/**
 * Hostile numbers as JSON: huge, negative, fractional, exponent forms
 * (`1e400` parses as Infinity), `-0`. `invalid` is judged against the
 * field's integer bounds; in a field that holds text, any number is a wrong type.
 */
export function numberProbes(facts: FieldFacts): fc.Arbitrary<Probe<unknown>> {
  const numberField = facts.kind === 'integer' || facts.kind === 'id';
  const min = facts.minimum ?? Number.NEGATIVE_INFINITY;
  const max = facts.maximum ?? Number.POSITIVE_INFINITY;
  const outside = (n: number) => !Number.isInteger(n) || n < min || n > max;
  const numeric = [
    ['0', 0],
    ['-1', -1],
    ['-0', new RawJson('-0')],
    ['2^31', 2 ** 31],
    ['2^31-1', 2 ** 31 - 1],
    ['2^53+2', new RawJson('9007199254740994')],
    ['1e308', 1e308],
    ['1e400', new RawJson('1e400')],
    ['-1e400', new RawJson('-1e400')],
    ['1e-400', new RawJson('1e-400')],
    ['1E2', new RawJson('1E2')],
    ['1e3', new RawJson('1e3')],
    ['5e-1', new RawJson('5e-1')],
    ['1.5', 1.5],
    ['1.0', new RawJson('1.0')],
    ['0.1+0.2', 0.1 + 0.2],
    ['30 digits', new RawJson('123456789012345678901234567890')],
    ['400 digits', new RawJson(`1${'0'.repeat(400)}`)],
    ['50000', 50_000],
    ['50001', 50_001],
    ['MIN_SAFE', Number.MIN_SAFE_INTEGER],
  ] as const;
  const value = (v: number | RawJson): number => (v instanceof RawJson ? Number(v.text) : v);
  return fc.constantFrom(...numeric).map(([label, v]) => ({
    label: `number ${label}`,
    value: v,
    // -0 and 1e-400 are 0 in JavaScript; JSON has no integer type, so 1.0 and 1e3 are integers.
    invalid: !numberField || outside(value(v)) || Object.is(value(v), -0) || !Number.isFinite(value(v)),
  }));
}

/** Numbers written as JSON strings: a wrong type for a number field, plain text for a text field. */
export function numericStringProbes(facts: FieldFacts): fc.Arbitrary<Probe<unknown>> {
  const numberField = facts.kind === 'integer' || facts.kind === 'id';
  return fc.constantFrom('5', '1e3', 'NaN', 'Infinity', '-Infinity', '0x10', '1_000', '-0').map((v) => ({
    label: `number in a string ${JSON.stringify(v)}`,
    value: v,
    invalid: numberField || FORMATTED.has(facts.kind) || refusedString(facts, v),
  }));
}

/** Integers as query or path text: the spellings a lax parser might accept or choke on. */
export function integerTextProbes(facts: FieldFacts): fc.Arbitrary<Probe<string>> {
  const min = facts.minimum ?? 1;
  const max = facts.maximum ?? 2_147_483_647;
  const texts = [
    '0',
    '-1',
    '1.5',
    '1e3',
    '1E400',
    'NaN',
    'Infinity',
    '0x10',
    '2147483647',
    '2147483648',
    '99999999999',
    '99999999999999999999999',
    '１',
    '٣',
    '+1',
    '01',
    ' 1',
    '1 ',
    '1,2',
    '[1]',
    `${max}`,
    `${max + 1}`,
    `${min - 1}`,
  ];
  return fc.constantFrom(...texts).map((text) => {
    // Judged only when even a lenient reader (Number()) finds no integer in range.
    const lenient = text.trim() === '' ? Number.NaN : Number(text);
    return {
      label: `integer text ${JSON.stringify(text)}`,
      value: text,
      invalid: !(Number.isInteger(lenient) && lenient >= min && lenient <= max),
    };
  });
}

/** JSON values of the wrong type for a field of `facts.kind`. */
export function wrongTypeProbes(facts: FieldFacts): fc.Arbitrary<Probe<unknown>> {
  const stringy = !['integer', 'boolean', 'id-list'].includes(facts.kind);
  const values: [string, unknown][] = [['null', null]];
  if (facts.kind === 'boolean') values.push(['string "true"', 'true'], ['number 1', 1]);
  else values.push(['true', true], ['false', false]);
  values.push(
    ['empty array', []],
    ['array of the usual', ['x']],
    ['empty object', {}],
    ['object', { value: 'x' }],
    ['nested arrays', new RawJson(`${'['.repeat(2000)}${']'.repeat(2000)}`)],
    ['nested objects', new RawJson(`${'{"a":'.repeat(500)}1${'}'.repeat(500)}`)],
  );
  if (stringy) values.push(['number', 42], ['float', 4.2]);
  else values.push(['string', 'x'], ['numeric string', '1']);
  return fc
    .constantFrom(...values)
    .map(([label, value]) => ({ label: `wrong type: ${label}`, value, invalid: true }));
}

/**
 * Families of hostile JSON values for a body field: the field's own kind
 * (times, dates, numbers, id lists), strings, numbers, numbers in strings,
 * wrong types.
 */
export function bodyValueFamilies(facts: FieldFacts): ProbeFamily<unknown>[] {
  const families: ProbeFamily<unknown>[] = [];
  if (facts.kind === 'time') families.push(['time', timeProbes()]);
  if (facts.kind === 'date') families.push(['date', dateProbes()]);
  if (facts.kind === 'id-list') {
    families.push([
      'id list',
      fc
        .constantFrom<[string, unknown]>(
          ['empty list', []],
          ['1001 ids', Array.from({ length: 1001 }, (_, i) => i + 1)],
          ['duplicate ids', [1, 1]],
          ['ids as strings', ['1', '2']],
          ['negative id', [-1]],
          ['huge id', [2 ** 31]],
          ['fractional id', [1.5]],
          ['null id', [null]],
        )
        .map(([label, value]) => ({ label, value, invalid: true })),
    ]);
  }
  families.push(...stringProbeFamilies(facts));
  families.push(['number', numberProbes(facts)], ['number in a string', numericStringProbes(facts)]);
  families.push(['wrong type', wrongTypeProbes(facts)]);
  return families;
}

/** Families of text for a query or path parameter of `facts.kind`, before percent-encoding. */
export function paramTextFamilies(facts: FieldFacts): ProbeFamily<string>[] {
  const families: ProbeFamily<string>[] = [];
  if (facts.kind === 'date') families.push(['date', dateProbes()]);
  if (facts.kind === 'time') families.push(['time', timeProbes()]);
  if (facts.kind === 'integer' || facts.kind === 'id')
    families.push(['integer text', integerTextProbes(facts)]);
  families.push(...stringProbeFamilies(facts));
  return families;
}

/** Escapes that are not valid percent-encoding or not valid UTF-8, sent as they are. */
export const RAW_ESCAPES: readonly (readonly [string, string])[] = [
  ['lone %', '%'],
  ['%zz', '%zz'],
  ['%0', '%0'],
  ['%00', '%00'],
  ['%ff (invalid UTF-8)', '%ff'],
  ['overlong NUL %C0%80', '%C0%80'],
  ['UTF-8 of a surrogate %ED%A0%80', '%ED%A0%80'],
  ['%2F (slash)', '%2F'],
  ['%2e%2e', '%2e%2e'],
  ['%25 (percent)', '%25'],
  ['+ for space', '+'],
  ['%0d%0a header injection', 'a%0d%0aSet-Cookie:%20x=1'],
];

/** Field names no route knows; some mean something to JavaScript or to the domain. */
export const UNKNOWN_FIELDS: readonly string[] = [
  'force',
  'status',
  'role',
  'id',
  'user_id',
  'admin',
  'created_at',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  ' ',
  'reservation_name ',
  'RESERVATION_NAME',
  '\u0000',
  '\ud800',
  'a'.repeat(300),
];

/** Bodies that are not JSON, or JSON of the wrong shape, with whether the contract refuses them. */
export const RAW_BODIES: readonly (readonly [string, Buffer, boolean])[] = [
  ['empty', Buffer.alloc(0), false],
  ['not JSON', Buffer.from('hello'), true],
  ['truncated JSON', Buffer.from('{"reservation_name": "x"'), true],
  ['trailing comma', Buffer.from('{"a": 1,}'), true],
  ['single quotes', Buffer.from("{'a': 1}"), true],
  ['comment', Buffer.from('{/* hi */}'), true],
  ['NaN literal', Buffer.from('{"number_of_people": NaN}'), true],
  ['JSON null', Buffer.from('null'), true],
  ['JSON string', Buffer.from('"x"'), true],
  ['JSON number', Buffer.from('1'), true],
  ['JSON true', Buffer.from('true'), true],
  ['JSON array', Buffer.from('[]'), true],
  ['array of objects', Buffer.from('[{}]'), true],
  ['BOM then {}', Buffer.from('\ufeff{}'), false],
  ['two documents', Buffer.from('{}{}'), true],
  [
    'invalid UTF-8 in a string',
    Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    true,
  ],
  [
    'UTF-8 of a surrogate',
    Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    true,
  ],
  ['raw NUL byte', Buffer.from('{"x":"a\u0000b"}'), true],
  ['escaped NUL', Buffer.from('{"x":"a\\u0000b"}'), true],
  ['UTF-16LE', Buffer.from('{}', 'utf16le'), true],
  ['deep nesting', Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), true],
  ['17 KiB of spaces', Buffer.from(`{${' '.repeat(17 * 1024)}}`), false],
  ['huge string', Buffer.from(`{"x":"${'a'.repeat(64 * 1024)}"}`), true],
  ['many keys', Buffer.from(`{${Array.from({ length: 2000 }, (_, i) => `"k${i}":1`).join(',')}}`), true],
];
