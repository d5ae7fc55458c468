import { connect } from 'node:net';
import { type ReadStores, StoreUnavailableError, type UnitOfWork } from '@exam-reservation/application';
import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogger, startTestApp, type TestApp } from './testing/test-app.js';

/** A store whose reads fail like a broken database driver, with internals in the message. */
class BrokenReads implements UnitOfWork {
  constructor(private readonly inner: UnitOfWork) {}
  run: UnitOfWork['run'] = (work) => this.inner.run(work);
  read<T>(_work: (stores: ReadStores) => Promise<T>): Promise<T> {
    const error = new Error('relation "users" does not exist: SELECT password_hash FROM users WHERE id = $1');
    return Promise.reject(error);
  }
}

/** A store whose database is down: every unit of work and read fails as unavailable. */
class Unavailable implements UnitOfWork {
  run<T>(): Promise<T> {
    return Promise.reject(
      new StoreUnavailableError({ cause: new Error('connect ECONNREFUSED 10.1.2.3:5432') }),
    );
  }
  read<T>(): Promise<T> {
    return this.run();
  }
}

describe('createApp transport behaviour', () => {
  const { logger, lines } = capturedLogger();
  let app: TestApp;
  let broken: TestApp;
  let token: string;

  beforeAll(async () => {
    const store = new InMemoryStore();
    app = await startTestApp(store, {
      http: { corsOrigins: ['https://exams.example'], bodyLimit: '1kb' },
      ready: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    });
    broken = await startTestApp(new BrokenReads(store), { logger });
    await request(app.url)
      .post('/users/register')
      .send({ email: 'x@example.com', password: 'password-1', user_name: 'X' })
      .expect(201);
    token = (
      await request(app.url).post('/users/login').send({ email: 'x@example.com', password: 'password-1' })
    ).body.access_token;
  });
  afterAll(async () => {
    await app.close();
    await broken.close();
  });

  it('answers /readyz with 503 problem+json when the probe rejects, without its message', async () => {
    const res = await request(app.url).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('unavailable');
    expect(res.text).not.toContain('ECONNREFUSED');
    expect((await request(app.url).get('/healthz')).status).toBe(200);
  });

  it('turns an unexpected fault into a bare 500 and logs it with the request id', async () => {
    const res = await request(broken.url).get('/users/me').set('X-Request-Id', 'req-500-test').auth(token, {
      type: 'bearer',
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      type: 'urn:exam-reservation:problem:internal_error',
      title: 'Internal server error',
      status: 500,
      detail: 'an unexpected error occurred',
      code: 'internal_error',
    });
    expect(res.text).not.toMatch(/SELECT|relation|stack|at /);
    const logged = lines.find((l) => l.msg === 'unhandled error');
    expect(logged).toMatchObject({ reqId: 'req-500-test', level: 50 });
    expect(JSON.stringify(logged)).toContain('SELECT password_hash');
  });

  it('logs one line per finished request, at a level by status, with its id, route, status and time', async () => {
    const from = lines.length;
    await request(broken.url).get('/healthz').set('X-Request-Id', 'log-ok').expect(200);
    await request(broken.url).get('/users/me').set('X-Request-Id', 'log-401').expect(401);
    await request(broken.url)
      .get('/reservations?page=1')
      .set('X-Request-Id', 'log-500')
      .auth(token, { type: 'bearer' });
    const completed = lines.slice(from).filter((l) => l.msg === 'request completed');
    expect(completed.map((l) => [l.reqId, l.level, l.method, l.url, l.status])).toEqual([
      ['log-ok', 30, 'GET', '/healthz', 200],
      ['log-401', 40, 'GET', '/users/me', 401],
      ['log-500', 50, 'GET', '/reservations?page=1', 500],
    ]);
    for (const line of completed) expect(line.responseTime).toEqual(expect.any(Number));
  });

  it('logs a request whose client left before the answer as aborted', async () => {
    const { logger: slowLogger, lines: slowLines } = capturedLogger();
    const slow = await startTestApp(new InMemoryStore(), {
      ready: () => new Promise((resolve) => setTimeout(resolve, 300)),
      logger: slowLogger,
    });
    try {
      const { port } = new URL(slow.url);
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\nX-Request-Id: gone-early\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 400));
      const gone = slowLines.filter((l) => l.reqId === 'gone-early');
      expect(gone).toEqual([expect.objectContaining({ msg: 'request aborted', level: 40, url: '/readyz' })]);
      expect(gone[0]).not.toHaveProperty('status');
    } finally {
      await slow.close();
    }
  });

  it('answers 503 unavailable with Retry-After, and no internals, while the database is down', async () => {
    const down = await startTestApp(new Unavailable());
    try {
      const res = await request(down.url)
        .post('/users/register')
        .send({ email: 'down@example.com', password: 'password-1', user_name: 'D' });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.code).toBe('unavailable');
      expect(res.text).not.toContain('ECONNREFUSED');
      expect(res.text).not.toContain('10.1.2.3');
    } finally {
      await down.close();
    }
  });

  it('keeps bearer tokens out of the request log', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('writes secret-looking query parameters as *** in the request log', async () => {
    await request(broken.url)
      .get('/metrics?token=m3tr1cs-s3cret&x=1&api_key=k3y&password=pw0rd')
      .set('X-Request-Id', 'log-query');
    const line = lines.find((l) => l.reqId === 'log-query' && l.msg === 'request completed');
    expect(line?.url).toBe('/metrics?token=***&x=1&api_key=***&password=***');
    expect(JSON.stringify(lines)).not.toMatch(/m3tr1cs|k3y|pw0rd/);
  });

  it('refuses a body over the limit with 413 problem+json', async () => {
    const res = await request(app.url)
      .post('/users/register')
      .send({ email: 'big@example.com', password: 'password-1', user_name: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('answers an empty JSON body exactly as body-parser answers {}', async () => {
    const send = (body: string, contentType = 'application/json') =>
      fetch(`${app.url}/reservations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
      }).then(async (r) => [r.status, await r.json()]);
    const [status, problem] = await send('');
    expect(status).toBe(400);
    expect([status, problem]).toEqual(await send('{}'));
    // Not the shortcut's case: body-parser decides, and still refuses a bad charset.
    expect(await send('', 'application/json; charset=klingon')).toEqual([
      400,
      expect.objectContaining({ detail: 'unsupported charset: send JSON as UTF-8' }),
    ]);
  });

  /** Sends raw bytes and reads the whole answer until the server closes or 2 s pass. */
  async function rawExchange(bytes: string): Promise<string> {
    const { port } = new URL(app.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += String(chunk);
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(bytes);
    await new Promise((resolve) => {
      socket.once('close', resolve);
      setTimeout(resolve, 2_000);
    });
    socket.destroy();
    return answer;
  }

  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400],
    ['a header without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n', 400],
    [
      'headers over the size limit',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
    ['an HTTP/1.1 request with no Host', 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
    ['an Expect other than 100-continue', 'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n', 417],
  ])('answers %s with problem+json, as every other refusal', async (_label, bytes, status) => {
    const answer = await rawExchange(bytes);
    expect(answer.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(answer).toMatch(/Content-Type: application\/problem\+json/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({
      status,
      code: 'validation_error',
      type: expect.any(String),
      title: expect.any(String),
    });
  });

  it('answers a path that is not valid percent-encoding with 400 problem+json', async () => {
    for (const path of ['/reservations/%E0%A4%A', '/reservations/%ZZ/confirm']) {
      const res = await request(app.url).get(path).auth(token, { type: 'bearer' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_error');
    }
  });

  it('refuses NUL and unpaired surrogates in any string of any body, known field or not', async () => {
    for (const body of [
      '{"email":"n@example.com","password":"password-1","user_name":"N\\u0000"}',
      '{"email":"n@example.com","password":"password-1","user_name":"N\\ud800"}',
      '{"email":"n@example.com","password":"password-1","user_name":"N","\\u0000":1}',
      '{"email":"n@example.com","password":"password-1","user_name":"N","extra":["\\udfff"]}',
    ]) {
      const res = await request(app.url)
        .post('/users/register')
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_error');
    }
    const login = await request(app.url)
      .post('/users/login')
      .send({ email: 'n@example.com', password: 'password-1' });
    expect(login.status).toBe(401);
  });

  it('refuses a body that is not UTF-8 with 400, and stores nothing', async () => {
    const body = Buffer.concat([
      Buffer.from('{"email":"utf8@example.com","password":"password-1","user_name":"a'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('b"}'),
    ]);
    const res = await fetch(`${app.url}/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      code: 'validation_error',
      detail: 'the body is not valid UTF-8',
    });
    // body-parser takes UTF-16 too; this API does not.
    const utf16 = await fetch(`${app.url}/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-16le' },
      body: Buffer.from('{"email":"utf8@example.com","password":"password-1","user_name":"ab"}', 'utf16le'),
    });
    expect(utf16.status).toBe(400);
    expect(await utf16.json()).toMatchObject({ detail: 'unsupported charset: send JSON as UTF-8' });
    const login = await request(app.url)
      .post('/users/login')
      .send({ email: 'utf8@example.com', password: 'password-1' });
    expect(login.status).toBe(401);
  });

  it('keeps a refused body out of the log: a log-in with broken JSON does not log its password', async () => {
    const res = await request(broken.url)
      .post('/users/login')
      .set('Content-Type', 'application/json')
      .send('{"email":"leak@example.com","password":"S3cret-Leak-Check",}');
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('the body is not a JSON object');
    const refusal = lines.find((line) => line.msg === 'request refused by the transport');
    expect(refusal).toMatchObject({ refusal: { type: 'entity.parse.failed', status: 400 } });
    expect(JSON.stringify(lines)).not.toContain('S3cret');
  });

  it('refuses a body that is not JSON as a validation error', async () => {
    const res = await request(app.url).post('/users/login').set('Content-Type', 'text/plain').send('hello');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
  });

  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    expect(
      (await request(app.url).get('/healthz').set('X-Request-Id', 'abc-123')).headers['x-request-id'],
    ).toBe('abc-123');
    const made = (await request(app.url).get('/healthz').set('X-Request-Id', 'not a valid id')).headers[
      'x-request-id'
    ];
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends CORS headers only to the configured origins, exposing X-Total-Count', async () => {
    const allowed = await request(app.url).get('/healthz').set('Origin', 'https://exams.example');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://exams.example');
    expect(allowed.headers['access-control-expose-headers']).toContain('X-Total-Count');
    expect(allowed.headers['access-control-expose-headers']).toContain('Idempotent-Replayed');
    expect(allowed.headers['access-control-expose-headers']).toContain('First-Bookable');
    const other = await request(app.url).get('/healthz').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sets Swagger UI up on its first request: requests that come together all get it, with the document', async () => {
    const fresh = await startTestApp(new InMemoryStore());
    try {
      const [page, init, css, again] = await Promise.all([
        request(fresh.url).get('/api-docs/'),
        request(fresh.url).get('/api-docs/swagger-ui-init.js'),
        request(fresh.url).get('/api-docs/swagger-ui.css'),
        request(fresh.url).get('/api-docs/'),
      ]);
      expect([page.status, init.status, css.status, again.status]).toEqual([200, 200, 200, 200]);
      expect(page.text).toContain('<title>Exam reservation API</title>');
      expect(again.text).toBe(page.text);
      // The init script carries this app's document, the one /openapi.json serves.
      const served = (await request(fresh.url).get('/openapi.json').expect(200)).body as {
        info: { title: string };
        paths: Record<string, unknown>;
      };
      expect(init.text).toContain(JSON.stringify(served.info.title));
      expect(init.text).toContain('"/reservations/{id}/confirm"');
      expect(Object.keys(served.paths).length).toBeGreaterThan(10);
    } finally {
      await fresh.close();
    }
  });

  it('sends security headers and no ETag or X-Powered-By', async () => {
    const res = await request(app.url).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
  });
});
