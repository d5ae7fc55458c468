import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loggableUrl, type RequestCounts, requestLines } from './request-log.js';
import { capturedLogger } from './testing/test-app.js';

describe('requestLines', () => {
  it('counts and logs a request begun after its client has gone (a fast path begins after a token check)', async () => {
    const { logger, lines } = capturedLogger();
    const counts: RequestCounts = { inFlight: 0, started: 0 };
    const begin = requestLines(logger, counts);
    const begun = new Promise<void>((resolveBegun) => {
      const server = createServer((req, res) => {
        res.once('close', () => {
          // The connection is gone before the request's line is begun.
          begin(req, res, { url: req.url ?? '', remoteAddress: '127.0.0.1', route: () => '/late' });
          server.close();
          resolveBegun();
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const client = request({
          port: (server.address() as AddressInfo).port,
          method: 'POST',
          path: '/late',
        });
        client.on('error', () => undefined);
        client.end();
        setTimeout(() => client.destroy(), 20);
      });
    });
    await begun;
    expect(counts).toEqual({ inFlight: 0, started: 1 });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request aborted', url: '/late' }));
  });

  it.each([
    ['/reservations/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl/confirm', '/reservations/***/confirm'],
    ['/x?access_token=abc&page=2', '/x?access_token=***&page=2'],
    ['/x?q=eyJhbGc.eyJzdWI.sig', '/x?q=***'],
    ['/reservations/12/confirm', '/reservations/12/confirm'],
  ])('logs %s as %s', (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
  });
});
