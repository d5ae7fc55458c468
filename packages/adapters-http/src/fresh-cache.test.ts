import { describe, expect, it } from 'vitest';
import { FreshCache } from './fresh-cache.js';

function setUp(
  maxAgeMs: number,
  limits: { maxEntries?: number; maxSize?: number; refreshAfterMs?: number } = {},
) {
  let now = 1_000;
  let computed = 0;
  const cache = new FreshCache<string>({ maxAgeMs, now: () => now, ...limits }, (v) => v.length);
  const compute = (value: string) => async () => {
    computed++;
    return `${value}#${computed}`;
  };
  return {
    cache,
    compute,
    computed: () => computed,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('FreshCache', () => {
  it('reuses a value while its computation began less than maxAgeMs ago, then computes afresh', async () => {
    const { cache, compute, computed, advance } = setUp(1_000);
    expect(await cache.get('k', compute('a'))).toBe('a#1');
    advance(999);
    expect(await cache.get('k', compute('a'))).toBe('a#1');
    advance(1);
    expect(await cache.get('k', compute('a'))).toBe('a#2');
    expect(computed()).toBe(2);
  });

  it('counts age from the start of the computation, not its end', async () => {
    const { cache, advance } = setUp(1_000);
    let release: (v: string) => void = () => undefined;
    const slow = cache.get('k', () => new Promise<string>((r) => (release = r)));
    advance(800);
    release('slow');
    expect(await slow).toBe('slow');
    advance(200);
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('lets identical concurrent callers share one computation', async () => {
    const { cache, compute, computed } = setUp(1_000);
    const all = await Promise.all(Array.from({ length: 10 }, () => cache.get('k', compute('a'))));
    expect(new Set(all)).toEqual(new Set(['a#1']));
    expect(computed()).toBe(1);
  });

  it('peeks at a computed, fresh value without computing or waiting', async () => {
    const { cache, compute, advance } = setUp(1_000);
    expect(cache.peek('k')).toBeUndefined();
    let release: (v: string) => void = () => undefined;
    const pending = cache.get('k', () => new Promise<string>((r) => (release = r)));
    expect(cache.peek('k')).toBeUndefined();
    release('v');
    await pending;
    expect(cache.peek('k')).toBe('v');
    advance(1_000);
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', compute('w'))).toBe('w#1');
  });

  it('with refreshAfterMs, computes the next value in the background and serves the fresh one meanwhile', async () => {
    const { cache, compute, computed, advance } = setUp(1_000, { refreshAfterMs: 750 });
    expect(await cache.get('k', compute('a'))).toBe('a#1');
    advance(749);
    expect(cache.peek('k')).toBe('a#1');
    expect(computed()).toBe(1);
    advance(1);
    // Due: the refresh starts, and the current value is still the answer.
    expect(cache.peek('k')).toBe('a#1');
    expect(await cache.get('k', compute('b'))).toBe('a#1');
    expect(computed()).toBe(2); // one refresh, with the compute the entry was made with
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cache.peek('k')).toBe('a#2');
    // The new value is aged from when its computation started (t = 750): fresh until 1,750.
    advance(999);
    expect(cache.peek('k')).toBe('a#2');
    advance(1);
    expect(cache.peek('k')).toBeUndefined();
  });

  it('never serves a value past maxAgeMs, even while its refresh is still running', async () => {
    let now = 0;
    let release: (v: string) => void = () => undefined;
    let calls = 0;
    const cache = new FreshCache<string>(
      { maxAgeMs: 1_000, refreshAfterMs: 500, now: () => now },
      (v) => v.length,
    );
    const compute = () => {
      calls++;
      return calls === 1 ? Promise.resolve('old') : new Promise<string>((r) => (release = r));
    };
    await cache.get('k', compute);
    now = 600;
    expect(cache.peek('k')).toBe('old');
    now = 1_000;
    expect(cache.peek('k')).toBeUndefined();
    release('new');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cache.peek('k')).toBe('new');
  });

  it('keeps no failure', async () => {
    const { cache } = setUp(1_000);
    await expect(cache.get('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 'up')).toBe('up');
  });

  it('with maxAgeMs 0 always computes', async () => {
    const { cache, compute, computed } = setUp(0);
    await cache.get('k', compute('a'));
    await cache.get('k', compute('a'));
    expect(computed()).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('stays within its entry and size budgets, oldest out first', async () => {
    const { cache, compute } = setUp(60_000, { maxEntries: 3, maxSize: 1_000 });
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, compute(key));
    expect(cache.size).toBe(3);
    const big = setUp(60_000, { maxSize: 10 });
    await big.cache.get('x', async () => '123456');
    await big.cache.get('y', async () => '123456');
    expect(big.cache.size).toBe(1);
    expect(await big.cache.get('y', async () => 'other')).toBe('123456');
  });
});
