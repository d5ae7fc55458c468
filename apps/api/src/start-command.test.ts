import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);

/** The node arguments before the script, from `pnpm start` and from the image's CMD. */
function startArgs(): { script: string[]; image: string[] } {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const script = pkg.scripts.start!.split('&&').pop()!.trim().split(/\s+/);
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('Dockerfile', root), 'utf8'))?.[1];
  const image = JSON.parse(cmd ?? '[]') as string[];
  return { script, image };
}

describe('how the API is started', () => {
  it('runs the same node with the same heap settings from `pnpm start` and from the container image', () => {
    const { script, image } = startArgs();
    expect(script[0]).toBe('node');
    expect(script.at(-1)).toBe('apps/api/dist/main.js');
    expect(script.some((a) => a.startsWith('--max-old-space-size='))).toBe(true);
    expect(image).toEqual(script);
  });
});
