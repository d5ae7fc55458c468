import { ConflictError, ValidationError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../fakes/clocks.js';
import { FakePasswordHasher } from '../fakes/fake-auth.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { EnsureAdmin } from './ensure-admin.js';

function setUp() {
  const uow = new InMemoryStore();
  const passwordHasher = new FakePasswordHasher();
  const ensureAdmin = new EnsureAdmin({
    uow,
    clock: new FixedClock(Date.parse('2026-12-01T00:00:00Z')),
    passwordHasher,
  });
  const account = (email: string) => uow.run((stores) => stores.users.findByEmail(email));
  const passwordOf = async (email: string) => (await account(email))?.passwordHash;
  return { uow, passwordHasher, ensureAdmin, account, passwordOf };
}

describe('EnsureAdmin', () => {
  it('creates an admin when no account has the e-mail, whatever the policy', async () => {
    for (const existing of ['reset', 'promote', 'refuse'] as const) {
      const { ensureAdmin, account, passwordHasher } = setUp();
      const result = await ensureAdmin.execute({
        email: 'Ops@Example.com',
        password: 'ops-password',
        existing,
      });
      expect(result).toMatchObject({ created: true, outcome: 'created', passwordSet: true });
      expect(await account('ops@example.com')).toMatchObject({
        role: 'admin',
        userName: 'ops',
        passwordHash: await passwordHasher.hash('ops-password'),
      });
    }
  });

  it("refuses an existing account with 'refuse', changing nothing", async () => {
    const { ensureAdmin, uow, account } = setUp();
    await uow.run((stores) =>
      stores.users.insert({
        email: 'kim@example.com',
        userName: 'Kim',
        passwordHash: 'kept',
        role: 'user',
        createdAt: 0,
      }),
    );
    const refusal = ensureAdmin.execute({
      email: 'kim@example.com',
      password: 'new-password',
      existing: 'refuse',
    });
    await expect(refusal).rejects.toBeInstanceOf(ConflictError);
    await expect(refusal).rejects.toThrow(/exists already \(a user\); nothing changed/);
    expect(await account('kim@example.com')).toMatchObject({ role: 'user', passwordHash: 'kept' });
  });

  it("promotes an existing account with 'promote' without touching its password, and says when it already was an admin", async () => {
    const { ensureAdmin, uow, account } = setUp();
    await uow.run((stores) =>
      stores.users.insert({
        email: 'kim@example.com',
        userName: 'Kim',
        passwordHash: 'kept',
        role: 'user',
        createdAt: 0,
      }),
    );
    expect(await ensureAdmin.execute({ email: 'kim@example.com', existing: 'promote' })).toMatchObject({
      created: false,
      outcome: 'promoted',
      passwordSet: false,
    });
    expect(await account('kim@example.com')).toMatchObject({ role: 'admin', passwordHash: 'kept' });
    expect(
      await ensureAdmin.execute({
        email: 'kim@example.com',
        password: 'ignored-password',
        existing: 'promote',
      }),
    ).toMatchObject({ created: false, outcome: 'already_admin', passwordSet: false });
    expect(await account('kim@example.com')).toMatchObject({ role: 'admin', passwordHash: 'kept' });
  });

  it("'promote' without a password cannot create an account", async () => {
    const { ensureAdmin, account } = setUp();
    const missing = ensureAdmin.execute({ email: 'typo@example.com', existing: 'promote' });
    await expect(missing).rejects.toBeInstanceOf(ValidationError);
    await expect(missing).rejects.toThrow(/no account has the e-mail typo@example.com/);
    expect(await account('typo@example.com')).toBeFalsy();
  });

  it("'reset' (the default, ADMIN_EMAIL at start) promotes an existing account and gives it the password", async () => {
    const { ensureAdmin, uow, account, passwordHasher } = setUp();
    await uow.run((stores) =>
      stores.users.insert({
        email: 'kim@example.com',
        userName: 'Kim',
        passwordHash: 'old',
        role: 'user',
        createdAt: 0,
      }),
    );
    expect(await ensureAdmin.execute({ email: 'kim@example.com', password: 'new-password' })).toMatchObject({
      outcome: 'promoted',
      passwordSet: true,
    });
    expect(await account('kim@example.com')).toMatchObject({
      role: 'admin',
      passwordHash: await passwordHasher.hash('new-password'),
    });
    expect(await ensureAdmin.execute({ email: 'kim@example.com', password: 'new-password' })).toMatchObject({
      outcome: 'already_admin',
    });
    await expect(ensureAdmin.execute({ email: 'kim@example.com' })).rejects.toBeInstanceOf(ValidationError);
  });
});
