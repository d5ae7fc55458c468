/**
 * Hostile values of the kinds that have a format (times, dates, numbers, id
 * lists) and of the wrong JSON type, and the families each body field and
 * query or path parameter gets.
 */
import fc from 'fast-check';
import { RawJson } from './json-text.js';
import {
  type FieldFacts,
  FORMATTED,
  type Probe,
  type ProbeFamily,
  refusedString,
  stringProbeFamilies,
} from './string-probes.js';

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

/**
 * Integers as query or path text: the spellings a lax parser might accept or
 * choke on. A query integer is judged leniently; an `{id}` strictly, as the
 * contract reads it (plain decimal digits): the document calls it an integer
 * without saying how it is spelled in a path, so `01`, `+1` and `1.0` must
 * still be refused and never find reservation 1.
 */
export function integerTextProbes(facts: FieldFacts): fc.Arbitrary<Probe<string>> {
  const min = facts.minimum ?? 1;
  const max = facts.maximum ?? 2_147_483_647;
  const texts = [
    '0',
    '-1',
    '1.5',
    '1.0',
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
    // A query integer is judged only when even a lenient reader (Number()) finds no integer in range.
    const lenient = text.trim() === '' ? Number.NaN : Number(text);
    const readable = facts.kind === 'id' ? /^[1-9]\d*$/.test(text) : Number.isInteger(lenient);
    return {
      label: `integer text ${JSON.stringify(text)}`,
      value: text,
      invalid: !(readable && lenient >= min && lenient <= max),
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
