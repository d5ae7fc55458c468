import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakePasswordHasher } from '../fakes/fake-auth.js';
import { OverloadedError } from '../ports/password-hasher.js';
import { QueuedPasswordHasher } from './queued-password-hasher.js';
import { SheddingQueue } from './shedding-queue.js';

/** A fake hasher whose every hash waits until the test lets it finish, and which counts what it hashed. */
class GatedHasher extends FakePasswordHasher {
  readonly hashed: string[] = [];
  private readonly gates: (() => void)[] = [];

  override async hash(password: string): Promise<string> {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    this.hashed.push(password);
    return super.hash(password);
  }

  get running(): number {
    return this.gates.length;
  }

  /** Lets the oldest running hash finish. */
  finishOne(): void {
    this.gates.shift()?.();
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A queue on a clock the test moves, with a hasher whose hashes take as long as the test says. */
function setUp(options: { concurrency: number; maxWaitMs: number; initialDurationMs: number }) {
  let now = 0;
  const inner = new GatedHasher();
  const hasher = new QueuedPasswordHasher(inner, { ...options, now: () => now });
  return {
    inner,
    hasher,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function overloaded(promise: Promise<unknown>): Promise<OverloadedError> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(OverloadedError);
      return error as OverloadedError;
    },
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SheddingQueue', () => {
  it('queues work whose expected wait (average duration × place / concurrency) fits, and refuses the first that does not, with that wait as Retry-After', async () => {
    const { inner, hasher } = setUp({ concurrency: 2, maxWaitMs: 2000, initialDurationMs: 1000 });
    const running = [hasher.hash('a'), hasher.hash('b')];
    // Places 1–4 are expected to wait 500, 1000, 1500 and 2000 ms: within 2000.
    const queued = ['c', 'd', 'e', 'f'].map((p) => hasher.hash(p));
    await settle();
    expect(inner.running).toBe(2);
    expect(hasher.queue.load).toEqual({ active: 2, waiting: 4 });
    // Place 5 would wait 2500 ms: refused at once, and told to come back in 3 s.
    const refusal = await overloaded(hasher.hash('g'));
    expect(refusal.retryAfterSeconds).toBe(3);
    expect(hasher.queue.load.waiting).toBe(4);

    for (let i = 0; i < 6; i++) {
      inner.finishOne();
      await settle();
    }
    await Promise.all([...running, ...queued]);
    expect(inner.hashed).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('estimates from the durations it measured: after fast hashes it takes more in, and the Retry-After shrinks', async () => {
    const { inner, hasher, advance } = setUp({ concurrency: 1, maxWaitMs: 1000, initialDurationMs: 1000 });
    // Thirty hashes of 100 ms each pull the average from 1000 ms to about 100 ms.
    for (let i = 0; i < 30; i++) {
      const done = hasher.hash(`warm-${i}`);
      await settle();
      advance(100);
      inner.finishOne();
      await done;
    }
    expect(hasher.queue.expectedWaitMs(1)).toBeGreaterThan(100);
    expect(hasher.queue.expectedWaitMs(1)).toBeLessThan(102);
    const first = hasher.hash('running');
    // One running and nine waiting are expected to wait at most ~1000 ms.
    const queued = Array.from({ length: 9 }, (_, i) => hasher.hash(`queued-${i}`));
    await settle();
    expect(hasher.queue.load).toEqual({ active: 1, waiting: 9 });
    const refusal = await overloaded(hasher.hash('one too many'));
    expect(refusal.retryAfterSeconds).toBe(2); // ~1010 ms, rounded up
    for (let i = 0; i < 10; i++) {
      inner.finishOne();
      await settle();
    }
    await Promise.all([first, ...queued]);
  });

  it('drops waiting work whose signal aborts, without hashing it, and gives its turn to the next', async () => {
    const { inner, hasher } = setUp({ concurrency: 1, maxWaitMs: 10_000, initialDurationMs: 10 });
    const running = hasher.hash('running');
    const client = new AbortController();
    const gone = hasher.hash('gone', { signal: client.signal });
    const next = hasher.hash('next');
    await settle();
    client.abort(new Error('client went away'));
    await expect(gone).rejects.toThrow('client went away');
    expect(hasher.queue.load).toEqual({ active: 1, waiting: 1 });

    inner.finishOne();
    await settle();
    inner.finishOne();
    await Promise.all([running, next]);
    expect(inner.hashed).toEqual(['running', 'next']);
    // Already aborted: refused before queueing.
    await expect(hasher.verify('x', 'y', { signal: client.signal })).rejects.toThrow('client went away');
    expect(hasher.queue.load).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses work still waiting at the longest wait (the estimate was too low) with the wait still ahead of it', async () => {
    vi.useFakeTimers();
    const { inner, hasher, advance } = setUp({ concurrency: 1, maxWaitMs: 2000, initialDurationMs: 100 });
    const running = hasher.hash('slow');
    const waiting = [hasher.hash('w1'), hasher.hash('w2')];
    const refusals = waiting.map((w) => overloaded(w));
    await vi.advanceTimersByTimeAsync(1999);
    expect(hasher.queue.load.waiting).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    const [first, second] = await Promise.all(refusals);
    expect(first!.retryAfterSeconds).toBe(1);
    expect(second!.retryAfterSeconds).toBe(1);
    expect(hasher.queue.load).toEqual({ active: 1, waiting: 0 });
    advance(2000);
    inner.finishOne();
    await running;
    expect(inner.hashed).toEqual(['slow']);
  });

  it('runs at most `concurrency` at once and never waits when there is room', async () => {
    const queue = new SheddingQueue({ concurrency: 3, maxWaitMs: 0 });
    let active = 0;
    let most = 0;
    const work = async () => {
      active++;
      most = Math.max(most, active);
      await settle();
      active--;
    };
    await Promise.all([queue.run(work), queue.run(work), queue.run(work)]);
    expect(most).toBe(3);
    // With no wait allowed, a fourth at once is refused rather than queued.
    const four = [queue.run(work), queue.run(work), queue.run(work), queue.run(work)];
    const outcomes = await Promise.allSettled(four);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
  });
});
