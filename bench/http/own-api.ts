/**
 * An API process of its own for a scenario that needs its own database and
 * settings (the export and the load view): started by the start command, as
 * the README starts it, with its RSS readable from /proc.
 */
import { spawn } from 'node:child_process';
import { freePort } from '../../apps/api/test/api-process.js';
import { ADMIN, CAPACITY, ZONE } from './settings.js';
import { json, rssMb, startCommand, waitFor } from './support.js';

export interface OwnApi {
  readonly origin: string;
  readonly pid: number;
  /** The admin's bearer token. */
  readonly adminToken: string;
  stop(): Promise<void>;
}

/** Starts the API on `databaseUrl` with `env` on top of the benchmark's settings, and logs the admin in. */
export async function startOwnApi(databaseUrl: string, env: Record<string, string> = {}): Promise<OwnApi> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // BENCH_API_NODE_FLAGS="--cpu-prof --cpu-prof-dir=bench/results" profiles the API, as in one-run.ts.
  const flags = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const api = spawn(process.execPath, [...flags, ...(await startCommand())], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
      REGISTRATIONS_PER_ADDRESS_PER_HOUR: '1000000',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      APP_TIMEZONE: ZONE,
      SLOT_CAPACITY: String(CAPACITY),
      LEAD_TIME_DAYS: '3',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      METRICS_TOKEN: 'bench-metrics-token-0123456789',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => api.once('exit', resolve));
  const stop = async () => {
    api.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(`${origin}/readyz`, 30_000);
    const { access_token } = await json<{ access_token: string }>(origin, 'POST', '/users/login', ADMIN);
    return { origin, pid: api.pid!, adminToken: access_token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The process's RSS read every `everyMs` until `stop()`, which gives the highest reading. */
export function rssSampler(pid: number, everyMs = 20): { stop(): Promise<number> } {
  let peak = 0;
  const read = () =>
    rssMb(pid).then(
      (mb) => {
        peak = Math.max(peak, mb);
      },
      () => undefined,
    );
  void read();
  const timer = setInterval(() => void read(), everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await read();
      return peak;
    },
  };
}
