import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { assertTimeZone, bookingPolicy } from '@exam-reservation/domain';
import { z } from 'zod';

/** A bad environment: the message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The validated settings of one API process. */
export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  /** Unset: the embedded store under {@link dataDir}. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  /** Longest a statement may run on a server connection before the server cancels it. */
  readonly databaseStatementTimeoutMs: number;
  /** Absolute path of the embedded store's directory. */
  readonly dataDir: string;
  readonly jwtSecret: string;
  /** True when JWT_SECRET was unset and a random key was made for this process. */
  readonly jwtSecretGenerated: boolean;
  readonly jwtTtlSeconds: number;
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  readonly timeZone: string;
  readonly slotCapacity: number;
  readonly leadTimeDays: number;
  readonly maxReservationHours: number;
  /** How many times a user (not an admin) may change one reservation. */
  readonly maxChangesPerReservation: number;
  /** How old a schedule answer may be; 0 reads live every time. */
  readonly scheduleMaxStalenessMs: number;
  /** How long answers to requests with an Idempotency-Key are kept. */
  readonly idempotencyKeyTtlHours: number;
  /** How long one admission run may go on before it answers with what it did (`complete: false`). */
  readonly admissionMaxMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly corsOrigins: readonly string[];
  readonly trustProxy: boolean | number | string;
  /** Opens GET /metrics; undefined: no metrics are kept and /metrics is a 404. */
  readonly metricsToken: string | undefined;
  /** Webhooks may go to loopback, private and other non-public addresses. */
  readonly webhookAllowPrivate: boolean;
  /** How long one webhook attempt may take. */
  readonly webhookTimeoutMs: number;
  /** Waits between webhook attempts; undefined: the Standard Webhooks schedule. */
  readonly webhookRetryDelaysMs: readonly number[] | undefined;
  /** New accounts per client address per hour. */
  readonly registrationsPerAddressPerHour: number;
  /** The longest a password hash or check may wait for its turn before 503 overloaded. */
  readonly hashQueueMaxWaitMs: number;
  /** The waiting list: `fifo` admits pending reservations into freed room by itself; `off` does not. */
  readonly autoAdmit: 'off' | 'fifo';
  /** With `fifo`, the longest from a change that frees room to the promotion it calls for. */
  readonly autoAdmitDelayMs: number;
}

// An empty variable (`FOO=` in a compose file) means "unset".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

/** How a refused value is quoted: in full up to a point, so a stray paste does not flood the log. */
const quoted = (value: unknown): string => {
  const text = String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
};

/**
 * A whole number from `min` to `max`, written in decimal digits, refused in
 * plain words with the value (`must be a whole number from 1 to 65535 (got
 * "abc")`) rather than in zod's (`expected int, received number`).
 */
