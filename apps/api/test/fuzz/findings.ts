import type { RawOutcome, RawRequest } from '../raw-http.js';

/** One distinct way the API broke the contract, with the first request that showed it. */
export interface Finding {
  readonly problem: string;
  /** The kind of input (`body.reservation_name: NUL`, `Content-Encoding gzip header on a plain body`). */
  readonly label: string;
  readonly example: string;
  readonly operations: Set<string>;
  readonly identities: Set<string>;
  count: number;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** The request as it went on the wire, readable: JSON-escaped body, long values cut. */
export function describeRequest(req: RawRequest, identity: string): string {
  const lines = [
    `${req.method} ${shorten(req.path, 120)}   (as ${identity}, from ${req.localAddress ?? 'default'})`,
  ];
  for (const [name, value] of Object.entries(req.headers)) {
    lines.push(`  ${name}: ${shorten(JSON.stringify(value).slice(1, -1), 100)}`);
  }
  if (req.body !== undefined) {
    const text = req.body.toString('utf8');
    const shown = Buffer.from(text, 'utf8').equals(req.body)
      ? JSON.stringify(shorten(text, 200))
      : `hex ${shorten(req.body.toString('hex'), 200)}`;
    lines.push(`  body (${req.body.length} bytes${req.chunked ? ', chunked' : ''}): ${shown}`);
  }
  return lines.join('\n');
}

/** The answer, readable. */
export function describeOutcome(outcome: RawOutcome, serverErrors: readonly string[]): string {
  if (outcome.kind === 'transport') return `→ ${outcome.error} after ${outcome.ms} ms`;
  const type = outcome.headers['content-type'] ?? 'no Content-Type';
  const lines = [
    `→ ${outcome.status} ${type} in ${outcome.ms} ms: ${shorten(outcome.body.toString('utf8'), 200)}`,
  ];
  for (const error of serverErrors.slice(0, 2)) lines.push(`  server log: ${shorten(error, 200)}`);
  return lines.join('\n');
}

/** Findings keyed by problem and kind of input; the first example of each is kept. */
export class Findings {
  private readonly byKey = new Map<string, Finding>();

  add(problem: string, operation: string, label: string, identity: string, example: () => string): void {
    const key = `${problem}\u0000${label}`;
    const known = this.byKey.get(key);
    if (known) {
      known.count++;
      known.operations.add(operation);
      known.identities.add(identity);
      return;
    }
    this.byKey.set(key, {
      problem,
      label,
      example: example(),
      operations: new Set([operation]),
      identities: new Set([identity]),
      count: 1,
    });
  }

  /** Whether `label` already took the server down (or stalled it) on `operation`. */
  crashed(operation: string, label: string): boolean {
    for (const f of this.byKey.values()) {
      if (
        f.label === label &&
        f.operations.has(operation) &&
        /^server (process died|stuck)/.test(f.problem)
      ) {
        return true;
      }
    }
    return false;
  }

  get size(): number {
    return this.byKey.size;
  }

  all(): Finding[] {
    return [...this.byKey.values()].sort(
      (a, b) => a.problem.localeCompare(b.problem) || a.label.localeCompare(b.label),
    );
  }

  /** Every finding with its first example, for a failure message or a report file. */
  format(header: string): string {
    const out = [header];
    for (const f of this.all()) {
      out.push(
        '',
        `■ ${f.problem} — ${f.label}  (${f.count}×; ${[...f.operations].join(', ')}; as ${[...f.identities].join('/')})`,
        f.example,
      );
    }
    return out.join('\n');
  }
}
