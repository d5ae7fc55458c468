import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, ROOT, startApi } from './api-process.js';
import { jsonClient } from './stories.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const MARKER = '<!-- walkthrough: run as written by apps/api/test/readme-walkthrough.int.test.ts -->';

/** The `sh` block right after the marker, as a reader copies it. */
function walkthrough(): string {
  const at = README.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no "${MARKER}"`);
  const block = /^```sh\n([\s\S]*?)\n```/.exec(README.slice(at + MARKER.length).trimStart())?.[1];
  if (!block) throw new Error('no ```sh block right after the walkthrough marker in README.md');
  return block;
}

/** The admin of the README's start command `ADMIN_EMAIL=… ADMIN_PASSWORD=… npm start`. */
function readmeAdmin(): { email: string; password: string } {
  const found = /^ADMIN_EMAIL=(\S+) ADMIN_PASSWORD=(\S+) npm start$/m.exec(README);
  if (!found) throw new Error('README.md has no "ADMIN_EMAIL=… ADMIN_PASSWORD=… npm start" line');
  return { email: found[1]!, password: found[2]! };
}

/*
 * The README's curl walkthrough (register, log in, book, the admin confirms, schedule, history),
 * run with bash exactly as written against a real API process started as the README says, with
 * the README's ADMIN_EMAIL and ADMIN_PASSWORD; `-e -o pipefail` so that any failing step fails.
 */
describe("the README's curl walkthrough", () => {
  let database: TestDatabase;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  }, 180_000);
  afterAll(async () => {
    if (api) expect(await api.stop()).toBe(0);
    await database?.drop();
  });

  it('runs as written and leaves a confirmed reservation whose history is created, then confirmed', async () => {
    const admin = readmeAdmin();
    api = await startApi({
      DATABASE_URL: database.url,
      JWT_SECRET: 'walkthrough-secret-walkthrough-secret',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
    });
    const { stdout } = await promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', walkthrough()], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, API: api.url },
    });
    const id = Number(/^reservation (\d+) is pending$/m.exec(stdout)?.[1]);
    expect(id, stdout).toBeGreaterThan(0);
    expect(stdout).toContain(`{"id":${id},"status":"confirmed"}`);
    expect(stdout).toMatch(/"available_capacity":49880/);
    expect(stdout).toMatch(/ created by user\n.* confirmed by admin\n$/);

    // The state the walkthrough leaves, read through the API.
    const call = jsonClient(api.url);
    const token = (await call('POST', '/users/login', { body: admin })).body.access_token as string;
    const reservation = await call('GET', `/reservations/${id}`, { token });
    expect(reservation.body).toMatchObject({
      status: 'confirmed',
      number_of_people: 120,
      reservation_name: 'TOEIC',
    });
    const history = await call('GET', `/reservations/${id}/history`, { token });
    expect(
      (history.body as { type: string; actor_role: string }[]).map((e) => [e.type, e.actor_role]),
    ).toEqual([
      ['created', 'user'],
      ['confirmed', 'admin'],
    ]);
  }, 120_000);
});
