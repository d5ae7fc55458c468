import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, ROOT, startApi } from './api-process.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** The environment of a child, without what pnpm sets for the scripts it runs (npm reads npm_config_*). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_|^pnpm_/i.test(key)));
  return { ...env, ...extra };
}

/** Packs a workspace package as its README says (`pnpm pack`, which runs `prepack`). */
async function pack(folder: string, destination: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run(
    'npx',
    ['-y', 'pnpm@10.34.9', 'pack', '--json', '--pack-destination', destination],
    {
      cwd: join(ROOT, folder),
      env: cleanEnv(),
    },
  );
  const report = JSON.parse(stdout.slice(stdout.indexOf('\n{') + 1)) as {
    filename: string;
    files: { path: string }[];
  };
  return { tarball: report.filename, files: report.files.map((f) => f.path).sort() };
}

/**
 * A strict ESM TypeScript project in a temporary folder outside the workspace, with the tarball
 * installed by npm (its runtime dependencies come from the registry) and `files` written into it.
 */
async function consumer(root: string, tarball: string, files: Record<string, string>): Promise<string> {
  const project = join(root, 'consumer');
  await mkdir(project, { recursive: true });
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        skipLibCheck: false,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2023'],
        types: ['node'],
        outDir: 'out',
      },
      include: ['*.ts'],
    }),
  );
  for (const [name, text] of Object.entries(files)) await writeFile(join(project, name), text);
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, '@types/node@20'], {
    cwd: project,
    env: cleanEnv(),
  });
  return project;
}

/** Type-checks the project as a `node16`, a `bundler` and (emitting) a `nodenext` consumer. */
async function typeCheck(project: string): Promise<void> {
  const tsc = (...args: string[]) => run(process.execPath, [TSC, '-p', project, ...args], { cwd: project });
  await Promise.all([
    tsc('--module', 'node16', '--moduleResolution', 'node16', '--noEmit'),
    tsc('--module', 'esnext', '--moduleResolution', 'bundler', '--noEmit'),
    tsc(),
  ]);
}

async function tarballSize(tarball: string): Promise<number> {
  return (await stat(tarball)).size;
}

function expectNoTests(files: string[]): void {
  expect(files.filter((f) => /\.test\.|tsbuildinfo|(^|\/)testing\//.test(f))).toEqual([]);
}

/** The first ```lang block after `heading` in a Markdown text. */
function block(markdown: string, heading: string, lang: string, nth = 0): string {
  const section = markdown.slice(markdown.indexOf(heading));
  const blocks = [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))];
  return blocks[nth]![1]!;
}

