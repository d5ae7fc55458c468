import { describe, expect, it } from 'vitest';
import { NaturalBatch, type Outcome } from './natural-batch.js';

/** A batch handler that records each batch and answers after a macrotask, like a database. */
function recording() {
  const batches: number[][] = [];
  const handle = async (inputs: readonly number[]): Promise<Outcome<number>[]> => {
    batches.push([...inputs]);
    await new Promise((resolve) => setTimeout(resolve, 1));
    return inputs.map((n) => (n < 0 ? { error: new RangeError(String(n)) } : { ok: n * 10 }));
  };
  return { batches, handle };
}

describe('NaturalBatch', () => {
  it('runs the first call alone at once, and the calls made meanwhile together next', async () => {
    const { batches, handle } = recording();
    const batch = new NaturalBatch(handle, { maxBatch: 10 });
    const first = batch.submit(1);
    expect(batches).toEqual([[1]]); // started synchronously
    const rest = [2, 3, 4].map((n) => batch.submit(n));
    await expect(Promise.all([first, ...rest])).resolves.toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('with gatherTurn, puts every call of the same event-loop turn into the first batch', async () => {
    const { batches, handle } = recording();
    const batch = new NaturalBatch(handle, { maxBatch: 10, gatherTurn: true });
    const calls = [1, 2, 3].map((n) => batch.submit(n));
    await Promise.resolve(); // microtasks of the same turn may still join
    calls.push(batch.submit(4));
    expect(batches).toEqual([]);
    await expect(Promise.all(calls)).resolves.toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
    // Idle again: the next turn's calls get a batch of their own.
    await expect(batch.submit(5)).resolves.toBe(50);
    expect(batches).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('splits at maxBatch, and answers each call with its own outcome', async () => {
    const { batches, handle } = recording();
    const batch = new NaturalBatch(handle, { maxBatch: 2, gatherTurn: true });
    const results = await Promise.allSettled([1, -2, 3, 4, 5].map((n) => batch.submit(n)));
    expect(batches).toEqual([[1, -2], [3, 4], [5]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      '-2',
      30,
      40,
      50,
    ]);
  });

  it('fails every call of a batch whose handler throws, and keeps serving', async () => {
    let fail = true;
    const batch = new NaturalBatch<number, number>(
      async (inputs) => {
        if (fail) throw new Error('connection lost');
        return inputs.map((n) => ({ ok: n }));
      },
      { maxBatch: 5, gatherTurn: true },
    );
    const failed = await Promise.allSettled([1, 2].map((n) => batch.submit(n)));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batch.submit(3)).resolves.toBe(3);
  });

  it('refuses a maxBatch below 1', () => {
    expect(() => new NaturalBatch(async () => [], { maxBatch: 0 })).toThrow(RangeError);
  });
});
