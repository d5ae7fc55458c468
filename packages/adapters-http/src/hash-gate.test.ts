import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueuedPasswordHasher } from '@exam-reservation/application';
import { FakePasswordHasher, InMemoryStore } from '@exam-reservation/application/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { capturedLogger, startTestApp, type TestApp } from './testing/test-app.js';

/** A fake hasher whose hashes and checks wait until the test lets them finish. */
class HeldHasher extends FakePasswordHasher {
  private readonly held: (() => void)[] = [];

  override async hash(password: string): Promise<string> {
    await new Promise<void>((resolve) => this.held.push(resolve));
    return super.hash(password);
  }

  get running(): number {
    return this.held.length;
  }

  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends a POST; with `partial`, only the headers and the first half of the
 * body go out (the request stays open until `finish` is called).
 */
function post(
  origin: string,
  path: string,
  body: string,
  partial = false,
): { answer: Promise<Answer>; finish: () => void } {
  const url = new URL(origin);
  const req = request({
    host: url.hostname,
    port: url.port,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += String(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
  });
  const half = Math.floor(body.length / 2);
  if (partial) {
    req.write(body.slice(0, half));
    req.flushHeaders();
  } else req.end(body);
  return { answer, finish: () => req.end(body.slice(half)) };
}

const account = (name: string) =>
  JSON.stringify({ email: `${name}@example.com`, password: `password of ${name}`, user_name: name });
const TRANSIENT = new Set(['date', 'connection', 'keep-alive', 'x-request-id']);
const comparable = (answer: Answer) => ({
  status: answer.status,
  body: answer.body,
  headers: Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !TRANSIENT.has(name))),
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/**
 * One hash at a time, at most 10 s of waiting, 5 s a hash assumed: two may
 * wait behind the one running; a fourth hash-bound request is shed. Each
 * test has an app and a queue of its own (the queue learns how long hashes take).
 */
function setUp() {
  const { logger, lines } = capturedLogger();
  const held = new HeldHasher();
  const hasher = new QueuedPasswordHasher(held, {
    concurrency: 1,
    maxWaitMs: 10_000,
    initialDurationMs: 5_000,
  });
  const servers: { app?: TestApp; plain?: Server } = {};
  const until = async (condition: () => boolean): Promise<void> => {
    for (let i = 0; i < 250 && !condition(); i++) await settle();
    expect(condition()).toBe(true);
  };
  /** Lets `n` hashes finish, one after another. */
  const release = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await until(() => held.running === 1);
      held.releaseAll();
    }
  };
  return {
    lines,
    held,
    hasher,
    until,
    release,
    start: async () => {
      const app = await startTestApp(new InMemoryStore(), { passwordHasher: hasher, logger });
      const plain = createServer(app.app);
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
      servers.app = app;
      servers.plain = plain;
      return { url: app.url, plainUrl: `http://127.0.0.1:${(plain.address() as AddressInfo).port}` };
    },
    close: async () => {
      held.releaseAll();
      await servers.app?.close();
      servers.plain?.closeAllConnections();
      await new Promise((resolve) => servers.plain?.close(resolve));
    },
  };
}

describe('the hash gate', () => {
  it('sheds a registration, a log-in or a password change before reading its body while the queue is full, as the app would refuse it', async () => {
    const { lines, held, hasher, until, release, start, close } = setUp();
    const { url, plainUrl } = await start();
    onTestFinished(close);
    const admitted = ['a', 'b', 'c'].map((name) => post(url, '/users/register', account(name)).answer);
    await until(() => held.running === 1 && hasher.queue.load.waiting === 2);

    // Not valid JSON: the gate answers without reading it.
    const shed = await post(url, '/users/register', '{"not json').answer;
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('15');
    expect(shed.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(shed.body)).toMatchObject({ status: 503, code: 'overloaded' });
    const logIn = await post(url, '/users/login', JSON.stringify({ email: 'x@example.com', password: 'p' }))
      .answer;
    expect(logIn.status).toBe(503);
    // A password change too, before its token is even checked.
    const change = await post(url, '/users/me/password', '{"current_password":"p"').answer;
    expect(change.status).toBe(503);
    expect(JSON.parse(change.body)).toMatchObject({ code: 'overloaded' });
    // The same refusal as the app's own, after the body was read: the same status, headers and body.
    const fromApp = await post(plainUrl, '/users/register', account('d')).answer;
    expect(comparable(shed)).toEqual(comparable(fromApp));
    const line = lines.find((l) => l.reqId === shed.headers['x-request-id']);
    expect(line).toMatchObject({ method: 'POST', url: '/users/register', status: 503 });

    // Other routes go on as ever.
    expect((await post(url, '/users/me', '{}').answer).status).toBe(404);
    held.releaseAll();
    await release(2);
    expect((await Promise.all(admitted)).map((a) => a.status)).toEqual([201, 201, 201]);
    // Once they are done, the gate lets registrations in again.
    const after = post(url, '/users/register', account('after')).answer;
    await release(1);
    expect((await after).status).toBe(201);
  }, 30_000);

  it('counts the requests whose bodies are still coming as ahead in the queue', async () => {
    const { hasher, release, start, close } = setUp();
    const { url } = await start();
    onTestFinished(close);
    const slow = ['s1', 's2', 's3'].map((name) => post(url, '/users/register', account(name), true));
    await settle();
    // Nothing is in the queue yet: the three are still sending their bodies.
    expect(hasher.queue.load).toEqual({ active: 0, waiting: 0 });
    const shed = await post(url, '/users/register', account('fourth')).answer;
    expect(shed.status).toBe(503);
    for (const s of slow) s.finish();
    await release(3);
    expect((await Promise.all(slow.map((s) => s.answer))).map((a) => a.status)).toEqual([201, 201, 201]);
  }, 30_000);
});
