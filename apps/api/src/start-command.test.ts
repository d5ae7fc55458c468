import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);

/**
 * The node command of a script: its last `&&` step, without the `exec` that
 * makes the shell hand its process over to node (so pnpm's child is node
 * itself, and a signal reaches it directly).
 */
function nodeCommand(script: string): string[] {
  const words = script.split('&&').pop()!.trim().split(/\s+/);
  return words[0] === 'exec' ? words.slice(1) : words;
}

/** The node arguments before the script, from `pnpm start` and from the image's CMD. */
function startArgs(): { script: string[]; image: string[]; scripts: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const script = nodeCommand(pkg.scripts.start!);
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('Dockerfile', root), 'utf8'))?.[1];
  const image = JSON.parse(cmd ?? '[]') as string[];
  return { script, image, scripts: pkg.scripts };
}

describe('how the API is started', () => {
  it('runs the same node with the same heap settings from `pnpm start` and from the container image', () => {
    const { script, image } = startArgs();
    expect(script[0]).toBe('node');
    // The bundle of apps/api/dist/main.js that scripts/build.mjs makes (a faster start).
    expect(script.at(-1)).toBe('apps/api/bundle/main.js');
    expect(script.some((a) => a.startsWith('--max-old-space-size='))).toBe(true);
    expect(image).toEqual(script);
  });

  it('execs node as the last step of `pnpm start` and `pnpm cli`, so no shell stands between pnpm and node', () => {
    // A shell in between dies of the terminal's SIGINT at once, and pnpm reports that as a failure.
    const { scripts } = startArgs();
    for (const name of ['start', 'cli']) {
      expect(scripts[name]!.split('&&').pop()!.trim(), name).toMatch(/^exec node /);
      expect(scripts[name], name).toMatch(/^node scripts\/build\.mjs && /);
    }
  });
});
