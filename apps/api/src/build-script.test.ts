import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BUILD = fileURLToPath(new URL('../../../scripts/build.mjs', import.meta.url));
const run = promisify(execFile);

describe('scripts/build.mjs (what `pnpm start` and `pnpm cli` build with)', () => {
  let root: string;
  const pkg = () => join(root, 'packages/lib');
  const build = () => run(process.execPath, [BUILD, root]);
  const dist = async () => (await readdir(join(pkg(), 'dist'), { recursive: true })).map(String).sort();
  const mtime = async (path: string) => (await stat(join(pkg(), path))).mtimeMs;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'build-script-'));
    await writeFile(
      join(root, 'tsconfig.base.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022' } }),
    );
    await mkdir(join(pkg(), 'src/inner'), { recursive: true });
    await mkdir(join(pkg(), 'dist'), { recursive: true });
    await writeFile(
      join(pkg(), 'tsconfig.build.json'),
      JSON.stringify({
        extends: '../../tsconfig.base.json',
        compilerOptions: { rootDir: 'src', outDir: 'dist' },
      }),
    );
    await writeFile(
      join(pkg(), 'src/a.ts'),
      "import type { B } from './inner/b.js';\nexport class A { readonly b: B | undefined; code = 'a' as const; }\n",
    );
    await writeFile(join(pkg(), 'src/inner/b.ts'), 'export type B = number;\nexport const b: B = 1;\n');
    await writeFile(join(pkg(), 'src/a.test.ts'), "import './a.js';\n");
    // Left by earlier builds: a compiled test, and the output of a source since deleted.
    await writeFile(join(pkg(), 'dist/a.test.js'), '');
    await writeFile(join(pkg(), 'dist/gone.js'), '');
    await writeFile(join(pkg(), 'dist/gone.d.ts'), '');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('compiles every source but the tests to dist, and removes outputs without a source', async () => {
    const { stdout, stderr } = await build();
    expect(stdout + stderr).toBe('');
    expect(await dist()).toEqual(['a.js', 'a.js.map', 'inner', 'inner/b.js', 'inner/b.js.map']);
    const a = await readFile(join(pkg(), 'dist/a.js'), 'utf8');
    // Type-only imports go; class fields keep define semantics (as tsc emits for ES2022).
    expect(a).not.toContain('inner/b.js');
    expect(a).toMatch(/^\s+b;$/m);
    expect(a).toContain('//# sourceMappingURL=a.js.map');
  });

  it('rebuilds only what changed since the last build', async () => {
    await build();
    const [a, b] = [await mtime('dist/a.js'), await mtime('dist/inner/b.js')];
    await build();
    expect([await mtime('dist/a.js'), await mtime('dist/inner/b.js')]).toEqual([a, b]);
    const later = new Date(Date.now() + 5_000);
    await utimes(join(pkg(), 'src/inner/b.ts'), later, later);
    await build();
    expect(await mtime('dist/a.js')).toBe(a);
    expect(await mtime('dist/inner/b.js')).toBeGreaterThan(b);
  });

  it('fails with the file and line of a syntax error', async () => {
    await writeFile(join(pkg(), 'src/inner/b.ts'), 'export const b = ;\n');
    const failure = await build().catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(
      /^build failed: .*packages\/lib\/src\/inner\/b\.ts:1: /,
    );
  });
});