const int = (min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const trimmed = text.trim();
    const value = Number(trimmed);
    if (!/^-?\d+$/.test(trimmed) || value < min || value > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a whole number from ${min} to ${max} (got ${quoted(text)})`,
      });
      return z.NEVER;
    }
    return value;
  });

/** One of `values` (spaces around it allowed, as around numbers), refused in plain words with the value. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.enum(values, { error: (issue) => `must be one of ${values.join(', ')} (got ${quoted(issue.input)})` }),
  );

const Env = z.object({
  NODE_ENV: optional(oneOf(['development', 'production', 'test'])),
  // Not 0: that would listen on a port the system picks, which no client knows.
  PORT: optional(int(1, 65_535)),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection string'),
  ),
  DATABASE_POOL_SIZE: optional(int(1, 1000)),
  DATABASE_STATEMENT_TIMEOUT_MS: optional(int(100, 3_600_000)),
  DATA_DIR: optional(z.string()),
  JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  JWT_TTL_SECONDS: optional(int(60, 30 * 86_400)),
  ADMIN_EMAIL: optional(z.string()),
  ADMIN_PASSWORD: optional(z.string()),
  APP_TIMEZONE: optional(
    z.string().refine((zone) => {
      try {
        assertTimeZone(zone);
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Seoul'),
  ),
  SLOT_CAPACITY: optional(int(1, 1_000_000_000)),
  LEAD_TIME_DAYS: optional(int(0, 3650)),
  MAX_RESERVATION_HOURS: optional(int(1, 24 * 366)),
  MAX_CHANGES_PER_RESERVATION: optional(int(0, 100_000)),
  SCHEDULE_MAX_STALENESS_MS: optional(int(0, 3_600_000)),
  IDEMPOTENCY_KEY_TTL_HOURS: optional(int(1, 24 * 366)),
  ADMISSION_MAX_MS: optional(int(1, 3_600_000)),
  LOG_LEVEL: optional(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  CORS_ORIGINS: optional(z.string()),
  TRUST_PROXY: optional(z.string()),
  METRICS_TOKEN: optional(
    z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(512, 'must be at most 512 characters')
      .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters, no spaces'),
  ),
  WEBHOOK_ALLOW_PRIVATE: optional(z.enum(['true', 'false'], { message: 'must be true or false' })),
  WEBHOOK_TIMEOUT_MS: optional(int(1000, 30_000)),
  WEBHOOK_RETRY_DELAYS_MS: optional(
    z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds')
      .transform((text) => text.split(',').map(Number))
      .refine(
        (delays) => delays.length <= 20 && delays.every((d) => d >= 100 && d <= 7 * 86_400_000),
        'must be 1 to 20 waits of 100 ms to 7 days',
      ),
  ),
  REGISTRATIONS_PER_ADDRESS_PER_HOUR: optional(int(1, 1_000_000)),
  HASH_QUEUE_MAX_WAIT_MS: optional(int(0, 60_000)),
  AUTO_ADMIT: optional(oneOf(['off', 'fifo'])),
  // Polled every quarter of it: 100 ms polls at most ten times a second.
  AUTO_ADMIT_DELAY_MS: optional(int(100, 3_600_000)),
});

function trustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * Reads and checks the environment once, at start. `DATA_DIR` is resolved
 * against `cwd` (the repository root with `pnpm start`, `/app` in the image).
 * @param purpose `cli`: JWT_SECRET is not needed by the command-line tools
 * @throws ConfigError naming the first bad variable
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; purpose?: 'server' | 'cli' } = {},
): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const nodeEnv = e.NODE_ENV ?? 'development';
  if (nodeEnv === 'production' && e.JWT_SECRET === undefined && options.purpose !== 'cli') {
    throw new ConfigError('JWT_SECRET: required when NODE_ENV=production (at least 32 characters)');
  }
  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    const missing = e.ADMIN_EMAIL === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD';
    throw new ConfigError(`${missing}: set ADMIN_EMAIL and ADMIN_PASSWORD together, or neither`);
  }
  const timeZone = e.APP_TIMEZONE ?? 'Asia/Seoul';
  try {
    // The zone must also fit the slot grid (Asia/Kathmandu's +05:45 does not).
    bookingPolicy({ timeZone });
  } catch (error) {
    throw new ConfigError(`APP_TIMEZONE: ${(error as Error).message}`);
  }
  return {
    nodeEnv,
    port: e.PORT ?? 8000,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE ?? 10,
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS ?? 30_000,
    dataDir: resolve(options.cwd ?? process.cwd(), e.DATA_DIR ?? 'data'),
    jwtSecret: e.JWT_SECRET ?? randomBytes(32).toString('base64url'),
    jwtSecretGenerated: e.JWT_SECRET === undefined,
    jwtTtlSeconds: e.JWT_TTL_SECONDS ?? 3600,
    admin:
      e.ADMIN_EMAIL !== undefined && e.ADMIN_PASSWORD !== undefined
        ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
        : undefined,
    timeZone,
    slotCapacity: e.SLOT_CAPACITY ?? 50_000,
    leadTimeDays: e.LEAD_TIME_DAYS ?? 3,
    maxReservationHours: e.MAX_RESERVATION_HOURS ?? 24,
    maxChangesPerReservation: e.MAX_CHANGES_PER_RESERVATION ?? 100,
    scheduleMaxStalenessMs: e.SCHEDULE_MAX_STALENESS_MS ?? 1000,
    idempotencyKeyTtlHours: e.IDEMPOTENCY_KEY_TTL_HOURS ?? 24,
    admissionMaxMs: e.ADMISSION_MAX_MS ?? 120_000,
    logLevel: e.LOG_LEVEL ?? 'info',
    corsOrigins: (e.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: trustProxy(e.TRUST_PROXY),
    metricsToken: e.METRICS_TOKEN,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE === 'true',
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS ?? 20_000,
    webhookRetryDelaysMs: e.WEBHOOK_RETRY_DELAYS_MS,
    registrationsPerAddressPerHour: e.REGISTRATIONS_PER_ADDRESS_PER_HOUR ?? 20,
    hashQueueMaxWaitMs: e.HASH_QUEUE_MAX_WAIT_MS ?? 2000,
    autoAdmit: e.AUTO_ADMIT ?? 'off',
    autoAdmitDelayMs: e.AUTO_ADMIT_DELAY_MS ?? 2000,
  };
}

/** A connection string without its passwords, for logs: `user:***@`, and `?password=***` (which pg reads too). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token/i.test(name)) parsed.searchParams.set(name, '***');
    }
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable)';
  }
}
