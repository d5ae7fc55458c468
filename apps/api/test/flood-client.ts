/**
 * A crowd of registrations sent from a process of its own, so that the
 * crowd's client work (2,000 connections, their requests and answers) does
 * not share a CPU-starved event loop with the process that measures the
 * log-ins sent beside it.
 *
 * `node --import tsx flood-client.ts '<FloodJob JSON>'`: prints `ready`, waits
 * for a line on stdin, sends every registration at once (each on a
 * connection of its own, as that many clients would), prints `sent` when
 * every request was handed to the sockets, then one JSON line, a
 * {@link FloodResult}, and exits.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { type RawOutcome, sendRaw } from './raw-http.js';

export interface FloodJob {
  readonly origin: string;
  readonly count: number;
  /** Accounts are `<prefix>-<i>@example.com`. */
  readonly prefix: string;
  /** Each registration comes from its own address `10.<block>.x.y` (X-Forwarded-For). */
  readonly block: number;
  /** A client gives up (and closes its socket) after this long. */
  readonly timeoutMs: number;
}

/** One answer, reduced to what the checks read. */
export interface FloodAnswer {
  /** The status, or the transport error (`timeout`, `ECONNRESET`…). */
  readonly status: number | string;
  readonly ms: number;
  readonly contentType?: string | undefined;
  readonly retryAfter?: string | undefined;
  /** The problem's `code` and `status`, when the body is one. */
  readonly code?: string | undefined;
  readonly problemStatus?: number | undefined;
}

export interface FloodResult {
  readonly answers: FloodAnswer[];
  /** From the go signal until every request was handed to its socket, ms. */
  readonly sendMs: number;
  /** From the go signal until the last answer, ms. */
  readonly totalMs: number;
}

/** The account a flood registers as its `i`-th. */
export const floodAccount = (prefix: string, i: number) => ({
  email: `${prefix}-${i}@example.com`,
  password: `password of ${prefix}-${i}`,
  user_name: `${prefix}-${i}`,
});

/** A distinct client address per number: 10.block.b.c. */
export const floodAddress = (n: number, block: number) =>
  `10.${block}.${Math.floor(n / 250)}.${(n % 250) + 1}`;

function reduce(o: RawOutcome): FloodAnswer {
  if (o.kind !== 'response') return { status: o.error, ms: o.ms };
  let code: string | undefined;
  let problemStatus: number | undefined;
  try {
    ({ code, status: problemStatus } = JSON.parse(o.body.toString('utf8')) as {
      code?: string;
      status?: number;
    });
  } catch {
    code = undefined;
  }
  return {
    status: o.status,
    ms: o.ms,
    contentType: o.headers['content-type'],
    retryAfter: o.headers['retry-after'],
    code,
    problemStatus,
  };
}

async function main(job: FloodJob): Promise<void> {
  const bodies = Array.from({ length: job.count }, (_, i) =>
    Buffer.from(JSON.stringify(floodAccount(job.prefix, i))),
  );
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  const started = performance.now();
  const sent = bodies.map((body, i) =>
    sendRaw(
      job.origin,
      {
        method: 'POST',
        path: '/users/register',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': floodAddress(i, job.block) },
        body,
      },
      job.timeoutMs,
    ).then(reduce),
  );
  const sendMs = Math.round(performance.now() - started);
  process.stdout.write('sent\n');
  const answers = await Promise.all(sent);
  const result: FloodResult = { answers, sendMs, totalMs: Math.round(performance.now() - started) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Run as a script only: the test and the benchmark import the helpers above.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(JSON.parse(process.argv[2] ?? '') as FloodJob);
}
