import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './api-process.js';
import type { FloodJob, FloodResult } from './flood-client.js';

export type { FloodAnswer, FloodJob, FloodResult } from './flood-client.js';
export { floodAccount, floodAddress } from './flood-client.js';

/** A flood client process (flood-client.ts), started and ready to send. */
export interface Flood {
  /** Sends the whole flood; resolves once every request was handed to its socket. */
  go(): Promise<void>;
  /** Every answer, once the last one came. */
  readonly result: Promise<FloodResult>;
}

/** Starts a flood client in a process of its own and waits until it is ready to send. */
export async function startFlood(job: FloodJob): Promise<Flood> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'apps/api/test/flood-client.ts'), JSON.stringify(job)],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH } },
  );
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () =>
    Promise.race([
      new Promise<string>((resolve) => waiting.push(resolve)),
      exited.then((code) => {
        throw new Error(`the flood client exited (${code})`);
      }),
    ]);
  const ready = await next();
  if (ready !== 'ready') throw new Error(`the flood client said ${ready}`);
  let result: Promise<FloodResult> | undefined;
  return {
    async go() {
      const sent = next();
      result = next().then((line) => JSON.parse(line) as FloodResult);
      result.catch(() => undefined);
      child.stdin!.end('go\n');
      await sent;
    },
    get result() {
      if (!result) return Promise.reject(new Error('the flood was not sent'));
      return result;
    },
  };
}
