import { ConflictError, ForbiddenError, ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../fakes/clocks.js';
import { FakePasswordHasher } from '../fakes/fake-auth.js';
import { InMemoryLoginAttempts } from '../fakes/in-memory-login-attempts.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { rejectionOf } from '../testing/fixtures.js';
import { RegisterUser } from './register-user.js';

const NOW = Date.parse('2026-12-01T00:00:00Z');

function setUp() {
  const uow = new InMemoryStore();
  const passwordHasher = new FakePasswordHasher();
  return {
    uow,
    passwordHasher,
    register: new RegisterUser({
      uow,
      clock: new FixedClock(NOW),
      passwordHasher,
      loginAttempts: new InMemoryLoginAttempts(),
    }),
  };
}

describe('RegisterUser', () => {
  it('creates a user account with a normalized e-mail, the name as sent and a hashed password', async () => {
    const { uow, passwordHasher, register } = setUp();
    const user = await register.execute({
      email: ' Bob@Example.COM',
      password: 'long enough',
      userName: ' Bob ',
      address: 'a',
    });
    expect(user).toEqual({
      id: expect.any(Number),
      email: 'bob@example.com',
      userName: ' Bob ',
      role: 'user',
      createdAt: NOW,
    });
    const stored = await uow.read((s) => s.users.findByEmail('bob@example.com'));
    expect(stored?.passwordHash).not.toBe('long enough');
    expect(await passwordHasher.verify(stored!.passwordHash, 'long enough')).toBe(true);
  });

  it('registering as admin is forbidden and creates nothing', async () => {
    const { uow, register } = setUp();
    const error = await rejectionOf(
      register.execute({
        email: 'eve@example.com',
        password: 'long enough',
        userName: 'Eve',
        role: 'admin',
        address: 'a',
      }),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(await uow.read((s) => s.users.findByEmail('eve@example.com'))).toBeNull();
  });

  it('an e-mail already registered, in any case, is a conflict', async () => {
    const { register } = setUp();
    await register.execute({
      email: 'bob@example.com',
      password: 'long enough',
      userName: 'Bob',
      address: 'a',
    });
    expect(
      await rejectionOf(
        register.execute({ email: 'BOB@example.com', password: 'other pass', userName: 'B', address: 'a' }),
      ),
    ).toBeInstanceOf(ConflictError);
  });

  it('a short password is a validation error', async () => {
    const { register } = setUp();
    expect(
      await rejectionOf(
        register.execute({ email: 'bob@example.com', password: 'short', userName: 'Bob', address: 'a' }),
      ),
    ).toBeInstanceOf(ValidationError);
  });
});
