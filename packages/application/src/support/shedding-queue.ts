import { OverloadedError } from '../ports/password-hasher.js';

export interface SheddingQueueOptions {
  /** Pieces of work run at once. */
  readonly concurrency: number;
  /** The longest a piece of work may wait for its turn; 0 runs only what can start at once. */
  readonly maxWaitMs: number;
  /** What one piece is assumed to take until one has been measured. */
  readonly initialDurationMs?: number;
  /** Milliseconds on a monotonic clock (tests pass their own). */
  readonly now?: () => number;
}

interface Waiting {
  start(): void;
}

/** Weight of the newest duration in the moving average: recent load counts, one outlier does not. */
const SMOOTHING = 0.2;

/**
 * At most `concurrency` pieces of work at once; the rest wait in order, but
 * not longer than `maxWaitMs`. A newcomer whose expected wait (the moving
 * average of recent durations × its place in the queue / concurrency) is
 * longer is refused at once with {@link OverloadedError}; one still waiting
 * at `maxWaitMs` (the estimate was wrong) is refused then. Either way the
 * refusal says how long the wait would have been. Work whose signal aborts
 * while it waits is dropped without running; work already running finishes.
 */
export class SheddingQueue {
  private active = 0;
  private readonly waiting: Waiting[] = [];
  private averageMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SheddingQueueOptions) {
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError('the concurrency must be a positive integer');
    if (!(options.maxWaitMs >= 0)) throw new RangeError('the longest wait must be 0 or more');
    this.averageMs = options.initialDurationMs ?? 50;
    this.now = options.now ?? (() => performance.now());
  }

  /** Work running and waiting now. */
  get load(): { readonly active: number; readonly waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /** Pieces of work run at once. */
  get concurrency(): number {
    return this.options.concurrency;
  }

  /**
   * What work would be told now if `ahead` pieces of work (running or
   * waiting) were before it: `undefined` when it may wait its turn, else the
   * refusal {@link run} would throw. A caller that knows of work on its way
   * to the queue (requests whose bodies are still being read) counts it in
   * `ahead`, so it can refuse before doing any of that work.
   */
  refusalBehind(ahead: number): OverloadedError | undefined {
    const expected = this.expectedWaitMs(ahead - this.options.concurrency + 1);
    return expected > this.options.maxWaitMs ? new OverloadedError(retryAfterSeconds(expected)) : undefined;
  }

  /** How long work that is `place`-th in the queue is expected to wait for its turn. */
  expectedWaitMs(place: number): number {
    return place <= 0 ? 0 : (this.averageMs * place) / this.options.concurrency;
  }

  /** @throws OverloadedError | the signal's reason, without running `work` */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.active < this.options.concurrency && this.waiting.length === 0) {
      this.active++;
    } else {
      const expected = this.expectedWaitMs(this.waiting.length + 1);
      if (expected > this.options.maxWaitMs) throw new OverloadedError(retryAfterSeconds(expected));
      await this.turn(signal);
    }
    const started = this.now();
    try {
      return await work();
    } finally {
      this.averageMs += SMOOTHING * (this.now() - started - this.averageMs);
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `active` stays put.
      if (next) next.start();
      else this.active--;
    }
  }

  /** Resolves when it is this work's turn; rejects when it waited too long or its signal aborted. */
  private turn(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const leave = (reason: unknown) => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(reason);
      };
      const onAbort = () => leave(signal?.reason);
      const entry: Waiting = {
        start: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        // Its place once it leaves: the work still ahead of where it stood.
        const place = this.waiting.indexOf(entry) + 1;
        leave(new OverloadedError(retryAfterSeconds(this.expectedWaitMs(place))));
      }, this.options.maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }
}

function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
