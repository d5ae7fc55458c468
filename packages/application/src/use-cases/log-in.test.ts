import { RateLimitedError, UnauthorizedError } from '@exam-reservation/domain';
import { describe, expect, it, vi } from 'vitest';
import { FixedClock } from '../fakes/clocks.js';
import { FakePasswordHasher, FakeTokenIssuer } from '../fakes/fake-auth.js';
import { InMemoryLoginAttempts } from '../fakes/in-memory-login-attempts.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { rejectionOf } from '../testing/fixtures.js';
import { LogIn } from './log-in.js';
import { RegisterUser } from './register-user.js';

async function setUp() {
  const uow = new InMemoryStore();
  const clock = new FixedClock(Date.parse('2026-12-01T00:00:00Z'));
  const passwordHasher = new FakePasswordHasher();
  const tokenIssuer = new FakeTokenIssuer();
  const loginAttempts = new InMemoryLoginAttempts();
  const limit = { maxFailures: 3, windowMs: 60_000 };
  const throttle = {
    perAccountAndAddress: limit,
    perAddress: { maxFailures: 10, windowMs: 60_000 },
    perAccount: { maxFailures: 6, windowMs: 60_000 },
  };
  const user = await new RegisterUser({ uow, clock, passwordHasher, loginAttempts }).execute({
    email: 'Alice@Example.com',
    password: 'correct horse',
    userName: 'Alice',
    address: 'registered from',
  });
  const deps = { uow, clock, passwordHasher, tokenIssuer, loginAttempts, throttle };
  return { clock, tokenIssuer, user, logIn: new LogIn(deps), deps };
}

