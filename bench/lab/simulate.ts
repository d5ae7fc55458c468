/**
 * `pnpm simulate SCENARIO.json [--out CHART.svg]`: runs a scenario file of
 * the policy lab (packages/domain/README.md, "The policy lab"), prints the
 * comparison and writes an SVG chart of utilisation over the day per
 * variant (next to the scenario unless --out says where). A bad file (or
 * one over 1 MiB), or a chart that cannot be written, is answered with what
 * is wrong and exit code 2.
 */
import { open, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { runSimulateCli } from '../src/lab-cli.js';

const here = process.env.INIT_CWD ?? process.cwd();
const code = await runSimulateCli(process.argv.slice(2), {
  read: async (path, maxBytes) => {
    // Reads one byte past the limit at most, so a huge file is refused without being loaded.
    const file = await open(resolve(here, path));
    try {
      const buffer = Buffer.alloc(maxBytes + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      return buffer.toString('utf8', 0, length);
    } finally {
      await file.close();
    }
  },
  write: (path, text) => writeFile(resolve(here, path), text),
  where: (path) => resolve(here, path),
  chartPathFor: (scenario) => join(dirname(scenario), `${basename(scenario, extname(scenario))}.svg`),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