describe('the packages other services install, packed and installed in a strict outside project', () => {
  let root: string;
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'exam-reservation-packages-'));
    await buildOnce();
  }, 180_000);

  // Before the concurrent tests below, which pack in the same folders.
  it("the README's pack block, pasted whole from the root, writes both tarballs, which git ignores", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const block = /```sh\n(# from the repository's root[^`]*?)```/.exec(readme)?.[1];
    expect(block, 'the pack block of README.md').toBeDefined();
    const tarballs = [
      'packages/domain/exam-reservation-domain-0.1.0.tgz',
      'packages/client/exam-reservation-client-0.1.0.tgz',
    ];
    try {
      await run('bash', ['-e', '-c', block!], { cwd: ROOT, env: cleanEnv() });
      for (const tarball of tarballs) expect((await stat(join(ROOT, tarball))).size).toBeGreaterThan(0);
      const { stdout } = await run('git', ['check-ignore', ...tarballs], { cwd: ROOT });
      expect(stdout.trim().split('\n')).toEqual(tarballs);
    } finally {
      await Promise.all(tarballs.map((t) => rm(join(ROOT, t), { force: true })));
    }
  }, 240_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await Promise.all(databases.map((d) => d.drop()));
  });

  // Concurrent: most of each is waiting on npm and tsc in child processes.
  it.concurrent('@exam-reservation/domain: the README simulation and policy lab type-check and print what the README says', async () => {
    const { tarball, files } = await pack('packages/domain', root);
    expectNoTests(files);
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
        'src/index.ts',
      ]),
    );
    const manifest = JSON.parse((await run('tar', ['-xzOf', tarball, 'package/package.json'])).stdout);
    expect(manifest.private).toBeUndefined();
    expect(await tarballSize(tarball)).toBeLessThan(100_000);

    const readme = await readFile(join(ROOT, 'packages/domain/README.md'), 'utf8');
    const example = block(readme, '## Simulating a booking policy', 'ts');
    const printed = block(readme, '## Simulating a booking policy', 'text');
    const project = await consumer(join(root, 'domain'), tarball, {
      'index.ts': example,
      // The policy lab from the same entry point: the README's comparison of admission rules.
      'lab.ts': block(readme, '## The policy lab', 'ts'),
      // The types are real: a malformed event, or an admission rule by name, does not compile.
      'misuse.ts': [
        "import { bookingPolicy, runLab, simulate, TimeRange } from '@exam-reservation/domain';",
        '// @ts-expect-error an event needs actor and at',
        "simulate([{ type: 'confirm', id: 1 }], bookingPolicy());",
        '// @ts-expect-error an admission rule is a function, not its name',
        "runLab([], bookingPolicy(), TimeRange.of(0, 1), { admission: 'fifo' });",
        '',
      ].join('\n'),
    });
    await typeCheck(project);
    const { stdout } = await run(process.execPath, ['out/index.js'], { cwd: project });
    expect(stdout).toBe(printed);
    const lab = await run(process.execPath, ['out/lab.js'], { cwd: project });
    expect(lab.stdout).toBe(block(readme, '## The policy lab', 'text'));
  }, 240_000);

  it.concurrent('@exam-reservation/client: a typed outside program books through a live API', async () => {
    const { tarball, files } = await pack('packages/client', root);
    expectNoTests(files);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/schema.d.ts']),
    );
    const database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    databases.push(database);
    let api: ApiProcess | undefined;
    try {
      api = await startApi({
        DATABASE_URL: database.url,
        JWT_SECRET: 'pack-secret-pack-secret-pack-secret-pack',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'admin-password',
      });
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(
        new Date(Date.now() + 7 * 86_400_000),
      );
      const project = await consumer(join(root, 'client'), tarball, {
        'index.ts': CLIENT_PROGRAM,
        'misuse.ts': [
          "import { createExamReservationClient } from '@exam-reservation/client';",
          "const client = createExamReservationClient({ baseUrl: 'http://localhost:8000' });",
          '// @ts-expect-error a booking needs all four fields',
          "void client.api.POST('/reservations', { body: { reservation_name: 'TOEIC' } });",
          '// @ts-expect-error no such route',
          "void client.api.GET('/reservation');",
          '',
        ].join('\n'),
      });
      await typeCheck(project);
      const { stdout } = await run(process.execPath, ['out/index.js'], {
        cwd: project,
        env: cleanEnv({ API_URL: api.url, DAY: day }),
      });
      expect(JSON.parse(stdout)).toEqual({
        booked: 'pending',
        refused: [403, 'forbidden'],
        confirmed: 'confirmed',
        schedules: [
          { start: `${day}T00:00:00+09:00`, end: `${day}T09:00:00+09:00`, available_capacity: 50_000 },
          { start: `${day}T09:00:00+09:00`, end: `${day}T11:00:00+09:00`, available_capacity: 49_880 },
          expect.objectContaining({ start: `${day}T11:00:00+09:00`, available_capacity: 50_000 }),
        ],
      });
    } finally {
      await api?.stop();
    }
  }, 240_000);
});

/** An outside program: register, log in, book, an admin confirms, read the schedule. */
const CLIENT_PROGRAM = `import { ApiError, createExamReservationClient, type Reservation, unwrap } from '@exam-reservation/client';

const baseUrl = process.env.API_URL ?? 'http://localhost:8000';
const day = process.env.DAY ?? '2026-12-01';

const kim = createExamReservationClient({ baseUrl });
await unwrap(kim.api.POST('/users/register', { body: { email: 'kim@example.com', password: 'password-1', user_name: 'Kim' } }));
await kim.login({ email: 'kim@example.com', password: 'password-1' });
const booked: Reservation = await unwrap(
  kim.api.POST('/reservations', {
    body: { reservation_name: 'TOEIC', start: \`\${day} 09:00\`, end: \`\${day} 11:00\`, number_of_people: 120 },
  }),
);

let refused: [number, string] = [0, ''];
try {
  await unwrap(kim.api.POST('/reservations/{id}/confirm', { params: { path: { id: booked.id } } }));
} catch (error) {
  if (!(error instanceof ApiError)) throw error;
  refused = [error.status, error.code];
}

const admin = createExamReservationClient({ baseUrl });
await admin.login({ email: 'admin@example.com', password: 'admin-password' });
const confirmed = await unwrap(admin.api.POST('/reservations/{id}/confirm', { params: { path: { id: booked.id } } }));

const schedules = await unwrap(kim.api.GET('/reservations/schedules', { params: { query: { start: day, end: day } } }));
console.log(JSON.stringify({ booked: booked.status, refused, confirmed: confirmed.status, schedules }));
`;
