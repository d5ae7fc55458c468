// Servers and browsers the tests drive for real, installed from Debian's
// packages when missing (and allowed: root with apt-get), as users run them:
// Chromium for the Swagger UI test (playwright-core drives it; no browser
// download is possible here), HAProxy and PgBouncer for the scale-out test
// (two API processes behind a load balancer, PostgreSQL through a pooler),
// jq for the README's curl walkthrough, which a test runs as written.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where `name` is found on PATH, if anywhere. */
const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find((path) => existsSync(path));

const tools = [
  {
    what: 'Chromium',
    path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    pkg: 'chromium',
    env: 'CHROMIUM_PATH',
  },
  {
    what: 'HAProxy',
    path: process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy',
    pkg: 'haproxy',
    env: 'HAPROXY_PATH',
  },
  {
    what: 'PgBouncer',
    path: process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer',
    pkg: 'pgbouncer',
    env: 'PGBOUNCER_PATH',
  },
  {
    what: 'jq',
    path: onPath('jq') ?? '/usr/bin/jq',
    pkg: 'jq',
    env: 'PATH',
  },
];

const missing = tools.filter((t) => !existsSync(t.path));
if (missing.length > 0) {
  const root = process.getuid?.() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (!root || !apt) {
    for (const t of missing) {
      console.error(`No ${t.what} at ${t.path}: install it (apt-get install -y ${t.pkg}) or set ${t.env}.`);
    }
    process.exit(1);
  }
  const packages = missing.map((t) => t.pkg).join(' ');
  console.log(`Installing for the tests: apt-get install -y ${packages}…`);
  // policy-rc.d keeps the packages' own services from starting: the tests start their own.
  execSync(
    `apt-get update -qq && DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq ${packages} >/dev/null`,
    { stdio: 'inherit', shell: '/bin/bash' },
  );
}
