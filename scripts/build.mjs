// Builds what `pnpm start` and `pnpm cli` run: every workspace package's
// `src/**/*.ts` (tests left out) transpiled by esbuild to the `dist/**/*.js`
// its package exports point at, only for the files that changed since the
// last build. No type-checking here: `pnpm test` (tsc -b) does that, and it
// writes the same files with the same meaning, so either build serves.
// Prints nothing unless something fails.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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

try {
  await Promise.all((await packages()).map(buildPackage));
} catch (error) {
  const messages = error?.errors?.map((e) => {
    const where = e.location ? `${relative(root, e.location.file)}:${e.location.line}: ` : '';
    return `${where}${e.text}`;
  });
  process.stderr.write(`build failed: ${messages?.join('\n') ?? error}\n`);
  process.exit(1);
}
