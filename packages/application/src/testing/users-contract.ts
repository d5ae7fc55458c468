import { ConflictError } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
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
      });
    });

    it('findManyById returns the accounts that exist, each once', async () => {
      const uow = await makeStore();
      const a = await uow.run((s) => s.users.insert(alice));
      const b = await uow.run((s) => s.users.insert({ ...alice, email: 'bob@example.com', userName: 'Bob' }));
      const found = await uow.read((s) => s.users.findManyById([b.id, 31_337, a.id, b.id]));
      expect([...found].sort((x, y) => x.id - y.id)).toEqual([a, b]);
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
  });
}
