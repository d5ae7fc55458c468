import { ValidationError } from '@exam-reservation/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, parseIdempotencyKey } from './idempotency.js';

describe('parseIdempotencyKey', () => {
  it('reads a bare key and a quoted one as the same key, escapes undone', () => {
    expect(parseIdempotencyKey('abc-123')).toBe('abc-123');
    expect(parseIdempotencyKey('"abc-123"')).toBe('abc-123');
    expect(parseIdempotencyKey('"a\\"b\\\\c"')).toBe('a"b\\c');
    expect(parseIdempotencyKey('a"b')).toBe('a"b');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([
    '',
    '""',
    'has space',
    '"has space"',
    'caf\u00e9',
    '"unterminated',
    '"bad \\x escape"',
    '"a"b"',
    'tab\there',
    'k'.repeat(256),
    `"${'k'.repeat(256)}"`,
  ])('refuses %j', (header) => {
    expect(() => parseIdempotencyKey(header)).toThrow(ValidationError);
  });

  it('refuses the header sent twice', () => {
    expect(() => parseIdempotencyKey(['a', 'b'])).toThrow(ValidationError);
  });

  it('every key of 1–255 visible ASCII characters reads the same bare and quoted', () => {
    const key = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 255,
    });
    fc.assert(
      fc.property(key, (k) => {
        const quoted = `"${k.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
        expect(parseIdempotencyKey(quoted)).toBe(k);
        if (!k.startsWith('"')) expect(parseIdempotencyKey(k)).toBe(k);
      }),
    );
  });
});

describe('fingerprint', () => {
  it('ignores key order and an absent body, and tells method, path and values apart', () => {
    const base = fingerprint('POST', '/reservations', { a: 1, b: { c: [1, 2], d: 'x' } });
    expect(fingerprint('post', '/reservations', { b: { d: 'x', c: [1, 2] }, a: 1 })).toBe(base);
    expect(fingerprint('POST', '/reservations/1/confirm', undefined)).toBe(
      fingerprint('POST', '/reservations/1/confirm', {}),
    );
    for (const other of [
      fingerprint('PUT', '/reservations', { a: 1, b: { c: [1, 2], d: 'x' } }),
      fingerprint('POST', '/reservations/', { a: 1, b: { c: [1, 2], d: 'x' } }),
      fingerprint('POST', '/reservations', { a: 1, b: { c: [2, 1], d: 'x' } }),
      fingerprint('POST', '/reservations', { a: '1', b: { c: [1, 2], d: 'x' } }),
      fingerprint('POST', '/reservations', { a: 1, b: { c: [1, 2], d: 'x' }, e: null }),
    ]) {
      expect(other).not.toBe(base);
    }
  });
});
