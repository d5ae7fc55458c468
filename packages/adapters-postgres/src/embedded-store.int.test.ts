import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeLoginAttemptsContract, describeStoreContracts } from '@exam-reservation/application/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, EMBEDDED_SHARED_BUFFERS, KyselyStore, openEmbeddedStore } from './index.js';
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
  it(`runs the engine with a ${EMBEDDED_SHARED_BUFFERS} buffer pool (the 128 MB default took most of the opening time), PGlite's own settings kept`, async () => {
    const { rows } = await sql<{ name: string; setting: string; unit: string | null }>`
      select name, setting, unit from pg_settings
      where name in ('shared_buffers', 'search_path', 'exit_on_error', 'max_worker_processes') order by name`.execute(
      store.kysely,
    );
    expect(
      Object.fromEntries(
        rows.map((r) => [r.name, r.unit === '8kB' ? `${(Number(r.setting) * 8) / 1024}MB` : r.setting]),
      ),
    ).toEqual({
      exit_on_error: 'off',
      max_worker_processes: '0',
      search_path: 'public',
      shared_buffers: EMBEDDED_SHARED_BUFFERS,
    });
  });

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

describe('one process per embedded data folder', () => {
  it('refuses a second opening of a folder while it is open, and allows it once closed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'exam-embedded-lock-'));
    try {
      const first = await openEmbeddedStore({ dataDir });
      const refusal = await openEmbeddedStore({ dataDir: `${dataDir}/./` }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(DataDirInUseError);
      expect((refusal as Error).message).toMatch(/another process .* has the embedded store in .* open/);
      expect((refusal as Error).message).toMatch(/DATABASE_URL/);
      expect((refusal as Error).message).not.toContain('\n');
      // The refused attempt changed nothing: the first store still works.
      await first.ping();
      await first.close();
      const again = await openEmbeddedStore({ dataDir });
      await again.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('is free again as soon as its holder is killed with SIGKILL (the operating system releases it)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'exam-embedded-kill-'));
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { lockDataDir } = await import(${JSON.stringify(join(dirname(fileURLToPath(import.meta.url)), 'data-dir-lock.ts'))});
         await lockDataDir(${JSON.stringify(dataDir)});
         process.stdout.write('locked\\n');
         setInterval(() => {}, 1000);`,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout?.on('data', (chunk) => {
          if (String(chunk).includes('locked')) resolve();
        });
        holder.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
      });
      await expect(openEmbeddedStore({ dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      holder.kill('SIGKILL');
      await exited;
      const store = await openEmbeddedStore({ dataDir });
      await store.ping();
      await store.close();
    } finally {
      holder.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
