import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = join(ROOT, 'apps/api/dist/main.js');
/** What `pnpm start` runs: MAIN bundled into one file by scripts/build.mjs. */
export const START_BUNDLE = join(ROOT, 'apps/api/bundle/main.js');
const CLI = join(ROOT, 'apps/api/dist/cli.js');

/**
 * Runs `fn` while holding a lock directory, so that test files running in
 * parallel workers take turns (a lock left by a killed run is taken over
 * after a minute of no change).
 */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 60_000) await rm(path, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}

/**
 * Builds every package the way `pnpm start` does (scripts/build.mjs), so the
 * tests run the real dist; one build at a time, since several test files start
 * processes.
 */
export async function buildOnce(): Promise<void> {
  const lock = join(
    tmpdir(),
    `exam-reservation-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}`,
  );
  await withLock(lock, () =>
    promisify(execFile)(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT }),
  );
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The environment of a child: PATH only, plus what the test sets (no DATABASE_URL leaks in).
 * Tests register many accounts from one loopback address, so the registration limit is off
 * unless a test sets it.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LOG_LEVEL: 'info', REGISTRATIONS_PER_ADDRESS_PER_HOUR: '1000000', ...env };
}

/** A running `node apps/api/dist/main.js`. */
export interface ApiProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the API as `pnpm start` would (after the build) and waits until it
 * listens: `apps/api/dist/main.js`, or the start bundle made of it (`entry`).
 */
export async function startApi(env: Record<string, string>, entry: string = MAIN): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: childEnv({ PORT: String(port), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk) => {
      buffer += String(chunk);
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (typeof entry.msg === 'string' && entry.msg.startsWith('listening on')) resolve();
      }
    });
    void exited.then((code) => reject(new Error(`the API exited with ${code} before listening: ${stderr}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    logs,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** How a process that was expected to end did end. */
export interface Ended {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** It was still running after the time allowed, or wrote what `killWhen` looks for, and was killed (SIGKILL). */
  readonly timedOut: boolean;
}

/** How long to let a process run that should end by itself. */
export interface RunOptions {
  /** Kill it after this long (default: wait as long as it takes). */
  readonly timeoutMs?: number;
  /** Kill it as soon as its stdout matches (a server that should have refused to start says it listens). */
  readonly killWhen?: RegExp;
  /** Written to its stdin, which is then closed (default: stdin stays open and empty). */
  readonly input?: string;
}

function runToExit(args: string[], env: Record<string, string>, options: RunOptions): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(env), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const kill = () => {
      timedOut = true;
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      if (options.killWhen?.test(stdout)) kill();
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(kill, options.timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** Runs the API once and collects how it ends (for start-up failures). */
export function runApiToExit(env: Record<string, string>, options: RunOptions = {}): Promise<Ended> {
  return runToExit([MAIN], env, options);
}

/** Runs `node apps/api/dist/cli.js …` and collects its output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<Ended> {
  return runToExit([CLI, ...args], env, options);
}

/** Kills the process with SIGKILL (no shutdown of any kind) and waits until it is gone. */
export async function killHard(api: ApiProcess): Promise<void> {
  if (api.child.exitCode !== null || api.child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => api.child.once('exit', () => resolve()));
  api.child.kill('SIGKILL');
  await gone;
}
