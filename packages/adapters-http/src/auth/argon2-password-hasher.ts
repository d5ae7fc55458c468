import { availableParallelism } from 'node:os';
import { type PasswordHasher, WorkLimit } from '@exam-reservation/application';
import { hash, type Options, verify } from '@node-rs/argon2';

/**
 * Argon2id password hashes (PHC strings, parameters stored in each hash).
 * The defaults are OWASP's minimum: 19 MiB, 2 passes, 1 lane.
 *
 * Each hash or check holds its memory cost (19 MiB) outside the JavaScript
 * heap for as long as it runs, on libuv's thread pool (4 threads). A burst
 * of logins would run four at once, taking 76 MiB and every pool thread;
 * they are CPU-bound, so more at once than there are cores only adds
 * memory and waiting. So at most `concurrency` run at once (default: one
 * fewer than the cores, at least 1 and at most 2, so that hashing never
 * takes the core the event loop needs to read, and shed, a crowd of
 * requests); the rest wait their turn in order. The API
 * puts a QueuedPasswordHasher of the same concurrency in front, which bounds
 * that wait.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly options: Options;
  private readonly limit: WorkLimit;
  /** Hashes and checks run at once. */
  readonly concurrency: number;

  constructor(
    options: { memoryCost?: number; timeCost?: number; parallelism?: number; concurrency?: number } = {},
  ) {
    this.options = {
      memoryCost: options.memoryCost ?? 19_456,
      timeCost: options.timeCost ?? 2,
      parallelism: options.parallelism ?? 1,
    };
    this.concurrency = options.concurrency ?? Math.max(1, Math.min(2, availableParallelism() - 1));
    this.limit = new WorkLimit(this.concurrency);
  }

  hash(password: string): Promise<string> {
    return this.limit.run(() => hash(password, this.options));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.limit.run(() => verify(passwordHash, password));
  }
}
