import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '@exam-reservation/adapters-http';
import { bookingPolicy } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `METHOD /path` of every operation in the OpenAPI document the API serves. */
function servedRoutes(): Set<string> {
  const document = buildOpenApiDocument(bookingPolicy(), Date.now());
  const routes = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) if (item[method]) routes.add(`${method.toUpperCase()} ${path}`);
  }
  return routes;
}

/** The routes in the first column of the table under `## Endpoints`: `` `METHOD /path` ``. */
function documentedRoutes(markdown: string): Set<string> {
  const start = markdown.indexOf('\n## Endpoints');
  if (start < 0) return new Set();
  const next = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  const routes = new Set<string>();
  for (const line of section.split('\n')) {
    const route = /^\|\s*`(GET|POST|PUT|PATCH|DELETE) (\/\S*)`\s*\|/.exec(line);
    if (route) routes.add(`${route[1]} ${route[2]}`);
  }
  return routes;
}

/** Every Markdown file of the repository outside node_modules, relative to the root. */
function markdownFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [relative(ROOT, path)] : [];
  });
}

describe('the documentation', () => {
  const served = servedRoutes();

  it.each(['docs/http-api.md', 'README.md'])(
    '%s lists every route of the OpenAPI document in its endpoint table, and no other',
    (file) => {
      const documented = documentedRoutes(read(file));
      const missing = [...served].filter((route) => !documented.has(route)).sort();
      const extra = [...documented].filter((route) => !served.has(route)).sort();
      const problems = [
        ...missing.map((route) => `${route}: served (in the OpenAPI document) but missing from ${file}`),
        ...extra.map((route) => `${route}: in ${file} but not in the OpenAPI document`),
      ];
      expect(problems, `add or remove rows in the "## Endpoints" table of ${file}`).toEqual([]);
      expect(documented.size).toBeGreaterThan(10);
    },
  );

  it('links only to files inside the repository that exist (or to the service on localhost)', () => {
    const broken: string[] = [];
    const files = markdownFiles();
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'docs/http-api.md', 'packages/domain/README.md']),
    );
    for (const file of files) {
      const text = read(file);
      for (const [, link, url] of text.matchAll(/\]\(([^)\s]+)\)|<(https?:[^>\s]+)>/g)) {
        const target = link ?? url!;
        // The running service is the one address outside the repository a reader may follow.
        if (/^https?:\/\/localhost[:/]/.test(target) || target.startsWith('#')) continue;
        if (/^[a-z]+:/i.test(target)) {
          broken.push(`${file}: ${target} leaves the repository`);
          continue;
        }
        const path = resolve(ROOT, dirname(file), target.split('#')[0]!);
        if (relative(ROOT, path).startsWith('..') || !existsSync(path)) broken.push(`${file}: ${target}`);
      }
      if (/\.\.\/shared\//.test(text)) broken.push(`${file}: names ../shared/, which a clone does not have`);
    }
    expect(broken).toEqual([]);
  });
});
