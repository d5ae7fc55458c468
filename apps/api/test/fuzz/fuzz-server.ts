/**
 * The fuzz suite's server, in a process of its own so that a request that
 * blocks its event loop or exhausts its heap is measured and survived by the
 * test instead of stalling or killing it: the real Express app
 * (startTestApp: fixed clock, real JWTs) over PostgreSQL at
 * FUZZ_DATABASE_URL, with an admin account FUZZ_ADMIN_EMAIL /
 * FUZZ_ADMIN_PASSWORD. Prints one JSON line `{"url": …}` on stdout when it
 * listens; error-level log lines (with `reqId`) go to stderr.
 */
import { startTestApp } from '@exam-reservation/adapters-http/testing';
import { openPostgresStore } from '@exam-reservation/adapters-postgres';
import { pino } from 'pino';

const url = process.env.FUZZ_DATABASE_URL;
const email = process.env.FUZZ_ADMIN_EMAIL;
const password = process.env.FUZZ_ADMIN_PASSWORD;
if (!url || !email || !password) {
  process.stderr.write(
    'fuzz-server: FUZZ_DATABASE_URL, FUZZ_ADMIN_EMAIL and FUZZ_ADMIN_PASSWORD are required\n',
  );
  process.exit(2);
}
const store = await openPostgresStore({ url, poolSize: 8 });
const app = await startTestApp(store, {
  logger: pino({ level: 'error' }, pino.destination({ dest: 2, sync: true })),
});
await app.ensureAdmin.execute({ email, password });
process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .finally(() => process.exit(0));
});
