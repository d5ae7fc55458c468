import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { UnitOfWork } from '@exam-reservation/application';
import request from 'supertest';
import { afterAll, beforeAll, expect } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.js';

/** A store for one run of a suite, and how to let it go. */
export interface SuiteStore {
  readonly uow: UnitOfWork;
  close(): Promise<void>;
}

/** Makes a fresh store: one for each resource's suite. */
export type MakeStore = () => Promise<SuiteStore>;

/** The `n`-th day after the first bookable one at {@link TEST_NOW} (YYYY-MM-DD). */
export function bookableDay(n: number): string {
  return new Date(Date.UTC(2026, 10, 23 + n)).toISOString().slice(0, 10);
}

const PROBLEM = /^application\/problem\+json/;

export function expectProblem(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
  expect(typeof res.body.detail).toBe('string');
}

export function expectFieldError(res: request.Response, path: string): void {
  expectProblem(res, 400, 'validation_error');
  expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

/** POSTs JSON from a given local address (all of 127.0.0.0/8 reaches this machine), as another client would. */
export function postFrom(
  localAddress: string,
  origin: string,
  path: string,
  body: unknown,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Record<string, unknown> }> {
  const url = new URL(path, origin);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += String(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A signed-in account. */
export interface SignedUp {
  readonly token: string;
  readonly id: number;
  readonly email: string;
}

/** What a resource's tests drive the app with; `app()` and `store()` are there once `beforeAll` has run. */
export interface HttpApi {
  http(): ReturnType<typeof request>;
  app(): TestApp;
  store(): SuiteStore;
  /** An e-mail address no other test of this suite uses. */
  email(label: string): string;
  signUp(label?: string): Promise<SignedUp>;
  signUpAdmin(): Promise<{ token: string; id: number }>;
  book(token: string, fields: Record<string, unknown>): Promise<request.Response>;
  bookOk(
    token: string,
    day: string,
    from?: string,
    to?: string,
    people?: number,
  ): Promise<{ id: number; status: string }>;
}

/**
 * A fresh store and a test app over it for the enclosing `describe`, opened
 * before its tests and closed after them. The tests of one suite share it, so
 * each books on a day of its own and uses e-mails of its own.
 */
export function useHttpApi(makeStore: MakeStore): HttpApi {
  let store: SuiteStore;
  let app: TestApp;
  let seq = 0;
  const http = () => request(app.url);

  beforeAll(async () => {
    store = await makeStore();
    app = await startTestApp(store.uow);
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const email = (label: string) => `${label}-${++seq}@example.com`;

  async function signUp(label = 'user'): Promise<SignedUp> {
    const address = email(label);
    const registered = await http()
      .post('/users/register')
      .send({ email: address, password: 'password-1', user_name: label });
    expect(registered.status).toBe(201);
    const login = await http().post('/users/login').send({ email: address, password: 'password-1' });
    expect(login.status).toBe(200);
    return { token: login.body.access_token, id: registered.body.id, email: address };
  }

  async function signUpAdmin(): Promise<{ token: string; id: number }> {
    const address = email('admin');
    const { user } = await app.ensureAdmin.execute({ email: address, password: 'admin-password' });
    const login = await http().post('/users/login').send({ email: address, password: 'admin-password' });
    expect(login.status).toBe(200);
    return { token: login.body.access_token, id: user.id };
  }

  async function book(token: string, fields: Record<string, unknown>) {
    return http()
      .post('/reservations')
      .auth(token, { type: 'bearer' })
      .send({ reservation_name: 'TOEIC', number_of_people: 100, ...fields });
  }

  async function bookOk(token: string, day: string, from = '10:00', to = '11:00', people = 100) {
    const res = await book(token, {
      start: `${day} ${from}`,
      end: `${day} ${to}`,
      number_of_people: people,
    });
    expect(res.status).toBe(201);
    return res.body as { id: number; status: string };
  }

  return { http, app: () => app, store: () => store, email, signUp, signUpAdmin, book, bookOk };
}
