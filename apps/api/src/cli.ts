#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ConfigError, loadConfig, redactUrl } from './config.js';
import { createContainer, TYPES } from './container.js';
import { describeStartupError } from './startup-error.js';

const USAGE = `usage:
  exam-reservation migrate
  exam-reservation create-admin --email <email> --password <password> [--name <user name>]

The store is chosen as by the server: DATABASE_URL, else the embedded store in DATA_DIR.`;

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
  let values: { email?: string | undefined; password?: string | undefined; name?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (command === 'create-admin' && (!values.email || !values.password)) {
    fail(`create-admin needs --email and --password\n${USAGE}`);
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, { purpose: 'cli' });
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
    const { user, created } = await ensureAdmin.execute({
      email: values.email!,
      password: values.password!,
      userName: values.name,
    });
    // An existing account keeps its id and sessions, and gets this password.
    process.stdout.write(
      created
        ? `created admin ${user.email} (id ${user.id})\n`
        : `promoted admin ${user.email} (id ${user.id}); its password is now the one given\n`,
    );
  } finally {
    await container.unbindAllAsync();
  }
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  // Refusals (a bad e-mail, a short password, a folder the server holds) are the operator's to
  // fix: say what they were, in one line.
  fail(`failed: ${describeStartupError(error)}`);
}
