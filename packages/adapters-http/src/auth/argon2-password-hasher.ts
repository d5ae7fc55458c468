import type { PasswordHasher } from '@exam-reservation/application';
import { hash, type Options, verify } from '@node-rs/argon2';

/**
 * Argon2id password hashes (PHC strings, parameters stored in each hash).
 * The defaults are OWASP's minimum: 19 MiB, 2 passes, 1 lane.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly options: Options;

  constructor(options: { memoryCost?: number; timeCost?: number; parallelism?: number } = {}) {
    this.options = {
      memoryCost: options.memoryCost ?? 19_456,
      timeCost: options.timeCost ?? 2,
      parallelism: options.parallelism ?? 1,
    };
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password);
  }
}
