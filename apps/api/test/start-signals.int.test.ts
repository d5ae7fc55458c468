import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildOnce, freePort, ROOT } from './api-process.js';

/**
 * The start half of the README's install-and-start command (the first
 * `sh` block of the README: `… install && <this>`).
 */
function readmeStart(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```sh\n([^\n]+)\n```/.exec(readme)?.[1] ?? '';
  const start = block.split('&&').at(1)?.trim();
  if (!start) throw new Error(`no "install && start" command in the README's first sh block: ${block}`);
  return start;
}

/**
 * The README's start command, and pnpm's, which the README names as the same;
 * with the status each ends with, after Ctrl-C and after SIGTERM to its
 * process group. npm passes on node's 0 both times. Through npx, pnpm exits
 * 130 after Ctrl-C (128 + SIGINT, a shell's status for a command stopped by
 * Ctrl-C), and npx itself ends by the SIGTERM (no status); neither prints an
 * error line, and the API drains and stops either way.
 */
const STARTS: [command: string, ctrlCStatus: number, sigtermStatus: number | null][] = [
  [readmeStart(), 0, 0],
  ['npx -y pnpm@10.34.9 start', 130, null],
];

/** The environment of a child, without what pnpm sets for the scripts it runs. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_|^pnpm_/i.test(key)));
  return { ...env, ...extra };
}

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

async function waitForHealth(url: string, started: Started): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url}/healthz:\n${started.output()}`);
}

function launch(command: string, args: string[], env: NodeJS.ProcessEnv, detached: boolean): Started {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: 'pipe', detached });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe.each(STARTS)('stopping `%s`', (START, ctrlCStatus, sigtermStatus) => {
  let database: TestDatabase;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  }, 180_000);
  afterAll(async () => {
    await database?.drop();
  });

  const env = (port: number) =>
    cleanEnv({
      PORT: String(port),
      DATABASE_URL: database.url,
      JWT_SECRET: 'signal-secret-signal-secret-signal',
    });

  it('Ctrl-C in a terminal drains and stops the API, with no error line from npm or pnpm', async () => {
    const port = await freePort();
    // `script` gives the command a pseudo-terminal; ^C typed into it is SIGINT to the whole
    // foreground process group (npm, pnpm, node), as at a real terminal.
    // `script` runs the command through $SHELL -c. bash execs a lone command, so the group is the
    // command's own, as under an interactive shell; dash (Debian's /bin/sh, and CI's $SHELL) waits
    // for it instead, and after Ctrl-C ends by SIGINT itself (status 130) whatever the command did.
    const started = launch(
      'script',
      ['-qfec', START, '/dev/null'],
      { ...env(port), SHELL: '/bin/bash' },
      false,
    );
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, started);
      started.child.stdin?.write('\x03');
      await started.exited;
    } finally {
      started.child.kill('SIGKILL');
    }
    const output = started.output();
    expect(output).toContain('"signal":"SIGINT"');
    expect(output).toContain('"msg":"stopped"');
    expect(output).not.toMatch(/ELIFECYCLE|Command failed|ERR_PNPM|npm error|npm ERR/);
    expect(await started.exited).toBe(ctrlCStatus);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 120_000);

  it('SIGTERM to the process group drains and stops the API; with no error line', async () => {
    const port = await freePort();
    // The command's own words, no shell: a supervisor signals the group it started.
    const [command, ...args] = START.split(' ');
    const started = launch(command!, args, env(port), true);
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, started);
      process.kill(-started.child.pid!, 'SIGTERM');
      await started.exited;
    } finally {
      started.child.kill('SIGKILL');
    }
    const output = started.output();
    expect(output).toContain('"signal":"SIGTERM"');
    expect(output).toContain('"msg":"stopped"');
    expect(output).not.toMatch(/ELIFECYCLE|Command failed|ERR_PNPM|npm error|npm ERR/);
    expect(await started.exited).toBe(sigtermStatus);
  }, 120_000);
});
