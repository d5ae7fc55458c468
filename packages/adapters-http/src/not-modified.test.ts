import { describe, expect, it } from 'vitest';
import { notModified } from './not-modified.js';

describe('notModified', () => {
  const etag = '"abc"';
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['"x",W/"abc"', true],
    ['*', true],
    ['"abd"', false],
    ['"x", "y"', false],
    ['abc', false],
    ['', false],
  ])('If-None-Match: %s → %s', (condition, expected) => {
    expect(notModified({ 'if-none-match': condition }, etag)).toBe(expected);
  });

  it('is false without If-None-Match, and ignores Cache-Control: no-cache', () => {
    expect(notModified({}, etag)).toBe(false);
    expect(notModified({ 'if-none-match': etag, 'cache-control': 'no-cache' }, etag)).toBe(true);
  });
});
