import { createHash } from 'node:crypto';
import { mkdir, realpath, unlink } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/** The embedded store's folder is open in another process. */
export class DataDirInUseError extends Error {
  readonly code = 'data_dir_in_use';
  constructor(readonly dataDir: string) {
    super(
      `another process (an API server or the CLI) has the embedded store in ${dataDir} open: ` +
        'stop it first, or set DATABASE_URL to use a PostgreSQL server that several processes can share',
    );
    this.name = 'DataDirInUseError';
  }
}

/** A held lock; releasing it lets the next process in. */
export interface DataDirLock {
  release(): Promise<void>;
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Whether something answers on the socket file `path` (a live holder) or not (left by a crash). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Takes the folder's lock, one the operating system releases when its
 * holder dies however it dies (SIGKILL, a crash, power loss), so a crash never
 * leaves the folder locked: a listening socket whose name is made from the
 * folder's real path. On Linux it is a socket in the abstract namespace,
 * which exists only while its process holds it; on Windows a named pipe, the
 * same. Elsewhere (macOS) a socket file in the folder: the file outlives a
 * crash, so a file that nothing answers on is taken over — two processes
 * starting in the same instant after a crash could both take it over, which
 * the other two kinds rule out.
 * @throws DataDirInUseError when another process holds it
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const real = await realpath(dataDir);
  const id = createHash('sha256').update(real).digest('hex').slice(0, 32);
  const server = createServer((socket) => socket.destroy());
  // Holding the lock must not keep the process alive on its own.
  server.unref();
  const path =
    process.platform === 'linux'
      ? `\0exam-reservation-data-${id}`
      : process.platform === 'win32'
        ? `\\\\?\\pipe\\exam-reservation-data-${id}`
        : join(real, '.exam-reservation.lock');
  try {
    await listen(server, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const fileBased = process.platform !== 'linux' && process.platform !== 'win32';
    if (!fileBased || (await answers(path))) throw new DataDirInUseError(real);
    await unlink(path).catch(() => undefined);
    try {
      await listen(server, path);
    } catch {
      throw new DataDirInUseError(real);
    }
  }
  return {
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