describe('LogIn', () => {
  it('issues a token for the right password, whatever the e-mail case', async () => {
    const { logIn, tokenIssuer, user } = await setUp();
    const token = await logIn.execute({
      email: ' ALICE@example.com ',
      password: 'correct horse',
      address: 'a',
    });
    expect((await tokenIssuer.verify(token.accessToken)).userId).toBe(user.id);
  });

  it('gives the same answer for an unknown e-mail and a wrong password', async () => {
    const { logIn } = await setUp();
    const unknown = await rejectionOf(
      logIn.execute({ email: 'nobody@example.com', password: 'x', address: 'a' }),
    );
    const wrong = await rejectionOf(
      logIn.execute({ email: 'alice@example.com', password: 'x', address: 'b' }),
    );
    expect(unknown).toBeInstanceOf(UnauthorizedError);
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect((unknown as Error).message).toBe((wrong as Error).message);
  });

  it('rate-limits an account after repeated failures, even with the right password, until the window passes', async () => {
    const { logIn, clock } = await setUp();
    for (let i = 0; i < 6; i++) {
      await rejectionOf(logIn.execute({ email: 'alice@example.com', password: 'wrong', address: `ip-${i}` }));
    }
    const limited = await rejectionOf(
      logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'fresh-ip' }),
    );
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    clock.advance(60_001);
    await expect(
      logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'fresh-ip' }),
    ).resolves.toMatchObject({ expiresIn: expect.any(Number) });
  });

  it('limits an account from one address first, leaving the owner its own address', async () => {
    const { logIn } = await setUp();
    for (let i = 0; i < 3; i++) {
      await rejectionOf(
        logIn.execute({ email: 'alice@example.com', password: 'wrong', address: 'stranger' }),
      );
    }
    const fromStranger = await rejectionOf(
      logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'stranger' }),
    );
    expect(fromStranger).toBeInstanceOf(RateLimitedError);
    await expect(
      logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'home' }),
    ).resolves.toMatchObject({ expiresIn: expect.any(Number) });
  });

  it('checks at most the limit of parallel wrong passwords; the rest are refused unchecked', async () => {
    const { logIn } = await setUp();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        rejectionOf(logIn.execute({ email: 'alice@example.com', password: 'wrong', address: 'burst' })),
      ),
    );
    expect(outcomes.filter((e) => e instanceof UnauthorizedError)).toHaveLength(3);
    expect(outcomes.filter((e) => e instanceof RateLimitedError)).toHaveLength(17);
  });

  it('lets every one of many right passwords sent at once in: those over the limit wait for the others', async () => {
    const { logIn, tokenIssuer, user } = await setUp();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () =>
        logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'home' }),
      ),
    );
    for (const token of tokens) expect((await tokenIssuer.verify(token.accessToken)).userId).toBe(user.id);
  });

  it('takes back attempts that end in a fault before a verdict: they do not count as failures', async () => {
    const { logIn, deps } = await setUp();
    const broken = new LogIn({
      ...deps,
      passwordHasher: {
        hash: async () => 'x',
        verify: async () => {
          throw new Error('hasher down');
        },
      },
    });
    for (let i = 0; i < 5; i++) {
      await expect(
        broken.execute({ email: 'alice@example.com', password: 'correct horse', address: 'home' }),
      ).rejects.toThrow('hasher down');
    }
    // The limit is 3 per account and address: five undecided attempts would hold it full.
    await expect(
      logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'home' }),
    ).resolves.toMatchObject({ expiresIn: expect.any(Number) });
  });

  it('holds at most 1,000 attempts of a process waiting; the next is refused at once with Retry-After: 1', async () => {
    vi.useFakeTimers();
    try {
      const { deps } = await setUp();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const one = { maxFailures: 1, windowMs: 60_000 };
      const logIn = new LogIn({
        ...deps,
        // The first check is held until the end, so every other attempt finds the limit full of it.
        passwordHasher: {
          hash: (password: string) => deps.passwordHasher.hash(password),
          verify: async (hash: string, password: string) => {
            await held;
            return deps.passwordHasher.verify(hash, password);
          },
        },
        throttle: {
          perAccountAndAddress: one,
          perAddress: { maxFailures: 10_000, windowMs: 60_000 },
          perAccount: one,
        },
      });
      const send = () =>
        logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'home' });
      const all = [send(), ...Array.from({ length: 1_000 }, send)];
      await vi.advanceTimersByTimeAsync(0);
      const refused = await rejectionOf(send());
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).retryAfterSeconds).toBe(1);
      release();
      await vi.advanceTimersByTimeAsync(60_000);
      const outcomes = await Promise.all(
        all.map((p) =>
          p.then(
            () => 'in',
            (e: unknown) => e,
          ),
        ),
      );
      expect(outcomes.filter((o) => o === 'in')).toHaveLength(1_001);
    } finally {
      vi.useRealTimers();
    }
  });

  it('right passwords sent together with wrong ones: the right get in while the limit allows', async () => {
    const { logIn } = await setUp();
    const send = (password: string) =>
      logIn.execute({ email: 'alice@example.com', password, address: 'home' }).then(
        () => 'in',
        (error: unknown) =>
          error instanceof UnauthorizedError
            ? 'wrong'
            : error instanceof RateLimitedError
              ? 'limited'
              : error,
      );
    // Two wrong first, then right ones: the limit of 3 keeps room for the right ones.
    const outcomes = await Promise.all([
      send('wrong'),
      send('wrong'),
      ...Array.from({ length: 6 }, () => send('correct horse')),
    ]);
    expect(outcomes.filter((o) => o === 'wrong')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'in')).toHaveLength(6);
  });

  it('a successful log-in is not counted as a failure, and forgets the failures from its address', async () => {
    const { logIn } = await setUp();
    const wrong = () =>
      rejectionOf(logIn.execute({ email: 'alice@example.com', password: 'wrong', address: 'home' }));
    for (let round = 0; round < 2; round++) {
      // Two failures from one address, then the right password: without forgetting, the
      // second round would reach the per-address-and-account limit of 3.
      for (let i = 0; i < 2; i++) expect(await wrong()).toBeInstanceOf(UnauthorizedError);
      await logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'home' });
    }
    // 4 failures so far on the account (limit 6): the two successes were not counted.
    expect(await wrong()).toBeInstanceOf(UnauthorizedError);
    expect(await wrong()).toBeInstanceOf(UnauthorizedError);
    expect(await wrong()).toBeInstanceOf(RateLimitedError);
  });

  it('rate-limits an address guessing across accounts', async () => {
    const { logIn } = await setUp();
    for (let i = 0; i < 10; i++) {
      await rejectionOf(
        logIn.execute({ email: `guess-${i}@example.com`, password: 'x', address: 'attacker' }),
      );
    }
    expect(
      await rejectionOf(
        logIn.execute({ email: 'alice@example.com', password: 'correct horse', address: 'attacker' }),
      ),
    ).toBeInstanceOf(RateLimitedError);
  });
});
