import fc from 'fast-check';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { escapeLiteral, inlineParameters } from './inline-parameters.js';

const query = (sql: string, ...parameters: unknown[]) => CompiledQuery.raw(sql, parameters);

describe('inlineParameters', () => {
  it('replaces each $n with the literal of its own parameter, $10 included', () => {
    const parameters = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(inlineParameters(query('select $1, $2, $10', ...parameters))).toBe('select 1, 2, 10');
  });

  it('quotes strings so that quotes, backslashes and $n inside them stay data', () => {
    expect(inlineParameters(query('select $1', "O'Brien"))).toBe("select 'O''Brien'");
    expect(inlineParameters(query('select $1', 'a\\b'))).toBe("select  E'a\\\\b'");
    expect(inlineParameters(query('select $1, $2', '$2', 'x'))).toBe("select '$2', 'x'");
    expect(inlineParameters(query('select $1', "'); drop table users; --"))).toBe(
      "select '''); drop table users; --'",
    );
  });

  it('writes dates as ISO timestamps, and null, numbers and booleans bare', () => {
    expect(inlineParameters(query('select $1, $2, $3, $4', new Date(0), null, -5, true))).toBe(
      "select '1970-01-01T00:00:00.000Z', null, -5, true",
    );
  });

  it('refuses values it cannot write safely, and placeholders without a parameter', () => {
    expect(() => inlineParameters(query('select $1', { a: 1 }))).toThrow(TypeError);
    expect(() => inlineParameters(query('select $1', Number.NaN))).toThrow(RangeError);
    expect(() => inlineParameters(query('select $2', 1))).toThrow(RangeError);
  });

  it('escapes every string exactly as node-postgres does', () => {
    const hostile = fc.string({ unit: fc.constantFrom("'", '\\', '$', '1', 'a', ' ', ';', '-', 'é', '"') });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), hostile), (text) => {
        expect(escapeLiteral(text)).toBe(pg.escapeLiteral(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps a $ without digits, and the text after the last placeholder', () => {
    expect(inlineParameters(query('select $1 || $ || $$', 'x'))).toBe("select 'x' || $ || $$");
    expect(inlineParameters(query('select 1'))).toBe('select 1');
    expect(() => inlineParameters(query('select $0', 1))).toThrow(RangeError);
  });
});
