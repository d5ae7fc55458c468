import { request as httpRequest } from 'node:http';
import type { ReadStores, UnitOfWork } from '@exam-reservation/application';
import { InMemoryStore } from '@exam-reservation/application/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './testing/test-app.js';

/*
 * How GET /reservations/export streams: pages read one at a time, none read
 * while the client is not taking what was written, none after it has gone;
 * with a store that answers after a delay, as a database does (the in-memory
 * store answers at once, which hides waits on `drain` that come too late).
 */

const DAY = '2026-12-01';
const ROWS = 6_000;
const PAGE = 500;

/** The in-memory store, whose export pages come after `delayMs` and are counted. */
function slowStore(
  delayMs: number,
  failAtPage = Number.POSITIVE_INFINITY,
): { uow: UnitOfWork; inner: InMemoryStore; pagesRead: () => number } {
  const inner = new InMemoryStore();
  let pages = 0;
  const uow: UnitOfWork = {
    run: (work) => inner.run(work),
    read: (work) =>
      inner.read((stores) => {
        const reservations: ReadStores['reservations'] = {
          get: (id) => stores.reservations.get(id),
          list: (query) => stores.reservations.list(query),
          listPending: (query) => stores.reservations.listPending(query),
          pendingLoadsIn: (from, to, grid) => stores.reservations.pendingLoadsIn(from, to, grid),
          exportCsv: (query, zone, take) => stores.reservations.exportCsv(query, zone, take),
          exportPage: async (query) => {
            pages += 1;
            if (pages >= failAtPage) throw new Error('the database went away');
            const page = await stores.reservations.exportPage(query);
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            return page;
          },
        };
        return work({ ...stores, reservations });
      }),
  };
  return { uow, inner, pagesRead: () => pages };
}

describe('GET /reservations/export, streamed', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function setUp(delayMs: number, failAtPage?: number) {
    const store = slowStore(delayMs, failAtPage);
    app = await startTestApp(store.uow);
    const { user } = await app.ensureAdmin.execute({
      email: 'export@example.com',
      password: 'admin-password',
    });
    const login = await fetch(`${app.url}/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'export@example.com', password: 'admin-password' }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const start = Date.parse(`${DAY}T09:00:00+09:00`);
    await store.inner.run((s) =>
      s.reservations.insertAll(
        Array.from({ length: ROWS }, (_, i) => ({
          userId: user.id,
          reservationName: `row ${i} ${'x'.repeat(3000)}`,
          start: start + (i % 50) * 600_000,
          end: start + (i % 50) * 600_000 + 600_000,
          numberOfPeople: 1,
          status: 'pending' as const,
          createdAt: start - 86_400_000,
          updatedAt: start - 86_400_000,
        })),
      ),
    );
    return { store, token, url: `${app.url}/reservations/export?start=${DAY}&end=${DAY}` };
  }

  it('sends every row when pages come slowly, reading them in pages of 500', async () => {
    const { store, token, url } = await setUp(5);
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.split('\r\n')).toHaveLength(ROWS + 2);
    // 12 full pages, and the empty one that says there is no more.
    expect(store.pagesRead()).toBe(ROWS / PAGE + 1);
  });

  it('reads no further while the client does not take what was sent, and stops when it goes away', async () => {
    const { store, token, url } = await setUp(1);
    const { req, res } = await new Promise<{
      req: ReturnType<typeof httpRequest>;
      res: import('node:http').IncomingMessage;
    }>((resolve, reject) => {
      const req = httpRequest(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.pause();
        resolve({ req, res });
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.statusCode).toBe(200);
    // A client that reads nothing (about 18 MB are due): the server stops reading once the
    // socket's buffers are full.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whilePaused = store.pagesRead();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.pagesRead()).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(ROWS / PAGE + 1);
    // Gone: no more reads, and the server serves the next request.
    req.on('error', () => undefined);
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.pagesRead()).toBeLessThanOrEqual(whilePaused + 1);
    expect((await fetch(`${app!.url}/healthz`)).status).toBe(200);
  });

  it('answers HEAD with the CSV headers after one page, not by reading every page for a body it drops', async () => {
    const { store, token, url } = await setUp(1);
    const res = await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="reservations-${DAY}-to-${DAY}.csv"`,
    );
    expect(await res.text()).toBe('');
    expect(store.pagesRead()).toBeLessThanOrEqual(2);
    const bad = await fetch(`${app!.url}/reservations/export?start=${DAY}&end=2028-01-01`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bad.status).toBe(400);
  });

  it('cuts the connection when a page fails after the first bytes: no complete-looking CSV', async () => {
    const { token, url } = await setUp(1, 3);
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve(`ended after ${bytes} bytes`));
        res.on('error', () => resolve(`${res.statusCode} aborted`));
        res.on('aborted', () => resolve(`${res.statusCode} aborted`));
      });
      req.on('error', () => resolve('request error'));
      req.end();
    });
    expect(outcome).toBe('200 aborted');
    expect((await fetch(`${app!.url}/healthz`)).status).toBe(200);
  });

  it('answers a problem when the first page fails, before any byte of CSV', async () => {
    const { token, url } = await setUp(1, 1);
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
