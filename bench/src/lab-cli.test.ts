import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runSimulateCli } from './lab-cli.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCENARIOS = join(ROOT, 'packages/domain/scenarios');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** `pnpm simulate …` as the root script runs it; resolves with the exit code whatever it is. */
async function simulateCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      TSX,
      ['--conditions=@exam-reservation/source', 'bench/lab/simulate.ts', ...args],
      { cwd: ROOT, env: { ...process.env, INIT_CWD: ROOT } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The CLI over files in memory, recording what it says. */
function memoryIo(files: Record<string, string>): CliIo & { said: string[]; errors: string[] } {
  const said: string[] = [];
  const errors: string[] = [];
  return {
    said,
    errors,
    read: async (path, maxBytes) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text.slice(0, maxBytes + 1);
    },
    write: async (path, text) => {
      if (path.startsWith('/nowhere/')) throw Object.assign(new Error('no such folder'), { code: 'ENOENT' });
      files[path] = text;
    },
    chartPathFor: (path) => path.replace(/\.json$/, '.svg'),
    where: (path) => resolve('/work-dir', path),
    out: (text) => said.push(text),
    err: (text) => errors.push(text),
  };
}

const tableOf = (stdout: string): string =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .join('\n');

describe('pnpm simulate SCENARIO.json', () => {
  let dir: string;
  /** Each example run once by the command, as `pnpm simulate` runs it, with its chart in `dir`. */
  const runs = new Map<string, Promise<{ code: number; stdout: string; stderr: string }>>();
  const EXAMPLES = ['registration-rush', 'school-groups'];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-lab-'));
    for (const name of EXAMPLES) {
      runs.set(name, simulateCommand(join(SCENARIOS, `${name}.json`), '--out', join(dir, `${name}.svg`)));
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(EXAMPLES)(
    'runs the example %s: a row per variant, and an SVG chart with title, labelled axes and a legend',
    async (name) => {
      const scenario = JSON.parse(await readFile(join(SCENARIOS, `${name}.json`), 'utf8'));
      const chart = join(dir, `${name}.svg`);
      const { code, stdout, stderr } = await runs.get(name)!;
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const rows = tableOf(stdout).split('\n');
      expect(rows).toHaveLength(2 + scenario.variants.length);
      for (const [i, v] of scenario.variants.entries()) expect(rows[2 + i]).toContain(`| ${v.name} `);
      expect(stdout).toContain(`chart: ${chart}`);
      const svg = await readFile(chart, 'utf8');
      expect(svg).toMatch(/^<svg /);
      expect(svg).toContain(
        `<title>${scenario.name.replace(/&/g, '&amp;')}: utilisation over the day</title>`,
      );
      expect(svg).toContain('hour of the day (local time)</text>');
      expect(svg).toContain('seats used (% of capacity)</text>');
      for (const v of scenario.variants) expect(svg).toContain(`<g class="series" data-name="${v.name}">`);
      expect(svg.match(/<circle /g)).toHaveLength(24 * scenario.variants.length);
    },
    120_000,
  );

  it("prints the worked comparison of the domain README's policy lab, number for number", async () => {
    const readme = await readFile(join(ROOT, 'packages/domain/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### A worked comparison'));
    const quoted = /```text\n([\s\S]*?)```/.exec(section)?.[1];
    expect(quoted, 'a ```text block in the README section "A worked comparison"').toBeDefined();
    const { stdout } = await runs.get('registration-rush')!;
    expect(quoted!.trim()).toBe(stdout.split('\n\nchart:')[0]!.trim());
  }, 120_000);

  it('a bad scenario file: what is wrong, by path, and exit code 2 without a stack trace', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        name: 'Bad',
        horizon: { startDate: '2026-12-19', endDate: '19 Dec' },
        demand: {
          seed: -1,
          bookings: 10,
          opensAt: '2026-12-10 10:00',
          burstShare: 2,
          burstMinutes: 10,
          tailHours: 1,
        },
        variants: [{ name: 'x', capacity: 0, admission: 'lottery', colour: 'red' }],
      }),
    );
    const { code, stdout, stderr } = await simulateCommand(bad);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr.split('\n')).toEqual([
      `${bad} is not a valid scenario:`,
      '  horizon.endDate: must look like YYYY-MM-DD, got "19 Dec"',
      '  demand.seed: must be from 0 to 4294967295, got -1',
      '  demand.burstShare: must be from 0 to 1, got 2',
      '  demand.groupSizes: is required',
      '  demand.windows: is required',
      '  variants[0].colour: is not a known key',
      '  variants[0].capacity: must be from 1 to 10000000, got 0',
      '  variants[0].admission: must be one of "fifo", "smallestFirst", "bestFit"',
      '',
    ]);
  }, 60_000);

  it.each([
    ['not JSON', '{"name": ', /^s\.json is not JSON: /],
    ['a list', '[]', /^ {2}\(the file\): must be an object$/m],
    ['a zone the domain refuses', null, /^ {2}timeZone: .*Mars\/Olympus/m],
    ['a local time that is not one', null, /^ {2}demand\.windows\[0\]\.start: /m],
  ])('%s: exit code 2 and a message', async (_, text, message) => {
    const base = JSON.parse(await readFile(join(SCENARIOS, 'school-groups.json'), 'utf8'));
    const broken =
      text ??
      JSON.stringify(
        _ === 'a zone the domain refuses'
          ? { ...base, timeZone: 'Mars/Olympus' }
          : {
              ...base,
              demand: {
                ...base.demand,
                windows: [{ start: '2027-01-11 25:00', end: '2027-01-11 26:00', weight: 1 }],
              },
            },
      );
    const io = memoryIo({ 's.json': broken });
    expect(await runSimulateCli(['s.json'], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(message);
    expect(io.said).toEqual([]);
  });

  it('without --out the chart goes next to the scenario', async () => {
    const files = { 'plans/groups.json': await readFile(join(SCENARIOS, 'school-groups.json'), 'utf8') };
    const io = memoryIo(files);
    expect(await runSimulateCli(['plans/groups.json'], io)).toBe(0);
    expect(Object.keys(files)).toEqual(['plans/groups.json', 'plans/groups.svg']);
    expect(io.said[io.said.length - 1]).toBe('\nchart: plans/groups.svg');
    expect(io.errors).toEqual([]);
  });

  it('a file over 1 MiB is refused unread, and a chart that cannot be written is told, both exit code 2', async () => {
    const scenario = await readFile(join(SCENARIOS, 'school-groups.json'), 'utf8');
    const files = { 'big.json': `${scenario}${' '.repeat(1024 * 1024)}`, 'ok.json': scenario };
    const io = memoryIo(files);
    expect(await runSimulateCli(['big.json'], io)).toBe(2);
    expect(await runSimulateCli(['ok.json', '--out', '/nowhere/chart.svg'], io)).toBe(2);
    expect(io.errors).toEqual([
      'big.json: larger than 1 MiB, which no scenario needs (see the limits in packages/domain/README.md)',
      '/nowhere/chart.svg: cannot write the chart there (ENOENT)',
    ]);
  });

  it('refuses an --out that is the scenario itself before running, and leaves the file as it was', async () => {
    const scenario = await readFile(join(SCENARIOS, 'school-groups.json'), 'utf8');
    const files: Record<string, string> = { 'plans/groups.json': scenario };
    const io = memoryIo(files);
    expect(await runSimulateCli(['plans/groups.json', '--out', 'plans/../plans/groups.json'], io)).toBe(2);
    expect(await runSimulateCli(['plans/groups.json', '--out', '/work-dir/plans/groups.json'], io)).toBe(2);
    expect(files['plans/groups.json']).toBe(scenario);
    expect(io.said).toEqual([]);
    expect(io.errors).toEqual([
      'plans/../plans/groups.json: is the scenario itself; --out names the chart (.svg)',
      '/work-dir/plans/groups.json: is the scenario itself; --out names the chart (.svg)',
    ]);
  });

  it('as a command: a 100 MB file and an --out into a missing folder end with a line and exit code 2, no stack', async () => {
    const big = join(dir, 'huge.json');
    await writeFile(big, ' '.repeat(100 * 1024 * 1024));
    const tooBig = await simulateCommand(big);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr.trim()).toBe(
      `${big}: larger than 1 MiB, which no scenario needs (see the limits in packages/domain/README.md)`,
    );
    await rm(big);
    const missing = join(dir, 'no-such-folder', 'chart.svg');
    const unwritable = await simulateCommand(join(SCENARIOS, 'school-groups.json'), '--out', missing);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr.trim()).toBe(`${missing}: cannot write the chart there (ENOENT)`);
  }, 60_000);

  it('usage and unreadable files: exit code 2', async () => {
    const io = memoryIo({});
    expect(await runSimulateCli([], io)).toBe(2);
    expect(await runSimulateCli(['a.json', 'b.json'], io)).toBe(2);
    expect(await runSimulateCli(['a.json', '--out'], io)).toBe(2);
    expect(await runSimulateCli(['missing.json'], io)).toBe(2);
    expect(io.errors).toEqual([
      'usage: pnpm simulate SCENARIO.json [--out CHART.svg]',
      'usage: pnpm simulate SCENARIO.json [--out CHART.svg]',
      'usage: pnpm simulate SCENARIO.json [--out CHART.svg]',
      'missing.json: cannot read it (ENOENT)',
    ]);
  });
});
