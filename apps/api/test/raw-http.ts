import { type IncomingHttpHeaders, request } from 'node:http';

/** One request exactly as it goes on the wire (the path already percent-encoded). */
export interface RawRequest {
  readonly method: string;
  /** Path and query, percent-encoded by the caller (so malformed escapes can be sent too). */
  readonly path: string;
  /** Header values are written as latin1, one byte per character. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | undefined;
  /** Send the body with `Transfer-Encoding: chunked`, in pieces, instead of a Content-Length. */
  readonly chunked?: boolean | undefined;
  /** Local address to send from (any of 127.0.0.0/8 on Linux), for per-address rules. */
  readonly localAddress?: string | undefined;
}

/** What came back: a response, or how the exchange failed. */
export type RawOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      readonly body: Buffer;
      readonly ms: number;
    }
  | {
      readonly kind: 'transport';
      /** `timeout` when no whole answer came in time; else the socket error's code. */
      readonly error: string;
      readonly ms: number;
    };

/**
 * Sends one request on a connection of its own (`Connection: close`, no
 * agent: a bad request cannot spoil a kept-alive socket for the next) and
 * waits at most `timeoutMs` for the whole answer. Never throws for what
 * happens on the wire; a request node:http refuses to write (a header value
 * with a control character) rejects.
 */
export function sendRaw(baseUrl: string, req: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  const base = new URL(baseUrl);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers: Record<string, string> = { connection: 'close', ...req.headers };
    if (req.body !== undefined && !req.chunked && headers['content-length'] === undefined) {
      headers['content-length'] = String(req.body.length);
    }
    // node:http chunks on its own only for methods that usually carry a body; said explicitly, it
    // frames a DELETE's body too instead of sending it unframed.
    if (req.body !== undefined && req.chunked) headers['transfer-encoding'] = 'chunked';
    let outgoing: ReturnType<typeof request>;
    try {
      outgoing = request({
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers,
        agent: false,
        localAddress: req.localAddress,
        // The default 16 KiB would make node refuse to read a large header of the answer.
        maxHeaderSize: 64 * 1024,
      });
    } catch (error) {
      reject(error);
      return;
    }
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish({ kind: 'transport', error: 'timeout', ms: elapsed() });
    }, timeoutMs);
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          ms: elapsed(),
        }),
      );
      res.on('error', (error: NodeJS.ErrnoException) =>
        finish({ kind: 'transport', error: error.code ?? error.message, ms: elapsed() }),
      );
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'transport', error: error.code ?? error.message, ms: elapsed() }),
    );
    if (req.body !== undefined && req.chunked) {
      const half = Math.ceil(req.body.length / 2);
      outgoing.write(req.body.subarray(0, half));
      outgoing.end(req.body.subarray(half));
    } else {
      outgoing.end(req.body);
    }
  });
}
