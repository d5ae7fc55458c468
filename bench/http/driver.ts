/**
 * Closed-loop HTTP load driver, run as its own process so that it does not
 * share an event loop with the server it measures. A job keeps `concurrency`
 * requests in flight until every request of it was sent.
 *
 * - `driver.ts <job.json>`: runs one job and prints its result as JSON.
 * - `driver.ts --serve`: a long-lived driver. Reads job file names from stdin,
 *   one per line, and answers each with its result as one JSON line. Its
 *   connection pools (one per origin, kept alive) and its compiled code carry
 *   over from job to job, as they would in a client that has been running:
 *   a measured job does not pay for the driver's own start (compiling
 *   undici's paths, opening the connections).
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { percentile } from './stats.js';

export interface BenchRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface Job {
  readonly origin: string;
  readonly concurrency: number;
  readonly requests: readonly BenchRequest[];
  /** Repeat the request list until this many have been sent (default: its length). */
  readonly total?: number;
  /**
   * Requests per flow (default 1): a worker takes the next `group` requests
   * of the list and sends them one after another, as one client's visit
   * (look at the schedule, book, see one's own list). `total` counts requests.
   */
  readonly group?: number;
  /** Statuses that count as success. */
  readonly expect: readonly number[];
}

export interface JobResult {
  readonly sent: number;
  readonly ok: number;
  readonly errors: number;
  readonly statuses: Record<string, number>;
  readonly seconds: number;
  readonly throughput: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** [ms since start, latency ms] for every request, in completion order. */
  readonly timeline: [number, number][];
}

/** The most requests any job keeps in flight: a kept pool has this many connections. */
const MAX_CONCURRENCY = 64;

async function run(job: Job, kept?: Map<string, Pool>): Promise<JobResult> {
  if (job.concurrency > MAX_CONCURRENCY) throw new Error(`at most ${MAX_CONCURRENCY} in flight`);
  let pool = kept?.get(job.origin);
  if (!pool) {
    pool = new Pool(job.origin, {
      connections: kept ? MAX_CONCURRENCY : job.concurrency,
      pipelining: 1,
      keepAliveTimeout: 60_000,
    });
    kept?.set(job.origin, pool);
  }
  const total = job.total ?? job.requests.length;
  const statuses: Record<string, number> = {};
  const timeline: [number, number][] = [];
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  const start = performance.now();
  const group = job.group ?? 1;
  const send = async (request: BenchRequest): Promise<void> => {
    const t0 = performance.now();
    let status = 'error';
    try {
      const response = await pool.request({
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body,
      });
      await response.body.dump();
      status = String(response.statusCode);
      if (job.expect.includes(response.statusCode)) ok++;
    } catch {
      status = 'error';
    }
    const t1 = performance.now();
    statuses[status] = (statuses[status] ?? 0) + 1;
    latencies.push(t1 - t0);
    timeline.push([Math.round(t1 - start), Math.round((t1 - t0) * 100) / 100]);
  };
  const worker = async (): Promise<void> => {
    while (next < total) {
      const first = next;
      next += group;
      for (let i = first; i < Math.min(first + group, total); i++) {
        await send(job.requests[i % job.requests.length]!);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  if (!kept) await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    sent: total,
    ok,
    errors: total - ok,
    statuses,
    seconds,
    throughput: total / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    timeline,
  };
}

if (process.argv[2] === '--serve') {
  const kept = new Map<string, Pool>();
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const job = JSON.parse(await readFile(line.trim(), 'utf8')) as Job;
    process.stdout.write(`${JSON.stringify(await run(job, kept))}\n`);
  }
  await Promise.all([...kept.values()].map((pool) => pool.close()));
} else if (process.argv[2]) {
  const job = JSON.parse(await readFile(process.argv[2], 'utf8')) as Job;
  process.stdout.write(JSON.stringify(await run(job)));
}
