interface Waiting<I, O> {
  readonly input: I;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

/** What a batch handler says for each input, in input order. */
export type Outcome<O> = { readonly ok: O } | { readonly error: unknown };

/**
 * Natural batching: the first call runs at once; calls that arrive while a
 * batch is running wait and then run together as the next batch (at most
 * `maxBatch` of them). An idle system adds no delay; a busy one does the
 * per-batch work (a transaction, a WAL flush) once for many calls.
 */
export class NaturalBatch<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private running = false;

  constructor(
    private readonly handle: (inputs: readonly I[]) => Promise<Outcome<O>[]>,
    private readonly maxBatch: number,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
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
