import { ChangeUserRole } from '@exam-reservation/application';
import { type Actor, LastAdminError } from '@exam-reservation/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { KyselyStore, openPostgresStore } from './index.js';
import { createTestDatabase, resetSchema, type TestDatabase } from './testing/index.js';

// Two stores, two pools: every demotion below runs in a session of its own.
let database: TestDatabase;
let one: KyselyStore;
let two: KyselyStore;

const open = async (url: string): Promise<KyselyStore> => {
  const opened = await openPostgresStore({ url, poolSize: 4 });
  if (!(opened instanceof KyselyStore)) throw new Error('expected a KyselyStore');
  return opened;
};

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  one = await open(database.url);
  two = await open(database.url);
});

beforeEach(async () => {
  await resetSchema(one);
});

afterAll(async () => {
  await one?.close();
  await two?.close();
  await database?.drop();
});

async function twoAdmins(): Promise<[Actor, Actor]> {
  const make = (email: string) =>
    one.run((s) =>
      s.users.insert({ email, userName: email, passwordHash: 'h', role: 'admin', createdAt: Date.now() }),
    );
  const a = await make(`a-${Math.random()}@example.com`);
  const b = await make(`b-${Math.random()}@example.com`);
  return [
    { userId: a.id, role: 'admin' },
    { userId: b.id, role: 'admin' },
  ];
}

const adminCount = async () =>
  (await one.read((s) => s.users.list({ role: 'admin', offset: 0, limit: 100 }))).total;

describe('demoting admins on PostgreSQL, from separate sessions', () => {
  it('a demotion waits for one in progress and then sees it: the last admin is refused', async () => {
    const [a, b] = await twoAdmins();
    let locked!: () => void;
    const hasLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    let letGo!: () => void;
    const released = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    // Session 1 demotes b by hand, holding the admins' locks until told to commit.
    const first = one.run(async (s) => {
      expect(await s.users.lockAdmins()).toEqual([a.userId, b.userId]);
      locked();
      await released;
      await s.users.setRole(b.userId, 'user');
    });
    await hasLocked;
    // Session 2: b demotes a, while session 1 holds the locks (b is still an admin when it starts).
    const second = new ChangeUserRole({ uow: two }).execute({ actor: b, id: a.userId, role: 'user' });
    let settled = false;
    void second.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false); // waiting on the lock
    letGo();
    await first;
    await expect(second).rejects.toBeInstanceOf(LastAdminError);
    expect(await adminCount()).toBe(1);
    expect(await one.read((s) => s.users.findById(a.userId))).toMatchObject({ role: 'admin' });
  });

  it('two admins demoting each other at the same moment, 20 times: always exactly one admin left', async () => {
    for (let round = 0; round < 20; round++) {
      const [a, b] = await twoAdmins();
      // The admin left by the round before steps down: a and b are the only two.
      const { items } = await one.read((s) => s.users.list({ role: 'admin', offset: 0, limit: 100 }));
      for (const { id } of items)
        if (id !== a.userId && id !== b.userId) await one.run((s) => s.users.setRole(id, 'user'));
      const outcomes = await Promise.allSettled([
        new ChangeUserRole({ uow: one }).execute({ actor: a, id: b.userId, role: 'user' }),
        new ChangeUserRole({ uow: two }).execute({ actor: b, id: a.userId, role: 'user' }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(LastAdminError);
      expect(await adminCount()).toBe(1);
    }
  });
});
