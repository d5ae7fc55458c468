import { describe, expect, it } from 'vitest';
import { pulledParts } from './pulled-parts.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** Drains a generator by hand, keeping what it returned. */
async function drained<T>(parts: AsyncGenerator<string, T>) {
  const got: string[] = [];
  for (;;) {
    const step = await parts.next();
    if (step.done) return { got, returned: step.value };
    got.push(step.value);
  }
}

describe('pulledParts', () => {
  it('gives the parts in the order they were handed over, taken at once or later, and then what the run resolved to', async () => {
    const parts = pulledParts(async (take) => {
      take('a');
      take('b');
      await tick();
      take('c');
      await tick();
      return 3;
    });
    expect(await drained(parts)).toEqual({ got: ['a', 'b', 'c'], returned: 3 });
  });

  it('throws what the run rejected with, after the parts handed over before it', async () => {
    const parts = pulledParts(async (take) => {
      take('a');
      await tick();
      throw new Error('the database went away');
    });
    expect((await parts.next()).value).toBe('a');
    await expect(parts.next()).rejects.toThrow('the database went away');
  });

  it('when the caller stops early, finishes only once the run has ended', async () => {
    let handed = 0;
    let ended = false;
    const parts = pulledParts(async (take) => {
      for (let i = 0; i < 5; i++) {
        take(`part ${i}`);
        handed++;
        await tick();
      }
      ended = true;
      return 'done';
    });
    expect((await parts.next()).value).toBe('part 0');
    await parts.return(undefined as never);
    expect(ended).toBe(true);
    expect(handed).toBe(5);
    expect((await parts.next()).done).toBe(true);
  });

  it('does not count a failure as unhandled when the caller stopped before it', async () => {
    const parts = pulledParts(async (take) => {
      take('a');
      await tick();
      throw new Error('late');
    });
    await parts.next();
    await expect(parts.return(undefined as never)).resolves.toEqual({ done: true, value: undefined });
  });
});
