import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactUrl } from './config.js';

describe('loadConfig', () => {
  it('reads the waiting list (AUTO_ADMIT, AUTO_ADMIT_DELAY_MS) and refuses bad values by name', () => {
    expect(loadConfig({ AUTO_ADMIT: 'fifo', AUTO_ADMIT_DELAY_MS: '500' })).toMatchObject({
      autoAdmit: 'fifo',
      autoAdmitDelayMs: 500,
    });
    // Spaces around a word are allowed, as around numbers (a value pasted with a stray space).
    expect(loadConfig({ AUTO_ADMIT: ' fifo ', LOG_LEVEL: 'debug\t' })).toMatchObject({
      autoAdmit: 'fifo',
      logLevel: 'debug',
    });
    expect(() => loadConfig({ AUTO_ADMIT: 'lifo' })).toThrow(
      new ConfigError('AUTO_ADMIT: must be one of off, fifo (got "lifo")'),
    );
    expect(() => loadConfig({ AUTO_ADMIT_DELAY_MS: '50' })).toThrow(
      new ConfigError('AUTO_ADMIT_DELAY_MS: must be a whole number from 100 to 3600000 (got "50")'),
    );
  });

  it('fills in the documented defaults, DATA_DIR relative to cwd', () => {
    const config = loadConfig({}, { cwd: '/srv/app' });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8000,
      databaseUrl: undefined,
      dataDir: '/srv/app/data',
      jwtSecretGenerated: true,
      jwtTtlSeconds: 3600,
      admin: undefined,
      timeZone: 'Asia/Seoul',
      slotCapacity: 50_000,
      leadTimeDays: 3,
      maxReservationHours: 24,
      maxChangesPerReservation: 100,
      scheduleMaxStalenessMs: 1000,
      databaseStatementTimeoutMs: 30_000,
      idempotencyKeyTtlHours: 24,
      admissionMaxMs: 120_000,
      logLevel: 'info',
      corsOrigins: [],
      trustProxy: false,
      metricsToken: undefined,
      webhookAllowPrivate: false,
      webhookTimeoutMs: 20_000,
      webhookRetryDelaysMs: undefined,
      autoAdmit: 'off',
      autoAdmitDelayMs: 2000,
    });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}).jwtSecret).not.toBe(config.jwtSecret);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        PORT: '9000',
        DATABASE_URL: 'postgresql://app:pw@db:5432/exams',
        DATABASE_POOL_SIZE: '20',
        DATA_DIR: '/var/lib/exams',
        JWT_SECRET: 'x'.repeat(40),
        JWT_TTL_SECONDS: '600',
        ADMIN_EMAIL: 'ops@example.com',
        ADMIN_PASSWORD: 'ops-password',
        APP_TIMEZONE: 'Europe/Berlin',
        SLOT_CAPACITY: '100',
        LEAD_TIME_DAYS: '0',
        MAX_RESERVATION_HOURS: '6',
        MAX_CHANGES_PER_RESERVATION: '0',
        SCHEDULE_MAX_STALENESS_MS: '0',
        DATABASE_STATEMENT_TIMEOUT_MS: '5000',
        IDEMPOTENCY_KEY_TTL_HOURS: '48',
        ADMISSION_MAX_MS: '5000',
        LOG_LEVEL: 'debug',
        CORS_ORIGINS: 'https://a.example, https://b.example',
        TRUST_PROXY: '1',
        METRICS_TOKEN: 'scrape-me-0123456789',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_TIMEOUT_MS: '15000',
        WEBHOOK_RETRY_DELAYS_MS: '200,1000,60000',
      },
      { cwd: '/' },
    );
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 9000,
      databaseUrl: 'postgresql://app:pw@db:5432/exams',
      databasePoolSize: 20,
      dataDir: '/var/lib/exams',
      jwtSecret: 'x'.repeat(40),
      jwtSecretGenerated: false,
      jwtTtlSeconds: 600,
      admin: { email: 'ops@example.com', password: 'ops-password' },
      timeZone: 'Europe/Berlin',
      slotCapacity: 100,
      leadTimeDays: 0,
      maxReservationHours: 6,
      maxChangesPerReservation: 0,
      scheduleMaxStalenessMs: 0,
      databaseStatementTimeoutMs: 5000,
      idempotencyKeyTtlHours: 48,
      admissionMaxMs: 5000,
      logLevel: 'debug',
      corsOrigins: ['https://a.example', 'https://b.example'],
      trustProxy: 1,
      metricsToken: 'scrape-me-0123456789',
      webhookAllowPrivate: true,
      webhookTimeoutMs: 15_000,
      webhookRetryDelaysMs: [200, 1000, 60_000],
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: ' ' })).toMatchObject({ databaseUrl: undefined, port: 8000 });
  });

  it.each([
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['PORT', { PORT: '0' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/x' }],
    ['JWT_SECRET', { JWT_SECRET: 'too-short' }],
    ['JWT_SECRET', { NODE_ENV: 'production' }],
    ['JWT_TTL_SECONDS', { JWT_TTL_SECONDS: '0' }],
    ['APP_TIMEZONE', { APP_TIMEZONE: 'Asia/Atlantis' }],
    ['APP_TIMEZONE', { APP_TIMEZONE: 'Asia/Kathmandu' }],
    ['MAX_RESERVATION_HOURS', { MAX_RESERVATION_HOURS: '0' }],
    ['SCHEDULE_MAX_STALENESS_MS', { SCHEDULE_MAX_STALENESS_MS: '-1' }],
    ['MAX_RESERVATION_HOURS', { MAX_RESERVATION_HOURS: '1.5' }],
    ['MAX_CHANGES_PER_RESERVATION', { MAX_CHANGES_PER_RESERVATION: '-1' }],
    ['MAX_CHANGES_PER_RESERVATION', { MAX_CHANGES_PER_RESERVATION: 'many' }],
    ['DATABASE_STATEMENT_TIMEOUT_MS', { DATABASE_STATEMENT_TIMEOUT_MS: '10' }],
    ['SLOT_CAPACITY', { SLOT_CAPACITY: '-5' }],
    ['LEAD_TIME_DAYS', { LEAD_TIME_DAYS: 'three' }],
    ['IDEMPOTENCY_KEY_TTL_HOURS', { IDEMPOTENCY_KEY_TTL_HOURS: '0' }],
    ['IDEMPOTENCY_KEY_TTL_HOURS', { IDEMPOTENCY_KEY_TTL_HOURS: '1.5' }],
    ['ADMISSION_MAX_MS', { ADMISSION_MAX_MS: '0' }],
    ['ADMISSION_MAX_MS', { ADMISSION_MAX_MS: '2m' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['ADMIN_EMAIL', { ADMIN_PASSWORD: 'secret-password' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short-token' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'has a space in it, long enough' }],
    ['WEBHOOK_ALLOW_PRIVATE', { WEBHOOK_ALLOW_PRIVATE: 'yes' }],
    ['WEBHOOK_TIMEOUT_MS', { WEBHOOK_TIMEOUT_MS: '60000' }],
    ['WEBHOOK_RETRY_DELAYS_MS', { WEBHOOK_RETRY_DELAYS_MS: '5s,5m' }],
    ['WEBHOOK_RETRY_DELAYS_MS', { WEBHOOK_RETRY_DELAYS_MS: '10' }],
  ])('names %s when it is bad', (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
    // One line, so the operator sees all of it in a log viewer.
    expect(() => loadConfig(env)).toThrow(/^[^\n]*$/);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: must be a whole number from 1 to 65535 (got "abc")'],
    [{ PORT: '0' }, 'PORT: must be a whole number from 1 to 65535 (got "0")'],
    [{ PORT: '80.5' }, 'PORT: must be a whole number from 1 to 65535 (got "80.5")'],
    [{ PORT: '1e3' }, 'PORT: must be a whole number from 1 to 65535 (got "1e3")'],
    [{ SLOT_CAPACITY: '-5' }, 'SLOT_CAPACITY: must be a whole number from 1 to 1000000000 (got "-5")'],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: must be one of development, production, test (got "staging")'],
    [{ METRICS_TOKEN: 'x'.repeat(600) }, 'METRICS_TOKEN: must be at most 512 characters'],
  ])('says in plain words what is allowed: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
    expect(() => loadConfig(env)).not.toThrow(/Invalid|expected \w+, received/);
  });

  it('takes PORT from 1 to 65535, spaces around it allowed', () => {
    expect(loadConfig({ PORT: '1' }).port).toBe(1);
    expect(loadConfig({ PORT: ' 65535 ' }).port).toBe(65_535);
  });

  it('does not need JWT_SECRET in production for the CLI', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, { purpose: 'cli' }).nodeEnv).toBe('production');
  });
});

describe('redactUrl', () => {
  it('hides the password of a connection string', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/exams')).toBe('postgres://app:***@db:5432/exams');
    expect(redactUrl('postgres://app@db/exams')).toBe('postgres://app@db/exams');
  });

  it('hides passwords given as query parameters, which pg reads too', () => {
    const redacted = redactUrl(
      'postgres://app@db/exams?password=QuerySecret99&sslmode=require&sslpassword=k3y',
    );
    expect(redacted).not.toMatch(/QuerySecret99|k3y/);
    expect(redacted).toBe('postgres://app@db/exams?password=***&sslmode=require&sslpassword=***');
  });
});
