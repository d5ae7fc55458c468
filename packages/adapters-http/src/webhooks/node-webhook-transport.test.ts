import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookMessage } from '@exam-reservation/application';
import type { ValidationError } from '@exam-reservation/domain';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HostResolver } from './address-policy.js';
import { NodeWebhookTransport } from './node-webhook-transport.js';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A receiver on loopback that answers what `respond` says and keeps what it got. */
let receiver: Server;
let port: number;
let received: Received[] = [];
let respond: (res: import('node:http').ServerResponse) => void = (res) => res.writeHead(204).end();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += String(chunk);
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      respond(res);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterEach(() => {
  received = [];
  respond = (res) => res.writeHead(204).end();
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

const message: WebhookMessage = {
  id: 'msg_42',
  type: 'reservation.confirmed',
  at: Date.parse('2026-11-20T03:00:05Z'),
  reservation: {
    id: 7,
    userId: 3,
    reservationName: 'TOEIC "spring" \u2713',
    start: Date.parse('2026-12-10T00:00:00Z'),
    end: Date.parse('2026-12-10T01:00:00Z'),
    numberOfPeople: 30,
    status: 'confirmed',
    createdAt: Date.parse('2026-11-20T03:00:00Z'),
    updatedAt: Date.parse('2026-11-20T03:00:05Z'),
  },
  reason: null,
};

/** Names resolve only through this table: no query ever leaves the machine. */
const stub =
  (table: Record<string, string[]>): HostResolver =>
  async (host) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('NodeWebhookTransport', () => {
  it('a rejection or a cancellation carries its reason (or null); other changes carry none', () => {
    const transport = new NodeWebhookTransport({
      timeZone: 'Asia/Seoul',
      allowPrivate: true,
      timeoutMs: 1500,
    });
    const body = (type: WebhookMessage['type'], reason: string | null) =>
      JSON.parse(transport.payload({ ...message, type, reason }));
    expect(body('reservation.rejected', 'the room is full').reason).toBe('the room is full');
    expect(body('reservation.cancelled', 'plans changed').reason).toBe('plans changed');
    expect(body('reservation.cancelled', null)).toHaveProperty('reason', null);
    expect(body('reservation.confirmed', null)).not.toHaveProperty('reason');
  });

  const secret = `whsec_${Buffer.from('a secret of thirty-two bytes!!!!').toString('base64')}`;
  const target = (url: string) => ({ endpointId: 1, url, secret });
  const allowing = (resolver = stub({ 'receiver.test': ['127.0.0.1'] })) =>
    new NodeWebhookTransport({ timeZone: 'Asia/Seoul', allowPrivate: true, resolver, timeoutMs: 1500 });

  it('POSTs a Standard Webhooks message that the standardwebhooks package verifies', async () => {
    const transport = allowing();
    const result = await transport.send(target(`http://receiver.test:${port}/hook?x=1`), message);
    expect(result).toMatchObject({ kind: 'answered', status: 204 });
    const [got] = received;
    expect(got!.headers['webhook-id']).toBe('msg_42');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    const verified = new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>);
    expect(verified).toEqual({
      type: 'reservation.confirmed',
      timestamp: '2026-11-20T12:00:05+09:00',
      data: {
        id: 7,
        user_id: 3,
        reservation_name: 'TOEIC "spring" \u2713',
        start_time: '2026-12-10T09:00:00+09:00',
        end_time: '2026-12-10T10:00:00+09:00',
        number_of_people: 30,
        status: 'confirmed',
        created_at: '2026-11-20T12:00:00+09:00',
        updated_at: '2026-11-20T12:00:05+09:00',
      },
    });
    // Another key does not verify it.
    const other = `whsec_${Buffer.from('another secret, thirty-two bytes').toString('base64')}`;
    expect(() => new Webhook(other).verify(got!.body, got!.headers as Record<string, string>)).toThrow();
    transport.close();
  });

  it('signs with the instant it sends in webhook-timestamp, even when a second ticks while it signs', async () => {
    const transport = allowing();
    // Date.now() a second ahead of new Date(): what two reads across a second boundary see.
    const realNow = Date.now;
    const ahead = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 1000);
    try {
      const result = await transport.send(target(`http://receiver.test:${port}/hook`), message);
      expect(result).toMatchObject({ kind: 'answered', status: 204 });
    } finally {
      ahead.mockRestore();
    }
    const [got] = received;
    expect(() => new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>)).not.toThrow();
    transport.close();
  });

  it('gives each endpoint its own connections: a slow one on the same host does not hold up another', async () => {
    // One connection per endpoint; /slow answers just within the timeout. Sharing one connection
    // per host, the second /slow attempt would hold it until 1.4 s, and the /ok attempt, queued
    // behind it with its timeout running, would fail at 0.8 s without ever being sent.
    const transport = new NodeWebhookTransport({
      timeZone: 'Asia/Seoul',
      allowPrivate: true,
      resolver: stub({ 'receiver.test': ['127.0.0.1'] }),
      timeoutMs: 800,
      maxSocketsPerEndpoint: 1,
    });
    respond = (res) => {
      if (received.at(-1)?.headers['webhook-id'] === 'msg_slow')
        setTimeout(() => res.writeHead(204).end(), 700);
      else res.writeHead(204).end();
    };
    const slow = { endpointId: 1, url: `http://receiver.test:${port}/slow`, secret };
    const slowMessage = { ...message, id: 'msg_slow' };
    const first = transport.send(slow, slowMessage);
    const second = transport.send(slow, slowMessage);
    const other = await transport.send(
      { endpointId: 2, url: `http://receiver.test:${port}/ok`, secret },
      message,
    );
    expect(other).toMatchObject({ kind: 'answered', status: 204 });
    expect(await first).toMatchObject({ kind: 'answered', status: 204 });
    // The endpoint's own second attempt waits for its one connection: that is its own slowness.
    expect(await second).toMatchObject({ kind: 'failed' });
    transport.close();
  });

  it('reports the status of any answer, and a timeout or a refused connection as a failure', async () => {
    const transport = allowing();
    respond = (res) => res.writeHead(500).end('x'.repeat(200_000));
    expect(await transport.send(target(`http://127.0.0.1:${port}/`), message)).toMatchObject({
      kind: 'answered',
      status: 500,
    });
    respond = (res) => res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
    expect(await transport.send(target(`http://127.0.0.1:${port}/`), message)).toMatchObject({ status: 302 });
    respond = () => undefined; // never answers
    const slow = await transport.send(target(`http://127.0.0.1:${port}/`), message);
    expect(slow).toMatchObject({ kind: 'failed', error: 'timed out after 2 s' });
    expect(slow.durationMs).toBeGreaterThanOrEqual(1400);
    const closed = await transport.send(target('http://127.0.0.1:1/'), message);
    expect(closed).toMatchObject({ kind: 'failed', error: 'connection refused' });
    transport.close();
  });

  it('never connects to a private address when they are not allowed, checking again at connection time', async () => {
    // A name that was public when the endpoint was registered now resolves to this machine (DNS rebinding).
    let answers = ['93.184.215.14'];
    const rebinding: HostResolver = async () => answers.map((address) => ({ address, family: 4 as const }));
    const transport = new NodeWebhookTransport({
      timeZone: 'Asia/Seoul',
      allowPrivate: false,
      resolver: rebinding,
      timeoutMs: 1500,
    });
    await expect(transport.checkUrl(`http://rebind.test:${port}/hook`)).resolves.toBe(
      `http://rebind.test:${port}/hook`,
    );
    answers = ['127.0.0.1'];
    const rebound = await transport.send(target(`http://rebind.test:${port}/hook`), message);
    // The deliveries list says the host is not public, not what it resolved to.
    expect(rebound).toMatchObject({ kind: 'failed', error: 'refused: rebind.test is not a public host' });
    answers = ['93.184.215.14', '10.0.0.7'];
    expect(await transport.send(target(`http://rebind.test:${port}/hook`), message)).toMatchObject({
      kind: 'failed',
      error: 'refused: rebind.test is not a public host',
    });
    for (const url of [`http://127.0.0.1:${port}/`, `http://[::1]:${port}/`, `http://localhost:${port}/`]) {
      expect(await transport.send(target(url), message), url).toMatchObject({
        kind: 'failed',
        error: expect.stringMatching(/^refused: /),
      });
    }
    expect(received).toEqual([]);
    transport.close();
  });

  it('checks URLs: http(s) only, no credentials, no fragment, a sensible length, a public host', async () => {
    const transport = new NodeWebhookTransport({
      timeZone: 'Asia/Seoul',
      allowPrivate: false,
      resolver: stub({
        'hooks.example.com': ['93.184.215.14'],
        'inside.example.com': ['192.168.10.2'],
        'metadata.example.com': ['169.254.169.254'],
        'v6.example.com': ['fd00::5'],
      }),
    });
    await expect(transport.checkUrl('https://hooks.example.com/a?b=c')).resolves.toBe(
      'https://hooks.example.com/a?b=c',
    );
    const refusals: [string, RegExp][] = [
      ['ftp://hooks.example.com/', /http or https/],
      ['file:///etc/passwd', /http or https/],
      ['javascript:alert(1)', /http or https/],
      ['hooks.example.com/hook', /absolute/],
      ['https://user:pw@hooks.example.com/', /user name or password/],
      ['https://user@hooks.example.com/', /user name or password/],
      ['https://hooks.example.com/#frag', /fragment/],
      [`https://hooks.example.com/${'a'.repeat(2100)}`, /2048/],
      ['http://127.0.0.1/', /not a public address/],
      ['http://10.0.0.1:8080/', /not a public address/],
      ['http://172.16.5.4/', /not a public address/],
      ['http://192.168.0.1/', /not a public address/],
      ['http://169.254.169.254/latest/meta-data', /not a public address/],
      ['http://[::1]/', /not a public address/],
      ['http://[::ffff:10.0.0.1]/', /not a public address/],
      ['http://0.0.0.0/', /not a public address/],
      ['http://localhost:3000/', /^localhost is not a public host/],
      ['http://nowhere.example.com/', /cannot resolve/],
    ];
    for (const [url, message] of refusals) {
      await expect(transport.checkUrl(url), url).rejects.toMatchObject({
        code: 'validation_error',
        errors: [{ path: 'url', message: expect.stringMatching(message) }],
      });
    }
    // A name that resolves to an internal address: told that the host is not public, never the address.
    for (const [host, address] of [
      ['inside.example.com', '192.168.10.2'],
      ['metadata.example.com', '169.254.169.254'],
      ['v6.example.com', 'fd00::5'],
    ] as const) {
      const refused = await transport.checkUrl(`http://${host}/`).then(
        () => expect.fail(`${host} was accepted`),
        (error: ValidationError) => error,
      );
      expect(refused.code).toBe('validation_error');
      const [{ path, message: said } = { path: '', message: '' }] = refused.errors;
      expect(path).toBe('url');
      expect(said).toMatch(new RegExp(`^${host.replaceAll('.', '\\.')} is not a public host`));
      expect(said).not.toContain(address);
      expect(said).not.toMatch(/resolves|\d+\.\d+\.\d+|::/);
    }
  });

  it('makes a new random whsec_ secret of 32 bytes each time', () => {
    const transport = allowing();
    const a = transport.newSecret();
    const b = transport.newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});
