/**
 * `pnpm simulate SCENARIO.json [--out CHART.svg]`: runs a scenario file of
 * the policy lab (packages/domain/README.md, "The policy lab"), prints the
 * comparison and writes an SVG chart of utilisation over the day per
 * variant (next to the scenario unless --out says where). A bad file is
 * answered with what is wrong and exit code 2.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { runSimulateCli } from '../src/lab-cli.js';

const here = process.env.INIT_CWD ?? process.cwd();
const code = await runSimulateCli(process.argv.slice(2), {
  read: (path) => readFile(resolve(here, path), 'utf8'),
  write: (path, text) => writeFile(resolve(here, path), text),
  chartPathFor: (scenario) => join(dirname(scenario), `${basename(scenario, extname(scenario))}.svg`),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
