// Builds what `pnpm start` and `pnpm cli` run: every workspace package's
// `src/**/*.ts` (tests left out) transpiled by esbuild to the `dist/**/*.js`
// its package exports point at, only for the files that changed since the
// last build. No type-checking here: `pnpm test` (tsc -b) does that, and it
// writes the same files with the same meaning, so either build serves.
// Then the API's start bundle (see bundleApi) and the admin console's browser bundle
// (see bundleConsole), again only when an input changed.
// Prints nothing unless something fails.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The workspace to build: this repository, or the folder given (tests).
const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));

/** A source to compile: `src/**\/*.ts` except declarations and tests. */
const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.test\.ts$/.test(name);
/** What tsc or this script writes into dist for one source `x.ts`. */
const OUTPUTS = ['.js', '.js.map', '.d.ts', '.d.ts.map'];

async function files(dir) {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const mtime = async (path) => (await stat(path).catch(() => null))?.mtimeMs ?? -1;

/** Every package folder with a build tsconfig: packages/*, apps/*. */
async function packages() {
  const found = [];
  for (const group of ['packages', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const pkg = join(dir, entry.name);
      if (entry.isDirectory() && existsSync(join(pkg, 'tsconfig.build.json'))) found.push(pkg);
    }
  }
  return found;
}

/** Writes through a temporary file and a rename, so a process starting meanwhile never reads half a file. */
async function writeAtomically(path, contents) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

let esbuild;

async function buildPackage(pkg) {
  const src = join(pkg, 'src');
  const dist = join(pkg, 'dist');
  const tsconfig = join(pkg, 'tsconfig.build.json');
  const sources = (await files(src)).filter((f) => isSource(f));
  // A change to the build settings (or to this script) rebuilds the whole package.
  const settingsChanged = Math.max(
    await mtime(tsconfig),
    await mtime(join(root, 'tsconfig.base.json')),
    await mtime(fileURLToPath(import.meta.url)),
  );
  const stale = [];
  for (const source of sources) {
    const output = join(dist, relative(src, source)).replace(/\.ts$/, '.js');
    const built = await mtime(output);
    if (built < (await mtime(source)) || built < settingsChanged) stale.push(source);
  }

  // Outputs whose source is gone (or is a test, from builds that compiled tests) go too.
  const expected = new Set(
    sources.flatMap((s) => OUTPUTS.map((ext) => join(dist, relative(src, s)).replace(/\.ts$/, ext))),
  );
  for (const file of await files(dist)) {
    const output = OUTPUTS.some((ext) => file.endsWith(ext));
    if (output && !expected.has(file)) await rm(file, { force: true });
  }

  if (stale.length === 0) return;
  esbuild ??= await import('esbuild');
  const result = await esbuild.build({
    entryPoints: stale,
    outbase: src,
    outdir: dist,
    tsconfig,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    bundle: false,
    write: false,
    logLevel: 'silent',
  });
  await Promise.all(result.outputFiles.map((file) => writeAtomically(file.path, file.contents)));
}

/**
 * The API as one file, `apps/api/bundle/main.js`, which `pnpm start` runs:
 * `apps/api/dist/main.js` with the workspace packages and their dependencies
 * inlined by esbuild. Node's ES module loader spends most of a start
 * resolving and linking the ~1,000 files the plain graph has (kysely alone
 * is hundreds): loading everything main.js imports took 0.77–0.80 s as
 * files and 0.41–0.43 s as one bundle (2-core machine, 2026-12-02), a
 * tenth of a restart through `npx pnpm start`. The plain
 * `apps/api/dist/main.js` stays the reference (the process tests run it, and
 * `apps/api/test/start-bundle.int.test.ts` checks that both answer alike).
 *
 * Left out, and loaded from node_modules as they are (so `apps/api`
 * depends on them directly): native code (@node-rs/argon2), packages that
 * find their own files next to their code at run time (PGlite's WebAssembly,
 * Swagger UI's assets, pino's worker files), and what is loaded through
 * `createRequire` (ipaddr.js).
 */
const BUNDLE_EXTERNAL = [
  '@node-rs/argon2',
  '@electric-sql/pglite',
  'kysely-pglite-dialect',
  'swagger-ui-express',
  'pino',
  'pg-native',
  'ipaddr.js',
];

/**
 * Whether `out` is newer than every workspace file it was last made from
 * (recorded in `inputsFile` at the last bundling), than `fixed`, and than the
 * last install (pnpm rewrites node_modules/.modules.yaml on each): stating
 * the ~900 dependency files one by one cost more than the check saves.
 */
async function upToDate(out, inputsFile, fixed = []) {
  const built = await mtime(out);
  const always = [fileURLToPath(import.meta.url), join(root, 'node_modules/.modules.yaml'), ...fixed];
  const fresh = (times) => times.every((t) => t >= 0 && t <= built);
  if (built < 0 || !existsSync(inputsFile) || !fresh(await Promise.all(always.map(mtime)))) return false;
  const inputs = JSON.parse(await readFile(inputsFile, 'utf8')).filter(
    (input) => !input.includes('node_modules/'),
  );
  return fresh(await Promise.all(inputs.map((input) => mtime(join(root, input)))));
}

/** Writes esbuild's outputs, then the inputs they were made from (for {@link upToDate}). */
async function writeBundle(result, inputsFile) {
  await Promise.all(result.outputFiles.map((file) => writeAtomically(file.path, file.contents)));
  await writeAtomically(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
}

async function bundleApi() {
  const entry = join(root, 'apps/api/dist/main.js');
  if (!existsSync(entry)) return; // a workspace without the API (the build script's own tests)
  const dir = join(root, 'apps/api/bundle');
  const inputsFile = join(dir, 'inputs.json');
  const out = join(dir, 'main.js');
  if (await upToDate(out, inputsFile)) return;
  esbuild ??= await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: BUNDLE_EXTERNAL,
    // CommonJS dependencies inlined in an ES module still call require() for node's own modules.
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  await writeBundle(result, inputsFile);
}

/**
 * The admin console the API serves at /admin (apps/console): its TypeScript
 * bundled for browsers into `apps/console/dist/public/console.js`, beside
 * its page and style sheet copied from `static/`. Remade only when an input changed.
 */
async function bundleConsole() {
  const pkg = join(root, 'apps/console');
  if (!existsSync(join(pkg, 'src/main.tsx'))) return;
  const dir = join(pkg, 'dist/public');
  const inputsFile = join(pkg, 'dist/inputs.json');
  const out = join(dir, 'console.js');
  const statics = (await files(join(pkg, 'static'))).map((file) => [
    file,
    join(dir, relative(join(pkg, 'static'), file)),
  ]);
  if (await upToDate(out, inputsFile, [join(pkg, 'tsconfig.json'), ...statics.map(([file]) => file)])) return;
  esbuild ??= await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(pkg, 'src/main.tsx')],
    outfile: out,
    tsconfig: join(pkg, 'tsconfig.json'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // The client's types come from its sources (the export condition the tests use too).
    conditions: ['@exam-reservation/source'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  await Promise.all(statics.map(async ([from, to]) => writeAtomically(to, await readFile(from))));
  await writeBundle(result, inputsFile);
}

try {
  await Promise.all((await packages()).map(buildPackage));
  await Promise.all([bundleApi(), bundleConsole()]);
} catch (error) {
  const messages = error?.errors?.map((e) => {
    const where = e.location ? `${relative(root, e.location.file)}:${e.location.line}: ` : '';
    return `${where}${e.text}`;
  });
  process.stderr.write(`build failed: ${messages?.join('\n') ?? error}\n`);
  process.exit(1);
}
