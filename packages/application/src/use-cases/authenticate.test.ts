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
});
