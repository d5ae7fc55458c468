/// <reference lib="dom" />
// The browser's types, for the callbacks that run in the page (evaluate, addInitScript).
import { existsSync, mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, killHard, ROOT, START_BUNDLE, startApi } from './api-process.js';
import { type Call, jsonClient, seoulDate } from './stories.js';
import { type Receiver, startReceiver } from './webhook-receiver.js';

// The README's screenshots are redrawn with UPDATE_SCREENSHOTS=1; other runs draw them in a
// temporary folder, so a test run leaves the checkout as it was.
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs') : mkdtempSync(join(tmpdir(), 'console-shots-'));

/*
 * The admin console (/admin) in Debian's Chromium, against the API as `npm start` runs it (the start
 * bundle, the console built by scripts/build.mjs) on a real PostgreSQL database, over a known fixture:
 * capacity 100; on day D, 09:00 full (100 confirmed, 20 pending), 10:00 half (50 confirmed, 40 and 20
 * pending) and 11:00 empty with 30 pending.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN = { email: 'ops@example.com', password: 'ops-password-1' };
const USER = { email: 'kim@example.com', password: 'kims-password' };
const LOCKED = { email: 'lee@example.com', password: 'lees-password' };
const D = seoulDate(10);
const [FROM, TO] = [seoulDate(8), seoulDate(14)];

/** The cells' colours as the style sheet draws them (reversed viridis). */
const RGB = { empty: 'rgb(253, 231, 37)', half: 'rgb(33, 145, 140)', full: 'rgb(68, 1, 84)' };

