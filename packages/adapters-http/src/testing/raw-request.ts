import { request } from 'node:http';

/** An answer as it came over the wire. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to send as it is, with no header added but Node's own (`Host`, the body's length). */
export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Sends `sent` to `origin` (POST /reservations unless it says otherwise). */
export function sendRaw(origin: string, sent: RawRequest): Promise<RawAnswer> {
  const url = new URL(sent.path ?? '/reservations', origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: sent.method ?? 'POST',
        headers: sent.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += String(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(sent.body);
  });
}

/** The headers that may differ between two answers to the same request: the clock and the connection. */
const TRANSIENT = new Set(['date', 'connection', 'keep-alive']);

/** An answer without what may differ between two servers answering alike, for comparison. */
export const comparable = (answer: RawAnswer) => ({
  status: answer.status,
  body: answer.body,
  headers: Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !TRANSIENT.has(name))),
});
