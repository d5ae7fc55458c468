import { existsSync } from 'node:fs';
import { InMemoryStore } from '@exam-reservation/application/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './testing/test-app.js';

const CHROMIUM = '/usr/bin/chromium';

describe('Swagger UI at /api-docs in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``);
    }
    app = await startTestApp(new InMemoryStore());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const operation = (method: string, path: string) =>
    page.locator(`.opblock-${method}:has(.opblock-summary-path[data-path="${path}"])`);

  async function execute(method: string, path: string): Promise<string> {
    const block = operation(method, path);
    await block.locator('.opblock-summary').click();
    await block.locator('button.try-out__btn').click();
    await block.locator('button.execute').click();
    const status = block.locator('.live-responses-table .response .response-col_status');
    await status.first().waitFor();
    return ((await status.first().textContent()) ?? '').trim();
  }

  it('loads, lists every operation, and runs GET /healthz with Try it out → Execute', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${app.url}/api-docs/`);
    await page.locator('.opblock').first().waitFor();
    // 30 routes, and the 5 webhook requests of the document's `webhooks` section.
    expect(await page.locator('.opblock').count()).toBe(35);
    for (const [method, path] of [
      ['post', '/webhooks'],
      ['get', '/webhooks/{id}/deliveries'],
      ['get', '/metrics'],
      ['post', '/reservations/{id}/reject'],
      ['get', '/reservations/{id}/history'],
      ['post', '/reservations/bulk/confirm'],
      ['post', '/reservations/bulk/reject'],
      ['post', '/reservations/admit'],
      ['get', '/reservations/load'],
      ['get', '/reservations/export'],
      ['get', '/users'],
      ['patch', '/users/{id}'],
      ['post', '/users/{id}/unlock'],
      ['post', '/users/me/password'],
    ] as const) {
      expect(await operation(method, path).count(), `${method} ${path}`).toBe(1);
    }
    await expect(page.title()).resolves.toBe('Exam reservation API');
    expect(await execute('get', '/healthz')).toBe('200');
    expect(errors).toEqual([]);
  });

  it('shows the Idempotency-Key header of POST /reservations/admit in Try it out', async () => {
    const block = operation('post', '/reservations/admit');
    await block.locator('.opblock-summary').click();
    await expect
      .poll(async () => (await block.locator('.parameters').textContent()) ?? '')
      .toContain('Idempotency-Key');
    await block.locator('.opblock-summary').click();
  });

  it('walks a newcomer through register, log in, Authorize, a booking and a schedule with the examples unchanged', async () => {
    const context = await browser.newContext();
    const fresh = await context.newPage();
    const errors: string[] = [];
    fresh.on('pageerror', (error) => errors.push(error.message));
    try {
      await fresh.goto(`${app.url}/api-docs/`);
      const block = (method: string, path: string) =>
        fresh.locator(`.opblock-${method}:has(.opblock-summary-path[data-path="${path}"])`);
      /** Try it out → Execute with whatever is pre-filled; the status and the body shown. */
      const run = async (method: string, path: string): Promise<{ status: string; body: string }> => {
        const op = block(method, path);
        await op.locator('.opblock-summary').click();
        await op.locator('button.try-out__btn').click();
        await op.locator('button.execute').click();
        const response = op.locator('.live-responses-table .response').first();
        await response.waitFor();
        const status = ((await response.locator('.response-col_status').textContent()) ?? '').trim();
        const body = (await response.locator('.response-col_description pre').first().textContent()) ?? '';
        return { status, body };
      };

      expect((await run('post', '/users/register')).status).toBe('201');
      const login = await run('post', '/users/login');
      expect(login.status).toBe('200');
      const token = (JSON.parse(login.body) as { access_token: string }).access_token;
      await fresh.locator('.scheme-container button.authorize').click();
      // The first scheme is the bearer of the log-in (the second, the metrics token).
      await fresh.locator('.modal-ux input[type="text"]').first().fill(token);
      await fresh.locator('.modal-ux .auth-btn-wrapper button.authorize').first().click();
      await fresh.locator('.modal-ux button.btn-done').first().click();

      const created = await run('post', '/reservations');
      expect(created.status, created.body).toBe('201');
      expect(JSON.parse(created.body)).toMatchObject({
        status: 'pending',
        start_time: '2026-11-23T09:00:00+09:00',
      });
      const schedules = await run('get', '/reservations/schedules');
      expect(schedules.status, schedules.body).toBe('200');
      const items = JSON.parse(schedules.body) as { start: string; available_capacity: number }[];
      expect(items.length).toBeGreaterThan(0);
      expect(items[0]).toMatchObject({ start: '2026-11-23T00:00:00+09:00', available_capacity: 50_000 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('sends the token given to Authorize: GET /users/me goes from 401 to 200', async () => {
    await fetch(`${app.url}/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ui@example.com', password: 'password-1', user_name: 'UI' }),
    });
    const login = await fetch(`${app.url}/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ui@example.com', password: 'password-1' }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };

    expect(await execute('get', '/users/me')).toBe('401');
    await page.locator('.scheme-container button.authorize').click();
    // The first scheme is the bearer token; the second, METRICS_TOKEN for /metrics.
    await page.locator('.modal-ux input[type="text"]').first().fill(token);
    await page.locator('.modal-ux .auth-btn-wrapper button.authorize').first().click();
    await page.locator('.modal-ux button.btn-done').first().click();
    const block = operation('get', '/users/me');
    await block.locator('button.execute').click();
    const status = block.locator('.live-responses-table .response .response-col_status');
    await expect.poll(async () => ((await status.first().textContent()) ?? '').trim()).toBe('200');
    await expect(page.evaluate<string | null>("localStorage.getItem('authorized')")).resolves.toContain(
      token,
    );
  });
});
