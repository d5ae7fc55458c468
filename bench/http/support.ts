/**
 * What the benchmark's parts share: the load driver process, the API's start
 * command (read from the root `start` script, so the API runs as the README
 * starts it), small HTTP helpers, RSS readings and the bare HTTP ceiling.
 */
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchRequest, JobResult } from './driver.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `YYYY-MM-DD` of today + `days` in Seoul (UTC+9, no DST). */
export function seoulDate(days: number): string {
  return new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

export interface Driver {
  run(
    origin: string,
    concurrency: number,
    requests: BenchRequest[],
    expect: number[],
    total?: number,
    /** Requests per flow, sent one after another by one client (see driver.ts). */
    group?: number,
  ): Promise<JobResult>;
  /** Not measured: opens the driver's 64 connections to `origin` and compiles its own code paths. */
  warmUp(origin: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One long-lived driver process (bench/http/driver.ts --serve) per run: its
 * kept-alive connections and compiled code carry over from job to job, so a
 * measured job does not include the load generator's own start.
 */
export function startDriver(): Driver {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/http/driver.ts'), '--serve'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let failed: Error | undefined;
  child.once('exit', (code) => {
    failed = new Error(`the driver exited (${code})`);
    for (const w of waiting.splice(0)) w('');
  });
  let jobs = 0;
  return {
    async run(origin, concurrency, requests, expect, total, group) {
      if (failed) throw failed;
      const file = join(tmpdir(), `bench-job-${process.pid}-${jobs++}.json`);
      await writeFile(file, JSON.stringify({ origin, concurrency, requests, expect, total, group }));
      const line = await new Promise<string>((r) => {
        waiting.push(r);
        child.stdin!.write(`${file}\n`);
      });
      await rm(file, { force: true });
      if (failed) throw failed;
      return JSON.parse(line) as JobResult;
    },
    async warmUp(origin) {
      await this.run(origin, 64, [{ method: 'GET', path: '/healthz' }], [200], 2_000);
    },
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

/**
 * The node arguments of the root `start` script (`node scripts/build.mjs && exec node … main.js`),
 * so the API runs exactly as the README starts it; node itself is spawned
 * directly so that its own RSS can be read.
 */
export async function startCommand(): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  // The last step, without the `exec` that hands the shell's process over to node.
  const run = scripts.start?.split('&&').pop()?.trim().split(/\s+/) ?? [];
  if (run[0] === 'exec') run.shift();
  if (run[0] !== 'node')
    throw new Error(`cannot read the node command from the start script: ${scripts.start}`);
  return run.slice(1).map((arg) => (arg.endsWith('.js') ? join(root, arg) : arg));
}

export async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export async function json<T>(
  origin: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (status) => Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024,
  );
}

export function peakRssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((status) => {
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  });
}

/** One answer of the API as it went on the wire, for {@link bareServer} to replay. */
export interface RecordedAnswer {
  readonly status: number;
  /** `[name, value, …]` as received, without Date and the connection's own headers. */
  readonly headers: string[];
  /** base64 */
  readonly body: string;
}

/** Sends `request` to `origin` and records its answer as it came. */
export function recordAnswer(origin: string, request: BenchRequest): Promise<RecordedAnswer> {
  const url = new URL(request.path, origin);
  return new Promise((resolveAnswer, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]!;
            if (!['date', 'connection', 'keep-alive'].includes(name.toLowerCase()))
              headers.push(name, res.rawHeaders[i + 1]!);
          }
          resolveAnswer({
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString('base64'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/**
 * The HTTP ceiling: a bare Node server with a fixed JSON answer, through the
 * same driver; or, with `replay`, the same requests as a scenario's answered
 * with the very bytes the API answered one of them with.
 */
export async function bareServer(
  driver: Driver,
  total: number,
  concurrency = 32,
  replay?: { readonly answer: RecordedAnswer; readonly requests: BenchRequest[] },
): Promise<JobResult> {
  const args = ['--import', 'tsx', join(root, 'bench/http/bare-server.ts')];
  if (replay) {
    const file = join(tmpdir(), `bench-answer-${process.pid}.json`);
    await writeFile(file, JSON.stringify(replay.answer));
    args.push(file);
  }
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolvePort) => {
    child.stdout.once('data', (chunk: Buffer) => resolvePort(Number(chunk.toString().trim())));
  });
  try {
    await driver.warmUp(`http://127.0.0.1:${port}`);
    return await driver.run(
      `http://127.0.0.1:${port}`,
      concurrency,
      replay ? replay.requests : [{ method: 'GET', path: '/reservations/1' }],
      replay ? [replay.answer.status] : [200],
      total,
    );
  } finally {
    child.kill('SIGTERM');
  }
}
