import { describe, expect, it } from 'vitest';
import { pageOf, parseLinks } from './links.js';

describe('Link headers', () => {
  it('maps each relation to its target query, filters kept', () => {
    const links = parseLinks(
      '</reservations?status=pending&page=1&limit=10>; rel="first", </reservations?status=pending&page=3&limit=10>; rel="next", ' +
        '</reservations?status=pending&page=5&limit=10>; rel="last"',
    );
    expect([...links.keys()]).toEqual(['first', 'next', 'last']);
    expect(links.get('next')?.get('status')).toBe('pending');
    expect(pageOf(links.get('next'))).toBe(3);
    expect(pageOf(links.get('last'))).toBe(5);
    expect(links.has('prev')).toBe(false);
  });

  it('reads nothing from no header, and page 1 from a target without one', () => {
    expect(parseLinks(null).size).toBe(0);
    expect(pageOf(new URLSearchParams('limit=10'))).toBe(1);
    expect(pageOf(undefined)).toBe(1);
  });
});
