#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataDirInUseError } from '@exam-reservation/adapters-postgres';
import { ConflictError } from '@exam-reservation/domain';
import { pino } from 'pino';
import { ConfigError, loadConfig, redactUrl } from './config.js';
import { createContainer, TYPES } from './container.js';
import { describeStartupError } from './startup-error.js';

const USAGE = `usage:
  exam-reservation migrate
  exam-reservation create-admin [--email <email>] [--password-stdin | --password <password>] [--promote] [--name <user name>]

create-admin creates a new admin account: the e-mail is --email, else ADMIN_EMAIL; the password
the first line of stdin with --password-stdin, else --password (which npm and pnpm print, and the
process list shows), else ADMIN_PASSWORD. An e-mail that has an account is refused, unless
--promote is given: then that account becomes an admin and keeps its password (none is needed).

The store is chosen as by the server: DATABASE_URL, else the embedded store in DATA_DIR, which a
running server holds: stop it first, or start the server with ADMIN_EMAIL and ADMIN_PASSWORD set.`;

/** The first line of stdin (without its line break), or all of it when it has none. */
async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  process.stdin.destroy();
  return text.split(/\r?\n/)[0] ?? '';
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command !== 'migrate' && command !== 'create-admin') {
    fail(`${command === undefined ? 'no command given' : `unknown command: ${command}`}\n${USAGE}`);
  }
  let values: {
    email?: string | undefined;
    password?: string | undefined;
    'password-stdin'?: boolean | undefined;
    promote?: boolean | undefined;
    name?: string | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        promote: { type: 'boolean' },
        name: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  let password: string | undefined;
  if (command === 'create-admin') {
    values.email ??= process.env.ADMIN_EMAIL;
    if (!values.email) fail(`create-admin needs --email (or ADMIN_EMAIL)\n${USAGE}`);
    if (values.password !== undefined && values['password-stdin']) {
      fail(`create-admin takes --password or --password-stdin, not both\n${USAGE}`);
    }
    password = values['password-stdin']
      ? await firstLineOfStdin()
      : (values.password ?? process.env.ADMIN_PASSWORD);
    if (password === undefined && !values.promote) {
      fail(`create-admin needs a password: --password-stdin, --password or ADMIN_PASSWORD\n${USAGE}`);
    }
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    // ADMIN_EMAIL and ADMIN_PASSWORD are create-admin's input here, not the server's start-up admin.
    const { ADMIN_EMAIL: _email, ADMIN_PASSWORD: _password, ...env } = process.env;
    config = loadConfig(env, { purpose: 'cli' });
  } catch (error) {
    if (error instanceof ConfigError) fail(`config error: ${error.message}`);
    throw error;
  }
  const container = createContainer(config, pino({ level: 'silent' }));
  try {
    // Opening the store applies pending migrations.
    const store = await container.getAsync(TYPES.Store);
    const where = config.databaseUrl !== undefined ? redactUrl(config.databaseUrl) : config.dataDir;
    if (command === 'migrate') {
      process.stdout.write(`migrations applied (${store.kind}: ${where})\n`);
      return;
    }
    const ensureAdmin = await container.getAsync(TYPES.EnsureAdmin);
    const email = values.email!;
    const { user, outcome } = await ensureAdmin
      .execute({ email, password, userName: values.name, existing: values.promote ? 'promote' : 'refuse' })
      .catch((error: unknown) => {
        if (error instanceof ConflictError) {
          // A user account may be meant to become an admin: say how. An admin account is left as it is.
          const hint = /\(a user\)/.test(error.message)
            ? '; to make it an admin (its password stays as it is), add --promote'
            : '';
          fail(`refused: ${error.message}${hint}`);
        }
        throw error;
      });
    // An existing account keeps its id, sessions and password.
    process.stdout.write(
      outcome === 'created'
        ? `created admin ${user.email} (id ${user.id})\n`
        : outcome === 'promoted'
          ? `promoted ${user.email} (id ${user.id}) to admin; its password is unchanged\n`
          : `${user.email} (id ${user.id}) is already an admin; nothing changed\n`,
    );
  } finally {
    await container.unbindAllAsync();
  }
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof DataDirInUseError && process.argv[2] === 'create-admin') {
    fail(
      `failed: a running server (or another CLI) has the embedded store in ${error.dataDir} open. ` +
        'Either stop the server, run this again and start it again; or stop it and start it with ' +
        'ADMIN_EMAIL and ADMIN_PASSWORD set, which creates that admin at start; ' +
        'or set DATABASE_URL to share a PostgreSQL server with it',
    );
  }
  // Refusals (a bad e-mail, a short password, a folder the server holds) are the operator's to
  // fix: say what they were, in one line.
  fail(`failed: ${describeStartupError(error)}`);
}
