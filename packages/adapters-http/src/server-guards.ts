import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

/** Node's HTTP parser errors that mean "these headers are too large". */
const TOO_LARGE = new Set(['HPE_HEADER_OVERFLOW']);

function problemJson(status: number, title: string, detail: string): string {
  // With `errors`, as every validation_error of the app has.
  return JSON.stringify({
    type: 'urn:exam-reservation:problem:validation_error',
    title,
    status,
    detail,
    code: 'validation_error',
    errors: [{ path: '', message: detail }],
  });
}

/** The answers to requests Node refuses before the app sees them, by parser error code. */
const REFUSALS = {
  invalid: {
    status: 400,
    reason: 'Bad Request',
    title: 'Invalid request',
    detail: 'the request is not valid HTTP/1.1',
  },
  tooLarge: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    title: 'Request header fields too large',
    detail: 'the request headers are larger than allowed',
  },
  timeout: {
    status: 408,
    reason: 'Request Timeout',
    title: 'Request timeout',
    detail: 'the request did not arrive in time (headers within 20 s, the whole request within 60 s)',
  },
} as const;

function refusalOf(code: string | undefined): (typeof REFUSALS)[keyof typeof REFUSALS] {
  if (code !== undefined && TOO_LARGE.has(code)) return REFUSALS.tooLarge;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return REFUSALS.timeout;
  return REFUSALS.invalid;
}

function problemResponse({
  status,
  reason,
  title,
  detail,
}: (typeof REFUSALS)[keyof typeof REFUSALS]): string {
  const body = problemJson(status, title, detail);
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * What the HTTP server does with requests Express never sees: a request Node
 * cannot parse (a malformed request line, headers over Node's size limit)
 * gets a problem+json answer, as every other refusal does, instead of a bare
 * status line; and slow clients cannot hold a connection open indefinitely
 * (headers within 20 s, the whole request within 60 s). An idle kept-alive
 * connection stays open 65 s: longer than a load balancer keeps its idle
 * connections to the API, so that the balancer closes them, never the API
 * under a request the balancer is just sending.
 */
export function guardServer(server: Server): void {
  // Node answers two more refusals itself, with an empty body: a request with an `Expect` other
  // than 100-continue (417, answered here, before any app sees it, so neither logged nor counted),
  // and an HTTP/1.1 request with no Host (400, answered by createApp's app and its schedule fast
  // path instead, so that it is logged and counted like any other refusal).
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const body = problemJson(417, 'Expectation failed', 'the only Expect understood is 100-continue');
    res.writeHead(417, {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    });
    res.end(body);
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As Node's own handler: nothing is written into an answer already under way.
    const answering = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    const refusal = problemResponse(refusalOf(error.code));
    // Bytes that cannot be parsed behind a whole request still being answered (pipelined): that
    // request may already have taken effect, so its answer goes first, then the refusal.
    if (answering?.req.complete && !answering.writableFinished && error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
      // An answer that closes the connection (`Connection: close`) has ended the socket by then.
      answering.once('finish', () => (socket.writable ? socket.end(refusal) : socket.destroy()));
      answering.once('close', () => {
        if (!answering.writableFinished) socket.destroy();
      });
      return;
    }
    socket.end(refusal);
  });
}
