import type { Outcome } from './action.js';

export type { Outcome } from './action.js';

interface Waiting<I, O> {
  readonly input: I;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

/** Settings of {@link NaturalBatch}. */
export interface NaturalBatchOptions {
  /** The most calls one batch takes. */
  readonly maxBatch: number;
  /**
   * When idle, start the first batch at the end of the current event-loop
   * turn (`setImmediate`) instead of at once, so calls made in the same turn
   * share it: requests read from the network together, say, are parsed in
   * one turn. Costs no timer delay, only the rest of the turn.
   */
  readonly gatherTurn?: boolean;
}

/**
 * Natural batching: the first call runs at once (or at the end of the
 * event-loop turn, with `gatherTurn`); calls that arrive while a batch is
 * running wait and then run together as the next batch (at most `maxBatch`
 * of them). An idle system adds no delay; a busy one does the per-batch work
 * (a transaction, a WAL flush) once for many calls.
 */
export class NaturalBatch<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private running = false;
  private readonly maxBatch: number;
  private readonly gatherTurn: boolean;

  constructor(
    private readonly handle: (inputs: readonly I[]) => Promise<Outcome<O>[]>,
    options: NaturalBatchOptions,
  ) {
    if (!Number.isSafeInteger(options.maxBatch) || options.maxBatch < 1) {
      throw new RangeError('maxBatch must be a positive integer');
    }
    this.maxBatch = options.maxBatch;
    this.gatherTurn = options.gatherTurn ?? false;
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.running) return;
      this.running = true;
      if (this.gatherTurn) setImmediate(() => void this.drain());
      else void this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          const outcomes = await this.handle(batch.map((w) => w.input));
          batch.forEach((w, i) => {
            const outcome = outcomes[i];
            if (outcome && 'ok' in outcome) w.resolve(outcome.ok);
            else w.reject(outcome ? outcome.error : new Error('batch handler gave no outcome'));
          });
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
