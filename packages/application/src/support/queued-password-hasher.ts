import type { HashOptions, PasswordHasher } from '../ports/password-hasher.js';
import { SheddingQueue, type SheddingQueueOptions } from './shedding-queue.js';

/**
 * A password hasher whose hashes and checks wait their turn in one
 * {@link SheddingQueue}: a crowd of registrations cannot make a log-in wait
 * longer than the queue allows, and work for clients that left is dropped.
 */
export class QueuedPasswordHasher implements PasswordHasher {
  readonly queue: SheddingQueue;

  constructor(
    private readonly inner: PasswordHasher,
    options: SheddingQueueOptions,
  ) {
    this.queue = new SheddingQueue(options);
  }

  hash(password: string, options?: HashOptions): Promise<string> {
    return this.queue.run(() => this.inner.hash(password), options?.signal);
  }

  verify(hash: string, password: string, options?: HashOptions): Promise<boolean> {
    return this.queue.run(() => this.inner.verify(hash, password), options?.signal);
  }
}
