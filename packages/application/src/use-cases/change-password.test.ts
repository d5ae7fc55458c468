import { RateLimitedError, UnauthorizedError, ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../fakes/clocks.js';
import { FakePasswordHasher } from '../fakes/fake-auth.js';
import { InMemoryLoginAttempts } from '../fakes/in-memory-login-attempts.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { type HashOptions, OverloadedError } from '../ports/password-hasher.js';
import { rejectionOf } from '../testing/fixtures.js';
import { ChangePassword } from './change-password.js';

/** A fake hasher that refuses its next `refuse` pieces of work, as a full queue does. */
class RefusingHasher extends FakePasswordHasher {
  refuse = 0;

  override async hash(password: string, options?: HashOptions): Promise<string> {
    options?.signal?.throwIfAborted();
    if (this.refuse > 0) {
      this.refuse--;
      throw new OverloadedError(3);
    }
    return super.hash(password);
  }

  override async verify(hash: string, password: string, options?: HashOptions): Promise<boolean> {
    return hash === (await this.hash(password, options));
  }
}

async function setUp() {
  const uow = new InMemoryStore();
  const clock = new FixedClock(Date.parse('2026-12-01T00:00:00Z'));
  const passwordHasher = new RefusingHasher();
  const loginAttempts = new InMemoryLoginAttempts();
  const user = await uow.run(async (s) =>
    s.users.insert({
      email: 'kim@example.com',
      userName: 'Kim',
      passwordHash: await passwordHasher.hash('password-1'),
      role: 'user',
      createdAt: 0,
    }),
  );
  const change = new ChangePassword({ uow, clock, passwordHasher, loginAttempts });
  const command = (currentPassword: string, newPassword = 'password-2', tokenVersion = 0) => ({
    actor: { userId: user.id, role: 'user' as const },
    user,
    tokenVersion,
    currentPassword,
    newPassword,
    address: '10.0.0.1',
  });
  const stored = () => uow.read((s) => s.users.findByEmail('kim@example.com'));
  return { uow, passwordHasher, change, command, stored };
}

describe('ChangePassword', () => {
  it('changes the hash and raises the token version', async () => {
    const { change, command, stored, passwordHasher } = await setUp();
    await change.execute(command('password-1'));
    expect(await stored()).toMatchObject({
      passwordHash: await passwordHasher.hash('password-2'),
      tokenVersion: 1,
    });
  });

  it('refuses a new password outside the registration rules before counting anything', async () => {
    const { change, command, stored } = await setUp();
    for (let i = 0; i < 10; i++) {
      const error = await rejectionOf(change.execute(command('password-1', 'short')));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual([
        { path: 'new_password', message: 'must be 8–128 characters' },
      ]);
    }
    // Ten refusals, none counted: the right current password still goes through.
    await change.execute(command('password-1'));
    expect(await stored()).toMatchObject({ tokenVersion: 1 });
  });

  it('counts a wrong current password as a failed log-in: the sixth attempt is rate-limited', async () => {
    const { change, command, stored } = await setUp();
    for (let i = 0; i < 5; i++)
      expect(await rejectionOf(change.execute(command(`wrong-${i}-xx`)))).toBeInstanceOf(UnauthorizedError);
    expect(await rejectionOf(change.execute(command('password-1')))).toBeInstanceOf(RateLimitedError);
    expect(await stored()).toMatchObject({ tokenVersion: 0 });
  });

  it('of several changes sent at once with one token, only the first is made; the others are 401', async () => {
    const { change, command, stored, passwordHasher } = await setUp();
    const settled = await Promise.allSettled(
      ['password-a', 'password-b', 'password-c'].map((next) => change.execute(command('password-1', next))),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of settled.filter((s) => s.status === 'rejected')) {
      expect(s.reason).toBeInstanceOf(UnauthorizedError);
    }
    const made = ['password-a', 'password-b', 'password-c'][
      settled.findIndex((s) => s.status === 'fulfilled')
    ]!;
    expect(await stored()).toMatchObject({ passwordHash: await passwordHasher.hash(made), tokenVersion: 1 });
    // The token (version 0) is stale now, even with the current password right.
    expect(await rejectionOf(change.execute(command(made, 'password-d')))).toBeInstanceOf(UnauthorizedError);
    await change.execute(command(made, 'password-d', 1));
    expect(await stored()).toMatchObject({ tokenVersion: 2 });
  });

  it('a refusal of the hashing queue (503) changes nothing and counts nothing', async () => {
    const { change, command, stored, passwordHasher } = await setUp();
    for (let i = 0; i < 10; i++) {
      passwordHasher.refuse = 1; // the check of the current password is shed
      expect(await rejectionOf(change.execute(command('password-1')))).toBeInstanceOf(OverloadedError);
    }
    // Shed after the current password was found right (the hash of the new one): nothing stored.
    const hash = passwordHasher.hash.bind(passwordHasher);
    let calls = 0;
    passwordHasher.hash = async (password, options) => {
      if (++calls === 2) throw new OverloadedError(3);
      return hash(password, options);
    };
    expect(await rejectionOf(change.execute(command('password-1')))).toBeInstanceOf(OverloadedError);
    expect(await stored()).toMatchObject({ tokenVersion: 0 });
    passwordHasher.hash = hash;
    await change.execute(command('password-1'));
    expect(await stored()).toMatchObject({ tokenVersion: 1 });
  });
});
