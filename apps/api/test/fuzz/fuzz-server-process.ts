import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../api-process.js';

const ENTRY = join(ROOT, 'apps/api/test/fuzz/fuzz-server.ts');

/** How the server process ended, when it did. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * The fuzz suite's server process (fuzz-server.ts, from the TypeScript
 * sources through tsx): started, watched, killed and started again on the
 * same database when a request takes it down. Its heap is capped so that a
 * request that allocates without bound ends it in seconds rather than
 * eating the machine's memory.
 */
export class FuzzServerProcess {
  private child: ChildProcess | undefined;
  private exit: Exit | undefined;
  private stderrLines: string[] = [];
  private partial = '';
  url = '';
  restarts = 0;

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    this.exit = undefined;
    this.stderrLines = [];
    this.partial = '';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@exam-reservation/source', '--max-old-space-size=256', ENTRY],
      {
        cwd: ROOT,
        // The fuzzer registers from one address: the registration limit would only hide other answers.
        env: { PATH: process.env.PATH, REGISTRATIONS_PER_ADDRESS_PER_HOUR: '1000000', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (this.partial + chunk.toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      this.stderrLines.push(...lines.filter((l) => l.trim() !== ''));
      if (this.stderrLines.length > 5000) this.stderrLines.splice(0, 1000);
    });
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
    });
    this.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once('exit', (code) =>
        reject(new Error(`the fuzz server exited with ${code} before listening:\n${this.tail(20)}`)),
      );
    });
  }

  /** How it ended, or undefined while it runs. */
  exited(): Exit | undefined {
    return this.exit;
  }

  /** The last `n` lines it wrote on stderr. */
  tail(n: number): string {
    return [...this.stderrLines, this.partial].filter(Boolean).slice(-n).join('\n');
  }

  /** The `err` of its error log lines about request `reqId`, one line each. */
  errorsFor(reqId: string): string[] {
    const out: string[] = [];
    for (const line of this.stderrLines) {
      if (!line.includes(reqId)) continue;
      try {
        const entry = JSON.parse(line) as { reqId?: string; err?: { type?: string; message?: string } };
        if (entry.reqId === reqId && entry.err)
          out.push(`${entry.err.type ?? 'Error'}: ${entry.err.message ?? ''}`);
      } catch {
        // not a log line
      }
    }
    return out;
  }

  /** SIGKILLs it (when still running) and starts a new one on the same database. */
  async restart(): Promise<void> {
    await this.kill();
    this.restarts++;
    await this.start();
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || this.exit) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exit) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}
