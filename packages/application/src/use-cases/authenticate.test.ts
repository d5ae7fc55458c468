import { UnauthorizedError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { FakeTokenIssuer } from '../fakes/fake-auth.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { rejectionOf } from '../testing/fixtures.js';
import { Authenticate } from './authenticate.js';

describe('Authenticate', () => {
  it('reads the role from the store, not from the token: a promotion or demotion applies at once', async () => {
    const uow = new InMemoryStore();
    const tokenIssuer = new FakeTokenIssuer();
    const user = await uow.run((s) =>
      s.users.insert({
        email: 'a@example.com',
        userName: 'A',
        passwordHash: 'h',
        role: 'user',
        createdAt: 0,
      }),
    );
    const { accessToken } = await tokenIssuer.issue({ userId: user.id, role: 'user' });
    const authenticate = new Authenticate({ uow, tokenIssuer });
    expect((await authenticate.execute(accessToken)).actor).toEqual({ userId: user.id, role: 'user' });
    await uow.run((s) => s.users.setRole(user.id, 'admin'));
    expect((await authenticate.execute(accessToken)).actor).toEqual({ userId: user.id, role: 'admin' });
    await uow.run((s) => s.users.setRole(user.id, 'user'));
    expect((await authenticate.execute(accessToken)).user.role).toBe('user');
  });

  it('refuses a forged token and a token of an account that does not exist', async () => {
    const uow = new InMemoryStore();
    const tokenIssuer = new FakeTokenIssuer();
    const authenticate = new Authenticate({ uow, tokenIssuer });
    expect(await rejectionOf(authenticate.execute('forged'))).toBeInstanceOf(UnauthorizedError);
    expect(await rejectionOf(authenticate.execute('token-404'))).toBeInstanceOf(UnauthorizedError);
  });

  it('signedIn checks the token always and the account once: no lookup once it is known to exist', async () => {
    const inner = new InMemoryStore();
    let reads = 0;
    const uow = {
      run: inner.run.bind(inner),
      read: <T>(work: Parameters<InMemoryStore['read']>[0]) => {
        reads++;
        return inner.read(work) as Promise<T>;
      },
    } as InMemoryStore;
    const tokenIssuer = new FakeTokenIssuer();
    const user = await inner.run((s) =>
      s.users.insert({
        email: 'b@example.com',
        userName: 'B',
        passwordHash: 'h',
        role: 'user',
        createdAt: 0,
      }),
    );
    const { accessToken } = await tokenIssuer.issue({ userId: user.id, role: 'user' });
    const authenticate = new Authenticate({ uow, tokenIssuer });
    expect(await authenticate.signedIn(accessToken)).toBe(user.id);
    expect(await authenticate.signedIn(accessToken)).toBe(user.id);
    expect(reads).toBe(1);
    // The token itself is still checked every time, and an unknown account is still refused.
    expect(await rejectionOf(authenticate.signedIn('forged'))).toBeInstanceOf(UnauthorizedError);
    expect(await rejectionOf(authenticate.signedIn('token-404'))).toBeInstanceOf(UnauthorizedError);
    expect(await rejectionOf(authenticate.signedIn('token-404'))).toBeInstanceOf(UnauthorizedError);
  });
});
