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

  it('refuses, on execute and on signedIn, a token issued before a password change, even once seen', async () => {
    const uow = new InMemoryStore();
    const tokenIssuer = new FakeTokenIssuer();
    const user = await uow.run((s) =>
      s.users.insert({
        email: 'b@example.com',
        userName: 'B',
        passwordHash: 'h',
        role: 'user',
        createdAt: 0,
      }),
    );
    const { accessToken: old } = await tokenIssuer.issue({ userId: user.id, role: 'user' });
    const authenticate = new Authenticate({ uow, tokenIssuer });
    // Seen and accepted first, on both paths.
    expect(await authenticate.signedIn(old)).toBe(user.id);
    expect((await authenticate.execute(old)).user.id).toBe(user.id);
    const version = await uow.run((s) => s.users.changePassword(user.id, 'h2', 0));
    expect(version).toBe(1);
    expect(await rejectionOf(authenticate.signedIn(old))).toBeInstanceOf(UnauthorizedError);
    expect(await rejectionOf(authenticate.execute(old))).toBeInstanceOf(UnauthorizedError);
    const { accessToken: fresh } = await tokenIssuer.issue({
      userId: user.id,
      role: 'user',
      tokenVersion: 1,
    });
    expect(await authenticate.signedIn(fresh)).toBe(user.id);
    const signed = await authenticate.execute(fresh);
    // The token version stays inside: the user the routes show has none.
    expect(signed.user).toEqual({
      id: user.id,
      email: 'b@example.com',
      userName: 'B',
      role: 'user',
      createdAt: 0,
    });
    // The token itself is still checked every time, and an unknown account is still refused.
    expect(await rejectionOf(authenticate.signedIn('forged'))).toBeInstanceOf(UnauthorizedError);
    expect(await rejectionOf(authenticate.signedIn('token-404'))).toBeInstanceOf(UnauthorizedError);
  });
});
