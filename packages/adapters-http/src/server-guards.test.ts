import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { guardServer } from './server-guards.js';

/** Sends raw bytes (not a whole request) and reads until the server closes. */
async function exchange(server: Server, bytes: string): Promise<string> {
  const { port } = server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => {
    answer += String(chunk);
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(bytes);
  await new Promise((resolve) => socket.once('close', resolve));
  return answer;
}

describe('guardServer', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  /** A guarded server that answers every request `done`, 50 ms after it arrives. */
  async function slowServer(): Promise<Server> {
    const slow = createServer((_req, res) => {
      setTimeout(() => res.end('done'), 50);
    });
    server = slow;
    guardServer(slow);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    return slow;
  }

  it('answers a request still being answered before refusing bytes pipelined behind it that cannot be parsed', async () => {
    // The first request takes effect (it is answered 50 ms later); the junk after it must not lose its answer.
    const answer = await exchange(
      await slowServer(),
      'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGARBAGE\r\n\r\n',
    );
    expect(answer.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(answer).toContain('\r\n\r\ndone');
    const second = answer.indexOf('HTTP/1.1 400 Bad Request\r\n');
    expect(second).toBeGreaterThan(answer.indexOf('done'));
    expect(answer.slice(second)).toMatch(/application\/problem\+json/);
  });

  it('closes after that answer when it closes the connection, with nothing written after it', async () => {
    const answer = await exchange(
      await slowServer(),
      'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\nGARBAGE\r\n\r\n',
    );
    expect(answer.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(answer.endsWith('\r\n\r\ndone')).toBe(true);
  });

  it('answers headers that do not arrive in time with a problem+json 408 and closes', async () => {
    // Node checks its timeouts every connectionsCheckingInterval: short here, as is the header wait.
    server = createServer({ connectionsCheckingInterval: 50 }, (_req, res) => res.end('late'));
    guardServer(server);
    server.headersTimeout = 200;
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const answer = await exchange(server, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(answer.startsWith('HTTP/1.1 408 Request Timeout\r\n')).toBe(true);
    expect(answer).toMatch(/Content-Type: application\/problem\+json/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 408,
      code: 'validation_error',
      title: 'Request timeout',
      errors: [{ path: '', message: expect.stringContaining('did not arrive in time') }],
    });
  });

  it('answers a request that is not HTTP/1.1 with a problem+json 400 that lists its error, as the app does', async () => {
    server = createServer((_req, res) => res.end('never'));
    guardServer(server);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const answer = await exchange(
      server,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    );
    expect(answer.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      type: 'urn:exam-reservation:problem:validation_error',
      title: 'Invalid request',
      status: 400,
      detail: 'the request is not valid HTTP/1.1',
      code: 'validation_error',
      errors: [{ path: '', message: 'the request is not valid HTTP/1.1' }],
    });
  });
});
