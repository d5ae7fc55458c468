/**
 * What a generated request is before it is sent (a draft: valid values plus
 * one mutation), and the valid values every draft starts from.
 */
import fc from 'fast-check';
import { Late } from './json-text.js';
import type { Field, Operation } from './openapi-operations.js';
import type { Probe } from './string-probes.js';
import { bookableDay, localTime } from './value-probes.js';

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

export type Encoder = 'none' | 'gzip' | 'deflate' | 'br' | 'gzip-truncated' | 'gzip-bomb';

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

/** Tokens and secrets the generators need. */
export interface Credentials {
  readonly tokens: Readonly<Record<'user' | 'admin', string>>;
  readonly jwtSecret: string;
  /** The server's clock, epoch ms. */
  readonly now: number;
}

export const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

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

export const pairOf = (fields: readonly Field[], kind: 'time' | 'date') => {
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

const identities = fc.oneof(
  { arbitrary: fc.constant<Identity>('user'), weight: 9 },
  { arbitrary: fc.constant<Identity>('admin'), weight: 8 },
  { arbitrary: fc.constant<Identity>('anon'), weight: 3 },
);

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
