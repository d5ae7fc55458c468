import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { hostRefusal } from './host-header.js';
import { PROBLEM_CONTENT_TYPE, problemAnswer, problemJson } from './problem.js';
import type { RequestLine } from './request-log.js';

/** What the fast paths that run a use case answer with, as the app would. */
export interface FastRepliesDeps {
  /** The headers every answer of the app carries (helmet's, and CORS's when it is on), in the order the app sets them. */
  readonly headers: readonly string[];
  /** The zone answers write times in. */
  readonly zone: string;
  /** For the lines a refusal or a failure adds, as the app's error middleware writes them. */
  readonly logger: Logger;
}

/** How a fast path answers one request: a body of its own, or a refusal as the app's error middleware writes it. */
export interface FastReplies {
  answer(status: number, extra: readonly string[], body: string): void;
  refuse(error: unknown): void;
}

/** The replies to the request whose log line is `line`, with the app's headers and its request id. */
export function fastReplies(deps: FastRepliesDeps, res: ServerResponse, line: RequestLine): FastReplies {
  const answer = (status: number, extra: readonly string[], body: string) => {
    res.writeHead(status, [
      ...deps.headers,
      'X-Request-Id',
      line.id,
      ...extra,
      'Content-Length',
      String(Buffer.byteLength(body)),
    ]);
    res.end(body);
  };
  return {
    answer,
    refuse(error) {
      if (res.headersSent || res.destroyed) {
        // Failed while or after answering: nothing more can be said to the client.
        if (res.headersSent) deps.logger.child({ reqId: line.id }).error({ err: error }, 'unhandled error');
        res.destroy();
        return;
      }
      const { problem, headers } = problemAnswer(error, deps.zone, () =>
        deps.logger.child({ reqId: line.id }),
      );
      answer(problem.status, [...headers.flat(), 'Content-Type', PROBLEM_CONTENT_TYPE], problemJson(problem));
    },
  };
}

/** The content types the app's JSON parser takes as they are (another spelling or charset is its to answer). */
export const JSON_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/json; charset=utf-8',
]);

/**
 * What any fast path that runs a use case leaves to the app, whatever its
 * route: a Host the app refuses, an `Origin` (its CORS answers it), a body
 * sent chunked or encoded, `Expect`, and an `Idempotency-Key` (the app
 * stores its answer).
 */
export function leftToApp(req: IncomingMessage): boolean {
  const { headers } = req;
  return (
    hostRefusal(req) !== undefined ||
    headers.origin !== undefined ||
    headers['transfer-encoding'] !== undefined ||
    headers['content-encoding'] !== undefined ||
    headers.expect !== undefined ||
    headers['idempotency-key'] !== undefined
  );
}
