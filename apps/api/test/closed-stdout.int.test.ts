import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildOnce, freePort, ROOT } from './api-process.js';

/*
 * Once seen: a server whose stdout reader had gone away (a log shipper that
 * died, `node main.js | head`) ignored SIGTERM and SIGINT for over 15 s.
 * Every log line then fails with EPIPE; that must neither crash the process
 * nor hold up the drain.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHealth(url: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`no answer from ${url}/healthz: ${stderr()}`);
}

describe('an API whose stdout reader has gone away', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  }, 180_000);
  afterAll(async () => {
    await database?.drop();
  });

  it.each([
    ['closed', 'SIGTERM', 'dist/main.js'],
    ['closed just before the signal', 'SIGTERM', 'dist/main.js'],
    ['closed just before the signal', 'SIGINT', 'bundle/main.js'],
    ['closed', 'SIGINT', 'dist/main.js'],
    ['stalled', 'SIGTERM', 'dist/main.js'],
    ['closed', 'SIGTERM', 'bundle/main.js'],
    ['stalled', 'SIGINT', 'bundle/main.js'],
  ] as const)(
    'reader %s: still answers, then drains and exits 0 promptly on %s (apps/api/%s)',
    async (reader, signal, entry) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, [join(ROOT, 'apps/api', entry)], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          PORT: String(port),
          DATABASE_URL: database.url,
          JWT_SECRET: 'closed-stdout-secret-closed-stdout',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += String(chunk);
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, sig) => resolve({ code, signal: sig })),
      );
      try {
        await waitForHealth(url, () => stderr);
        // 'closed': the reader goes away, the read end of the pipe is closed, so the API's next
        // writes fail with EPIPE. 'stalled': the reader stays but reads no more (a log shipper that
        // hangs, a grandchild holding the pipe), so the pipe fills and writes would block.
        if (reader === 'closed') child.stdout.destroy();
        else if (reader === 'stalled') child.stdout.pause();
        // Requests that log (one line each), more than a pipe holds (64 KiB, ~250 lines).
        for (let round = 0; round < 25; round++) {
          const answers = await Promise.all(
            Array.from({ length: 20 }, () =>
              fetch(`${url}/healthz`).then(
                (res) => res.status,
                () => 0,
              ),
            ),
          );
          expect(answers.every((status) => status === 200)).toBe(true);
        }
        // 'closed just before the signal': the first line to fail is the shutdown's own, so the
        // writer learns of EPIPE only while the process exits.
        if (reader === 'closed just before the signal') child.stdout.destroy();
        const sent = performance.now();
        child.kill(signal);
        const ended = await Promise.race([exited, sleep(5_000).then(() => 'still running' as const)]);
        const took = performance.now() - sent;
        expect(ended, `exit after ${signal}; stderr: ${stderr}`).toEqual({ code: 0, signal: null });
        expect(took).toBeLessThan(5_000);
        expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
      } finally {
        child.kill('SIGKILL');
      }
    },
    120_000,
  );
});
