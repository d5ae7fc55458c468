/**
 * Hostile values for the HTTP fuzz suite, each with what the contract
 * (../shared/API.md) says about it: what a probe is, what a field holds, and
 * hostile strings. Extend the lists here and in `value-probes.ts` and
 * `raw-inputs.ts`: every route and field of the OpenAPI document picks them
 * up by field kind.
 */
import fc from 'fast-check';

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
export const FORMATTED: ReadonlySet<FieldKind> = new Set([
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
