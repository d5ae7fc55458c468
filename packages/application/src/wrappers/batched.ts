import { type Outcome, settledValue } from './action.js';
import { NaturalBatch } from './natural-batch.js';

/** Runs a list of inputs together, with one outcome per input, in order. */
export type RunAll<I, O> = (inputs: readonly I[]) => Promise<Outcome<O>[]>;

/**
 * Natural batching (see {@link NaturalBatch}): calls that arrive while a
 * batch runs wait and then run together, so a busy service does its
 * per-batch work (a transaction, a WAL flush) once for many calls. With
 * `maxBatch` 1 each call runs on its own, at once, beside the others.
 * @param observe told the size of every batch run
 */
export function batched<I, O>(
  run: RunAll<I, O>,
  options: { readonly maxBatch: number; readonly observe?: ((size: number) => void) | undefined },
): (input: I) => Promise<O> {
  const { maxBatch, observe } = options;
  if (maxBatch <= 1) {
    return async (input) => {
      observe?.(1);
      return settledValue((await run([input]))[0]!);
    };
  }
  const batch = new NaturalBatch<I, O>(
    (inputs) => {
      observe?.(inputs.length);
      return run(inputs);
    },
    { maxBatch },
  );
  return (input) => batch.submit(input);
}
