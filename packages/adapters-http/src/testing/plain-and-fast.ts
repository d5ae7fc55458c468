import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryStore } from '@exam-reservation/application/testing';
import { SignJWT } from 'jose';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './test-app.js';

/**
 * Two apps set up alike over two stores, for the fast-path tests: `plain`
 * answers through a plain server over its Express app (`plainUrl`), `fast`
 * through its own server, fast paths included (`fast.url`).
 */
export interface PlainAndFast {
  readonly plain: TestApp;
  readonly plainUrl: string;
  readonly fast: TestApp;
  /** In each app, in the same order: user 1 (`fast@example.com`) registered, then admin 2. */
  addUserAndAdmin(): Promise<void>;
  /** A token for user `sub`, signed as the apps sign theirs. */
  mint(sub: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts {@link PlainAndFast} apps, each with its own of the options given as a pair. */
export async function startPlainAndFast(
  options: (side: 'plain' | 'fast') => Parameters<typeof startTestApp>[1],
): Promise<PlainAndFast> {
  const plain = await startTestApp(new InMemoryStore(), options('plain'));
  const fast = await startTestApp(new InMemoryStore(), options('fast'));
  const server = createServer(plain.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    plain,
    fast,
    plainUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async addUserAndAdmin() {
      for (const app of [plain, fast]) {
        const register = await fetch(`${app.url}/users/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'fast@example.com', password: 'password-1', user_name: 'F' }),
        });
        if (register.status !== 201) throw new Error(`registration answered ${register.status}`);
        await app.ensureAdmin.execute({ email: 'admin@example.com', password: 'admin-password-1' });
      }
    },
    mint: (sub) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer('exam-reservation')
        .setAudience('exam-reservation-api')
        .setExpirationTime(Math.floor(fast.clock.now() / 1000) + 600)
        .sign(new TextEncoder().encode(TEST_JWT_SECRET)),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await plain.close();
      await fast.close();
    },
  };
}