describe('the admin console at /admin in a real browser', () => {
  let database: TestDatabase;
  let api: ApiProcess;
  let call: Call;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let adminToken: string;
  let healthy: Receiver;
  let failing: Receiver;
  const ids: Record<string, number> = {};
  const requests: string[] = [];
  const problems: string[] = [];
  const loads: number[] = [];

  const logIn = async (who: { email: string; password: string }) => {
    const res = await call('POST', '/users/login', { body: who });
    return { status: res.status, token: res.body?.access_token as string };
  };

  /** A page whose every request, error and policy violation is recorded. */
  const watchedPage = async (into: BrowserContext) => {
    const p = await into.newPage();
    p.on('request', (request) => requests.push(request.url()));
    p.on('pageerror', (error) => problems.push(error.message));
    p.on('console', (message) => {
      // The API's refusals the tests provoke (403, 409) are logged by the browser too; they are asserted on their own.
      const refusal = /^Failed to load resource: the server responded with a status of (403|409)\b/;
      if (message.type() === 'error' && !refusal.test(message.text())) problems.push(message.text());
    });
    await p.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    return p;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``);
    }
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    api = await startApi(
      {
        DATABASE_URL: database.url,
        JWT_SECRET: 'console-test-secret-console-test-secret',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        SLOT_CAPACITY: '100',
        HASH_QUEUE_MAX_WAIT_MS: '60000',
        WEBHOOK_ALLOW_PRIVATE: 'true',
      },
      START_BUNDLE,
    );
    call = jsonClient(api.url);
    adminToken = (await logIn(ADMIN)).token;
    healthy = await startReceiver(() => 204);
    failing = await startReceiver(() => 500);
    for (const receiver of [healthy, failing]) {
      const res = await call('POST', '/webhooks', {
        token: adminToken,
        body: { url: receiver.url, events: ['reservation.confirmed'] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const who of [USER, LOCKED]) {
      expect((await call('POST', '/users/register', { body: { ...who, user_name: 'U' } })).status).toBe(201);
    }
    const user = (await logIn(USER)).token;
    const book = async (name: string, from: string, to: string, people: number, day = D) => {
      const res = await call('POST', '/reservations', {
        token: user,
        body: {
          reservation_name: name,
          start: `${day} ${from}`,
          end: `${day} ${to}`,
          number_of_people: people,
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[name] = res.body.id;
    };
    // In creation order, which admission follows.
    await book('full', '09:00', '09:10', 100);
    await book('half', '10:00', '10:10', 50);
    await book('fits', '11:00', '11:10', 30);
    await book('too-late', '09:00', '09:10', 20);
    await book('second-half', '10:00', '10:10', 40);
    await book('no-room', '10:00', '10:10', 20);
    // Scenery for the screenshot, on other days of the range: confirmed, so admission leaves it alone.
    await book('morning', '08:00', '12:00', 35, seoulDate(9));
    await book('afternoon', '13:00', '17:30', 80, seoulDate(11));
    await book('evening', '18:00', '21:00', 60, seoulDate(12));
    for (const name of ['full', 'half', 'morning', 'afternoon', 'evening']) {
      const res = await call('POST', `/reservations/${ids[name]}/confirm`, { token: adminToken });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    page = await watchedPage(context);
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/reservations/load') loads.push(response.status());
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    if (api) await killHard(api);
    await database?.drop();
    await healthy?.close();
    await failing?.close();
  });

  const cell = (time: string, day = D) =>
    page.locator(`table.heat tr:has(th:text-is("${day}")) td[data-time="${time}"]`);
  const colourOf = (time: string) => cell(time).evaluate((td) => getComputedStyle(td).backgroundColor);
  const markOf = (time: string) => cell(time).evaluate((td) => getComputedStyle(td, '::after').content);

  it('serves the page under a strict policy, signs an admin in, and draws the fixture in the right colours', async () => {
    const answer = await page.goto(`${api.url}/admin`);
    const policy = answer?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(page.url()).toBe(`${api.url}/admin/`);

    await page.getByLabel('Admin e-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText(`Signed in as ${ADMIN.email}`).count()).toBe(1);
    await page.getByLabel('From').fill(FROM);
    await page.getByLabel('to', { exact: true }).fill(TO);
    await page.getByRole('button', { name: 'Show range' }).click();
    await cell('09:00').waitFor();

    expect(await page.locator('table.heat tbody tr').count()).toBe(7);
    // Landmarks, and a label for every form control.
    for (const role of ['banner', 'navigation', 'main'] as const) {
      expect(await page.getByRole(role).count(), role).toBeGreaterThan(0);
    }
    const unlabelled = await page
      .locator('input, select')
      .evaluateAll((controls) =>
        controls.filter((c) => (c as HTMLInputElement).labels?.length === 0).map((c) => c.outerHTML),
      );
    expect(unlabelled).toEqual([]);
    expect(await cell('09:00').getAttribute('data-bin')).toBe('10');
    expect(await colourOf('09:00')).toBe(RGB.full);
    expect(await cell('09:00').getAttribute('data-demand')).toBe('over');
    expect(await colourOf('10:00')).toBe(RGB.half);
    expect(await cell('10:00').getAttribute('data-bin')).toBe('5');
    expect(await cell('10:00').getAttribute('data-demand')).toBe('over');
    expect(await colourOf('11:00')).toBe(RGB.empty);
    expect(await cell('11:00').getAttribute('data-demand')).toBe('fits');
    expect(await markOf('11:00')).not.toBe('none');
    expect(await markOf('12:00')).toBe('none');
    expect(await cell('10:00').getAttribute('aria-label')).toBe(
      `${D} 10:00–10:10: 50 of 100 confirmed (50 %), 60 pending, more than the room left`,
    );

    // Keyboard: the map is one tab stop; arrow keys move and read each slot out below the map.
    await page.locator('table.heat td[tabindex="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('cell-detail').textContent()).toContain('00:10–00:20');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('cell-detail').textContent()).toContain(seoulDate(9));

    // Refreshed with If-None-Match: the unchanged map comes back as 304.
    await expect.poll(() => loads.includes(304), { timeout: 15_000 }).toBe(true);
    await cell('11:00').focus();
    await expect.poll(() => page.getByTestId('cell-detail').textContent()).toContain(`${D} 11:00–11:10`);
    await page.locator('#load').screenshot({ path: join(SHOTS, 'console-heatmap.png') });
  });

  it('lists the pending queue in pages by the API’s links', async () => {
    const queue = page.getByTestId('queue');
    await expect.poll(() => queue.locator('tbody tr').count()).toBe(4);
    expect(await page.locator('#queue .pager').textContent()).toContain('4 in all');
    await page.locator('#queue').getByLabel('User id').fill('999');
    await page.locator('#queue').getByRole('button', { name: 'Filter and refresh' }).click();
    await expect.poll(() => queue.textContent()).toContain('Nothing pending.');
  });

  it('previews an admission, then runs it, and the run does what the preview said', async () => {
    const admission = page.locator('#admission');
    await admission.getByLabel('Reject what does not fit').check();
    expect(await admission.getByRole('button', { name: 'Run admission' }).isDisabled()).toBe(true);
    await admission.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    const counts = async (testid: string) =>
      Object.fromEntries(
        await page
          .getByTestId(testid)
          .locator('dd[data-count]')
          .evaluateAll((dds) => dds.map((dd) => [dd.getAttribute('data-count'), dd.textContent])),
      );
    const previewed = await counts('preview');
    expect(previewed).toEqual({ confirmed: '2', rejected: '2', left_pending: '0', complete: 'yes' });
    // A dry run changed nothing.
    expect((await call('GET', `/reservations/${ids.fits}`, { token: adminToken })).body.status).toBe(
      'pending',
    );
    await page.locator('#admission').screenshot({ path: join(SHOTS, 'console-admission.png') });

    await admission.getByRole('button', { name: 'Run admission' }).click();
    await page.getByTestId('result').waitFor();
    expect(await counts('result')).toEqual(previewed);
    expect(await admission.getByRole('status').textContent()).toBe('It did what the preview said.');
    const statuses: Record<string, string> = {};
    for (const name of ['fits', 'too-late', 'second-half', 'no-room']) {
      statuses[name] = (await call('GET', `/reservations/${ids[name]}`, { token: adminToken })).body.status;
    }
    expect(statuses).toEqual({
      fits: 'confirmed',
      'too-late': 'rejected',
      'second-half': 'confirmed',
      'no-room': 'rejected',
    });
    // The map follows on its next refresh: 10:00 is 90 % full, 11:00 has no pending demand left.
    await expect.poll(() => cell('10:00').getAttribute('data-bin'), { timeout: 15_000 }).toBe('9');
    expect(await cell('11:00').getAttribute('data-demand')).toBe('none');
  });

  it('exports the range as the API’s CSV through a download', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^Export CSV/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`reservations-${FROM}-to-${TO}.csv`);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + Object.keys(ids).length);
    expect(csv).toContain(`${ids['no-room']},`);
  });

  it('unlocks a locked account, and refuses to demote the last admin', async () => {
    for (let i = 0; i < 5; i++) await logIn({ ...LOCKED, password: 'wrong-password' });
    expect((await logIn(LOCKED)).status).toBe(429);
    const users = page.locator('#users');
    await users.getByLabel('E-mail').fill(LOCKED.email);
    await users.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => page.getByTestId('users').locator('tbody tr').count()).toBe(1);
    await users.getByRole('button', { name: `Unlock ${LOCKED.email}` }).click();
    await expect.poll(() => page.getByTestId('users-message').textContent()).toContain('is unlocked');
    expect((await logIn(LOCKED)).status).toBe(200);

    await users.getByRole('button', { name: `Make ${LOCKED.email} an admin` }).click();
    await expect.poll(() => page.getByTestId('users-message').textContent()).toContain('is now an admin');
    expect((await call('GET', `/users?email=${LOCKED.email}`, { token: adminToken })).body[0].role).toBe(
      'admin',
    );
    await users.getByRole('button', { name: `Make ${LOCKED.email} a user` }).click();
    await expect.poll(() => page.getByTestId('users-message').textContent()).toContain('is now a user');

    await users.getByLabel('E-mail').fill('');
    await users.getByLabel('Role').selectOption('admin');
    await users.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => page.getByTestId('users').locator('tbody tr').count()).toBe(1);
    await users.getByRole('button', { name: `Make ${ADMIN.email} a user` }).click();
    await expect.poll(() => page.getByTestId('users-message').textContent()).toContain('409 last_admin');
    expect(await page.getByTestId('users-message').getAttribute('role')).toBe('alert');
    await users.getByLabel('Role').selectOption('');
    await users.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => page.getByTestId('users').locator('tbody tr').count()).toBe(3);
    await page.locator('#users').screenshot({ path: join(SHOTS, 'console-users.png') });
  });

  it('shows the webhook endpoints and their recent delivery health', async () => {
    const section = page.locator('#webhooks');
    const verdicts = async () => {
      await section.getByRole('button', { name: 'Refresh' }).click();
      return section.locator('.verdict').allTextContents();
    };
    await expect.poll(verdicts, { timeout: 30_000 }).toEqual(['healthy', 'failing']);
    const rows = page.getByTestId('webhooks').locator('tbody tr');
    expect(await rows.nth(0).textContent()).toContain(healthy.url);
    expect(Number(await rows.nth(0).locator('td.num').first().textContent())).toBeGreaterThan(0);
    expect(await rows.nth(1).textContent()).toContain('500');
  });

  it('shows a user the API’s refusal and none of the data', async () => {
    const userContext = await browser.newContext();
    const statuses: number[] = [];
    try {
      const userPage = await watchedPage(userContext);
      userPage.on('response', (response) => statuses.push(response.status()));
      await userPage.goto(`${api.url}/admin/`);
      await userPage.getByLabel('Admin e-mail').fill(USER.email);
      await userPage.getByLabel('Password').fill(USER.password);
      await userPage.getByRole('button', { name: 'Sign in' }).click();
      const refusal = userPage.getByRole('alert');
      await expect.poll(() => refusal.textContent()).toContain('403 forbidden');
      expect(statuses).toContain(403);
      expect(await userPage.locator('table').count()).toBe(0);
      const token = (await logIn(USER)).token;
      for (const path of [`/reservations/load?start=${D}&end=${D}`, '/users', '/webhooks']) {
        expect((await call('GET', path, { token })).status, path).toBe(403);
      }
    } finally {
      await userContext.close();
    }
  });

  it('works from the keyboard alone: signs in, shows a range, and reaches every control with Tab', async () => {
    const keysContext = await browser.newContext();
    try {
      const keys = await watchedPage(keysContext);
      await keys.goto(`${api.url}/admin/`);
      const isFocused = (control: ReturnType<Page['locator']>) =>
        control.evaluate((element) => element === document.activeElement);
      /** Presses Tab until `control` has the focus; fails if it never does. */
      const tabTo = async (control: ReturnType<Page['locator']>) => {
        for (let press = 0; press < 80; press++) {
          await keys.keyboard.press('Tab');
          if (await isFocused(control)) return;
        }
        throw new Error(`Tab never reached ${control}`);
      };
      await tabTo(keys.getByLabel('Admin e-mail'));
      await keys.keyboard.type(ADMIN.email);
      await tabTo(keys.getByLabel('Password'));
      await keys.keyboard.type(ADMIN.password);
      await keys.keyboard.press('Enter');
      await expect.poll(() => keys.getByText(`Signed in as ${ADMIN.email}`).count()).toBe(1);
      await tabTo(keys.getByRole('button', { name: 'Show range' }));
      await keys.keyboard.press('Enter');
      await keys.locator('table.heat').waitFor();
      // Every visible control that can be used is a tab stop: Tab twice round the page, noting what had the focus.
      const controls = keys.locator('button:visible:enabled, input:visible:enabled, select:visible:enabled');
      await expect.poll(() => controls.count()).toBeGreaterThan(10);
      const reached = new Set<string>();
      const presses = 2 * (await keys.locator('a[href], button, input, select, [tabindex="0"]').count());
      for (let press = 0; press < presses; press++) {
        await keys.keyboard.press('Tab');
        const id = await keys.evaluate(() => {
          const element = document.activeElement;
          return element ? Array.from(document.querySelectorAll('*')).indexOf(element) : -1;
        });
        reached.add(String(id));
      }
      const all = await controls.evaluateAll((found) =>
        found.map((element) => String(Array.from(document.querySelectorAll('*')).indexOf(element))),
      );
      expect(all.filter((id) => !reached.has(id))).toEqual([]);
    } finally {
      await keysContext.close();
    }
  });

  it('asked nothing of any other origin, and broke no policy', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((url) => !url.startsWith(`${api.url}/`) && !url.startsWith('blob:'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
