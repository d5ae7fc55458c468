import { ConflictError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import type { UnitOfWork } from '../ports/index.js';
import { type MakeStore, rejectionOf, T0 } from './fixtures.js';

const alice = {
  email: 'alice@example.com',
  userName: 'Alice',
  passwordHash: 'hash-a',
  role: 'user' as const,
  createdAt: T0,
};

/** The behaviour every `Users` store must share. */
export function describeUsersContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: Users contract`, () => {
    it('insert returns the account without its password hash; findByEmail includes it', async () => {
      const uow = await makeStore();
      const user = await uow.run((s) => s.users.insert(alice));
      expect(user).toEqual({
        id: expect.any(Number),
        email: alice.email,
        userName: 'Alice',
        role: 'user',
        createdAt: T0,
      });
      expect(await uow.read((s) => s.users.findById(user.id))).toEqual(user);
      expect(await uow.read((s) => s.users.findByEmail(alice.email))).toEqual({
        ...user,
        passwordHash: 'hash-a',
        tokenVersion: 0,
      });
    });

    it('findManyById returns the accounts that exist, each once', async () => {
      const uow = await makeStore();
      const a = await uow.run((s) => s.users.insert(alice));
      const b = await uow.run((s) => s.users.insert({ ...alice, email: 'bob@example.com', userName: 'Bob' }));
      const found = await uow.read((s) => s.users.findManyById([b.id, 31_337, a.id, b.id]));
      expect([...found].sort((x, y) => x.id - y.id)).toEqual([
        { ...a, tokenVersion: 0 },
        { ...b, tokenVersion: 0 },
      ]);
      expect(await uow.read((s) => s.users.findManyById([]))).toEqual([]);
    });

    it('unknown ids and e-mails are null', async () => {
      const uow = await makeStore();
      expect(await uow.read((s) => s.users.findById(31_337))).toBeNull();
      expect(await uow.read((s) => s.users.findByEmail('nobody@example.com'))).toBeNull();
    });

    it('a second account with the same e-mail is a ConflictError, and the first is untouched', async () => {
      const uow = await makeStore();
      const first = await uow.run((s) => s.users.insert(alice));
      const error = await rejectionOf(
        uow.run((s) => s.users.insert({ ...alice, userName: 'Impostor', passwordHash: 'other' })),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).code).toBe('conflict');
      expect(await uow.read((s) => s.users.findByEmail(alice.email))).toEqual({
        ...first,
        passwordHash: 'hash-a',
        tokenVersion: 0,
      });
    });

    it('a refused insert leaves the unit of work usable', async () => {
      const uow = await makeStore();
      await uow.run((s) => s.users.insert(alice));
      const bob = await uow.run(async (s) => {
        await rejectionOf(s.users.insert(alice));
        return s.users.insert({ ...alice, email: 'bob@example.com', userName: 'Bob' });
      });
      expect(await uow.read((s) => s.users.findById(bob.id))).toEqual(bob);
    });

    it('setRole and setPasswordHash change only that account', async () => {
      const uow = await makeStore();
      const a = await uow.run((s) => s.users.insert(alice));
      const b = await uow.run((s) => s.users.insert({ ...alice, email: 'bob@example.com' }));
      await uow.run(async (s) => {
        await s.users.setRole(a.id, 'admin');
        await s.users.setPasswordHash(a.id, 'new-hash');
      });
      expect(await uow.read((s) => s.users.findByEmail(alice.email))).toMatchObject({
        role: 'admin',
        passwordHash: 'new-hash',
      });
      expect(await uow.read((s) => s.users.findByEmail('bob@example.com'))).toMatchObject({
        id: b.id,
        role: 'user',
        passwordHash: 'hash-a',
      });
    });

    it('setPasswordHash keeps the token version; changePassword raises it, for that account only', async () => {
      const uow = await makeStore();
      const a = await uow.run((s) => s.users.insert(alice));
      const b = await uow.run((s) => s.users.insert({ ...alice, email: 'bob@example.com' }));
      await uow.run((s) => s.users.setPasswordHash(a.id, 'reset'));
      expect(await uow.read((s) => s.users.findByEmail(alice.email))).toMatchObject({ tokenVersion: 0 });
      expect(await uow.run((s) => s.users.changePassword(a.id, 'changed', 0))).toBe(1);
      // Only from the version it names: a second change from version 0 is not made.
      expect(await uow.run((s) => s.users.changePassword(a.id, 'stale', 0))).toBeNull();
      expect(await uow.run((s) => s.users.changePassword(a.id, 'changed-again', 1))).toBe(2);
      expect(await uow.read((s) => s.users.findByEmail(alice.email))).toMatchObject({
        passwordHash: 'changed-again',
        tokenVersion: 2,
      });
      const [found] = await uow.read((s) => s.users.findManyById([a.id]));
      expect(found).toMatchObject({ id: a.id, tokenVersion: 2 });
      expect(await uow.read((s) => s.users.findByEmail('bob@example.com'))).toMatchObject({
        id: b.id,
        passwordHash: 'hash-a',
        tokenVersion: 0,
      });
      expect(await uow.run((s) => s.users.changePassword(31_337, 'x', 0))).toBeNull();
      // findById shows the account, not its secrets.
      expect(await uow.read((s) => s.users.findById(a.id))).toEqual(a);
    });

    it('a changePassword rolled back with its unit of work leaves hash and version as they were', async () => {
      const uow = await makeStore();
      const a = await uow.run((s) => s.users.insert(alice));
      await rejectionOf(
        uow.run(async (s) => {
          await s.users.changePassword(a.id, 'changed', 0);
          throw new Error('undo');
        }),
      );
      expect(await uow.read((s) => s.users.findByEmail(alice.email))).toMatchObject({
        passwordHash: 'hash-a',
        tokenVersion: 0,
      });
    });

    /** Five accounts: two admins (the second and fourth), by id. */
    async function fiveAccounts(uow: UnitOfWork) {
      const made = [];
      for (const [i, role] of (['user', 'admin', 'user', 'admin', 'user'] as const).entries()) {
        made.push(
          await uow.run((s) =>
            s.users.insert({
              ...alice,
              email: `u${i}@example.com`,
              userName: `U${i}`,
              role,
              createdAt: T0 + i,
            }),
          ),
        );
      }
      return made;
    }

    it('list pages accounts by id, with the total, filtered by e-mail and role, without secrets', async () => {
      const uow = await makeStore();
      const made = await fiveAccounts(uow);
      const all = await uow.read((s) => s.users.list({ offset: 0, limit: 10 }));
      expect(all).toEqual({ items: made, total: 5 });
      for (const item of all.items) {
        expect(Object.keys(item).sort()).toEqual(['createdAt', 'email', 'id', 'role', 'userName']);
      }
      expect(await uow.read((s) => s.users.list({ offset: 1, limit: 2 }))).toEqual({
        items: made.slice(1, 3),
        total: 5,
      });
      // Past the end: no items, the total still told.
      expect(await uow.read((s) => s.users.list({ offset: 10, limit: 2 }))).toEqual({ items: [], total: 5 });
      expect(await uow.read((s) => s.users.list({ role: 'admin', offset: 0, limit: 10 }))).toEqual({
        items: [made[1], made[3]],
        total: 2,
      });
      expect(await uow.read((s) => s.users.list({ role: 'admin', offset: 1, limit: 1 }))).toEqual({
        items: [made[3]],
        total: 2,
      });
      expect(await uow.read((s) => s.users.list({ email: 'u2@example.com', offset: 0, limit: 10 }))).toEqual({
        items: [made[2]],
        total: 1,
      });
      expect(
        await uow.read((s) => s.users.list({ email: 'u2@example.com', role: 'admin', offset: 0, limit: 10 })),
      ).toEqual({ items: [], total: 0 });
      expect(await uow.read((s) => s.users.list({ email: 'u%@example.com', offset: 0, limit: 10 }))).toEqual({
        items: [],
        total: 0,
      });
    });

    it('lockAdmins names every admin, by id, and sees a demotion made before in the same unit', async () => {
      const uow = await makeStore();
      const made = await fiveAccounts(uow);
      expect(await uow.run((s) => s.users.lockAdmins())).toEqual([made[1]!.id, made[3]!.id]);
      const after = await uow.run(async (s) => {
        await s.users.setRole(made[3]!.id, 'user');
        return s.users.lockAdmins();
      });
      expect(after).toEqual([made[1]!.id]);
    });
  });
}
