import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ active: 0, most: 0 }));

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls.active++;
      calls.most = Math.max(calls.most, calls.active);
      try {
        return await fn(...args);
      } finally {
        calls.active--;
      }
    };
  return { ...real, hash: counted(real.hash), verify: counted(real.verify) };
});

const { Argon2PasswordHasher } = await import('./argon2-password-hasher.js');

describe('Argon2PasswordHasher under a burst', () => {
  it('runs at most `concurrency` hashes and checks at once, and answers every one', async () => {
    const hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, concurrency: 2 });
    const hashes = await Promise.all(Array.from({ length: 6 }, (_, i) => hasher.hash(`password ${i}`)));
    const checks = await Promise.all(hashes.map((h, i) => hasher.verify(h, `password ${i}`)));
    expect(checks).toEqual(Array(6).fill(true));
    expect(calls.most).toBe(2);

    calls.most = 0;
    const unlimited = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, concurrency: 6 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => unlimited.hash(`password ${i}`)));
    expect(calls.most).toBe(6); // the counter itself sees overlap when it is allowed
  });
});
