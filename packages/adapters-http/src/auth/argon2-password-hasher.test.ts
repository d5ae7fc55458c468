import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from './argon2-password-hasher.js';

describe('Argon2PasswordHasher', () => {
  it('hashes with argon2id, salted, and verifies only the right password', async () => {
    const hasher = new Argon2PasswordHasher();
    const first = await hasher.hash('correct horse battery');
    const second = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toBe(second);
    await expect(hasher.verify(first, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(first, 'correct horse batterY')).resolves.toBe(false);
  });
});
