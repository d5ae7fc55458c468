import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLoginAttemptsContract, describeStoreContracts } from '@exam-reservation/application/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyStore, openEmbeddedStore } from './index.js';
import { resetSchema } from './testing/index.js';

let store: KyselyStore;

beforeAll(async () => {
  const opened = await openEmbeddedStore({ dataDir: 'memory://' });
  if (!(opened instanceof KyselyStore)) throw new Error('expected a KyselyStore');
  store = opened;
});

afterAll(async () => {
  await store?.close();
});

describeStoreContracts('PGlite (embedded)', () => resetSchema(store));
describeLoginAttemptsContract('PGlite (embedded)', async () => (await resetSchema(store)).loginAttempts);

describe('openEmbeddedStore', () => {
  it('keeps data on disk across a close and a reopen', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'exam-embedded-'));
    try {
      const first = await openEmbeddedStore({ dataDir });
      expect(first.kind).toBe('embedded');
      await first.ping();
      const user = await first.run((s) =>
        s.users.insert({
          email: 'kept@example.com',
          userName: 'K',
          passwordHash: 'h',
          role: 'admin',
          createdAt: 1,
        }),
      );
      await first.run((s) => s.ledger.apply([{ slotStart: 600_000, delta: 3 }], 10));
      await first.close();
      const second = await openEmbeddedStore({ dataDir });
      expect(await second.read((s) => s.users.findById(user.id))).toEqual(user);
      expect(await second.read((s) => s.ledger.loadsIn(0, 1_200_000))).toEqual(new Map([[600_000, 3]]));
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
