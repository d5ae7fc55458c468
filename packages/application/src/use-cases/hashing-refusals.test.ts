import {
  ConflictError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../fakes/clocks.js';
import { FakePasswordHasher, FakeTokenIssuer } from '../fakes/fake-auth.js';
import { InMemoryLoginAttempts } from '../fakes/in-memory-login-attempts.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { type HashOptions, OverloadedError } from '../ports/password-hasher.js';
import { rejectionOf } from '../testing/fixtures.js';
import { LogIn } from './log-in.js';
import { RegisterUser } from './register-user.js';

/** A fake hasher that can be told to refuse its next pieces of work, as a full queue does. */
class RefusingHasher extends FakePasswordHasher {
  refuse = 0;
  hashed = 0;

  override async hash(password: string, options?: HashOptions): Promise<string> {
    options?.signal?.throwIfAborted();
    if (this.refuse > 0) {
      this.refuse--;
      throw new OverloadedError(4);
    }
    this.hashed++;
    return super.hash(password);
  }

  override async verify(hash: string, password: string, options?: HashOptions): Promise<boolean> {
    return hash === (await this.hash(password, options));
  }
}

function setUp() {
  const uow = new InMemoryStore();
  const clock = new FixedClock(Date.parse('2026-12-01T00:00:00Z'));
  const passwordHasher = new RefusingHasher();
  const loginAttempts = new InMemoryLoginAttempts();
  const register = new RegisterUser({
    uow,
    clock,
    passwordHasher,
    loginAttempts,
    perAddress: { max: 3, windowMs: 3_600_000 },
  });
  const account = (n: number | string, address = '192.0.2.1') => ({
    email: `user-${n}@example.com`,
    password: 'long enough',
    userName: `User ${n}`,
    address,
  });
  return { uow, clock, passwordHasher, loginAttempts, register, account };
}

describe('RegisterUser per-address limit', () => {
  it('creates at most `max` accounts per address in the window, then refuses with the seconds until the oldest leaves it; other addresses are not affected', async () => {
    const { uow, clock, register, account } = setUp();
    for (const n of [1, 2]) await register.execute(account(n));
    clock.advance(600_000);
    await register.execute(account(3));
    const refused = await rejectionOf(register.execute(account(4)));
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(3000);
    // Every one of them succeeded: the refusal names the limit, not failed attempts.
    expect((refused as RateLimitedError).message).toBe(
      'too many accounts registered from this address, try again later',
    );
    expect(await uow.read((s) => s.users.findByEmail('user-4@example.com'))).toBeNull();
    await register.execute(account('elsewhere', '198.51.100.7'));
    // Once the first two leave the window, two more fit.
    clock.advance(3_000_000);
    for (const n of [5, 6]) await register.execute(account(n));
    expect(await rejectionOf(register.execute(account(7)))).toBeInstanceOf(RateLimitedError);
  });

  it('counts an e-mail already taken (it was hashed, and it tells the e-mail is registered), not invalid input', async () => {
    const { register, account } = setUp();
    await register.execute(account(1));
    expect(await rejectionOf(register.execute(account(1)))).toBeInstanceOf(ConflictError);
    for (let i = 0; i < 5; i++) {
      const invalid = { ...account(`bad-${i}`), password: 'short' };
      expect(await rejectionOf(register.execute(invalid))).toBeInstanceOf(ValidationError);
    }
    await register.execute(account(2));
    expect(await rejectionOf(register.execute(account(3)))).toBeInstanceOf(RateLimitedError);
  });

  it('takes back a registration refused by the hashing queue or abandoned by its client: it created nothing and costs the address nothing', async () => {
    const { uow, passwordHasher, register, account } = setUp();
    passwordHasher.refuse = 5;
    for (let i = 0; i < 5; i++) {
      expect(await rejectionOf(register.execute(account(i)))).toBeInstanceOf(OverloadedError);
    }
    const client = new AbortController();
    client.abort(new Error('client gone'));
    for (let i = 0; i < 5; i++) {
      const gone = register.execute({ ...account(`gone-${i}`), signal: client.signal });
      expect(await rejectionOf(gone)).toMatchObject({ message: 'client gone' });
    }
    expect(passwordHasher.hashed).toBe(0);
    expect(await uow.read((s) => s.users.findByEmail('user-0@example.com'))).toBeNull();
    for (const n of [1, 2, 3]) await register.execute(account(n));
    expect(await rejectionOf(register.execute(account(4)))).toBeInstanceOf(RateLimitedError);
  });
});

describe('LogIn when the hasher refuses', () => {
  it('answers OverloadedError and does not count the attempt: more refusals than the limit allows still leave the owner in, and wrong passwords still counted afterwards', async () => {
    const { uow, clock, passwordHasher, loginAttempts, register, account } = setUp();
    await register.execute(account('owner'));
    const perLimit = { maxFailures: 3, windowMs: 900_000 };
    const logIn = new LogIn({
      uow,
      clock,
      passwordHasher,
      tokenIssuer: new FakeTokenIssuer(),
      loginAttempts,
      throttle: { perAccountAndAddress: perLimit, perAddress: perLimit, perAccount: perLimit },
    });
    const attempt = (password: string, email = 'user-owner@example.com') =>
      logIn.execute({ email, password, address: '203.0.113.9' });
    passwordHasher.refuse = 10;
    for (let i = 0; i < 10; i++) {
      expect(await rejectionOf(attempt('wrong password'))).toBeInstanceOf(OverloadedError);
    }
    expect((await attempt('long enough')).accessToken).toMatch(/^token-/);
    // An unknown e-mail whose throwaway hash was refused once gets it made on the next try.
    passwordHasher.refuse = 1;
    expect(await rejectionOf(attempt('x', 'nobody@example.com'))).toBeInstanceOf(OverloadedError);
    expect(await rejectionOf(attempt('x', 'nobody@example.com'))).toBeInstanceOf(UnauthorizedError);
    for (let i = 0; i < 2; i++) {
      expect(await rejectionOf(attempt('wrong'))).toBeInstanceOf(UnauthorizedError);
    }
    expect(await rejectionOf(attempt('wrong'))).toBeInstanceOf(RateLimitedError);
  });
});
