import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OverloadedError } from '@exam-reservation/application';
import { hostRefusal } from './host-header.js';
import { OVERLOADED, PROBLEM_CONTENT_TYPE, problemJson } from './problem.js';
import type { RequestLine } from './request-log.js';

/** The password-hashing queue as the gate sees it (the application's SheddingQueue). */
export interface HashQueueLoad {
  /** Work running and waiting in the queue now. */
  readonly load: { readonly active: number; readonly waiting: number };
  /** The refusal work would get now with `ahead` pieces of work before it, if any. */
  refusalBehind(ahead: number): OverloadedError | undefined;
}

/** What {@link hashGate} needs. */
export interface HashGateDeps {
  readonly queue: HashQueueLoad;
  /** The headers every answer of the app carries (helmet's, and CORS's when it is on), in its order, `[name, value, …]`. */
  readonly headers: readonly string[];
  /** Starts the request's log line (and its metrics), as the app's request log does. */
  readonly begin: (req: IncomingMessage, res: ServerResponse, route: string) => RequestLine;
  /** Requests with an `Origin` are left to the app (its CORS answers them). */
  readonly cors: boolean;
}

/** The routes whose every request hashes or checks a password. */
const HASH_BOUND = new Set(['/users/register', '/users/login', '/users/me/password']);

/**
 * Sheds registrations, log-ins and password changes before their bodies are read, while the
 * password-hashing queue is full. The queue itself refuses work expected to
 * wait longer than HASH_QUEUE_MAX_WAIT_MS, but only once the request's body
 * was read, parsed and validated: in a crowd of thousands that reading is
 * itself what a log-in waits behind. Here the requests of these routes in
 * flight (admitted, body still being read, or hashing, or waiting) count as
 * ahead of a newcomer; one the queue would refuse gets the same 503
 * `overloaded`, with the same Retry-After, at once, before Express, with the
 * app's headers, log line and metrics. Node discards the unread body.
 * Anything else goes to `next` untouched.
 *
 * @returns a request listener: sheds what it must, hands the rest to `next`
 */
export function hashGate(
  deps: HashGateDeps,
  next: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const fixed = deps.headers;
  const body = problemJson(OVERLOADED);
  const length = String(Buffer.byteLength(body));
  let inFlight = 0;
  return (req, res) => {
    const url = req.url ?? '';
    if (
      req.method !== 'POST' ||
      !HASH_BOUND.has(url) ||
      // The app refuses a missing, repeated or invalid Host (guardServer leaves that to it).
      hostRefusal(req) !== undefined ||
      (deps.cors && req.headers.origin !== undefined)
    ) {
      next(req, res);
      return;
    }
    const { active, waiting } = deps.queue.load;
    const refusal = deps.queue.refusalBehind(Math.max(inFlight, active + waiting));
    if (refusal === undefined) {
      inFlight++;
      res.once('close', () => {
        inFlight--;
      });
      next(req, res);
      return;
    }
    const line = deps.begin(req, res, url);
    res.writeHead(503, [
      ...fixed,
      'X-Request-Id',
      line.id,
      'Retry-After',
      String(refusal.retryAfterSeconds),
      'Content-Type',
      PROBLEM_CONTENT_TYPE,
      'Content-Length',
      length,
    ]);
    res.end(body);
  };
}
