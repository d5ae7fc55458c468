import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryStore } from '@exam-reservation/application/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './testing/test-app.js';

/** The admin console's static files at /admin, under a policy stricter than the app's. */
describe('GET /admin', () => {
  let dir: string;
  let app: TestApp;
  let bare: TestApp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(dir, 'console.js'), 'export {};');
    app = await startTestApp(new InMemoryStore(), { http: { consoleDir: dir } });
    bare = await startTestApp(new InMemoryStore());
  });
  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const policyOf = (res: Response) =>
    new Map(
      (res.headers.get('content-security-policy') ?? '').split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );

  it('serves the page with a policy that allows only its own scripts, styles and API, and no framing', async () => {
    const res = await fetch(`${app.url}/admin/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>console</title>');
    const policy = policyOf(res);
    expect(policy.get('default-src')).toBe("'none'");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('style-src')).toBe("'self'");
    expect(policy.get('connect-src')).toBe("'self'");
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    // What browsers without frame-ancestors read: not framed by this origin either (the app's is SAMEORIGIN).
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('redirects /admin to /admin/ and serves the script with the same policy', async () => {
    const bareMount = await fetch(`${app.url}/admin`, { redirect: 'manual' });
    expect(bareMount.status).toBe(301);
    expect(bareMount.headers.get('location')).toBe('/admin/');
    const script = await fetch(`${app.url}/admin/console.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(policyOf(script).get('script-src')).toBe("'self'");
  });

  it('answers a missing file, and /admin without a console, with a 404 problem; the API keeps its own policy', async () => {
    const missing = await fetch(`${app.url}/admin/nothing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await missing.json()).toMatchObject({
      code: 'not_found',
      detail: expect.stringContaining('scripts/build.mjs'),
    });
    const none = await fetch(`${bare.url}/admin/`);
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({
      code: 'not_found',
      detail: 'this process serves no admin console',
    });
    const api = await fetch(`${app.url}/healthz`);
    expect(policyOf(api).get('style-src')).toContain("'unsafe-inline'");
  });

  it('answers other methods as the API answers a route it lacks, not as a console left unbuilt, under the console policy', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await fetch(`${app.url}/admin/`, { method });
      expect(res.status).toBe(404);
      expect(policyOf(res).get('frame-ancestors')).toBe("'none'");
      expect(await res.json()).toEqual({
        type: 'urn:exam-reservation:problem:not_found',
        title: 'Not found',
        status: 404,
        detail: `no route for ${method} /admin/`,
        code: 'not_found',
      });
    }
    const head = await fetch(`${app.url}/admin/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('refuses paths that climb out of the folder', async () => {
    const res = await fetch(`${app.url}/admin/..%2f..%2fetc%2fpasswd`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('root:');
  });
});
