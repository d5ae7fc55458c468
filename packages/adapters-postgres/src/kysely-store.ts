import type { LoginAttempts, UnitOfWork } from '@exam-reservation/application';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { PostgresLoginAttempts } from './postgres-login-attempts.js';
import { PostgresUnitOfWork } from './postgres-unit-of-work.js';

/** Connections of a pool. */
export interface PoolUsage {
  /** Open connections. */
  readonly total: number;
  /** Open and not in use. */
  readonly idle: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
  /** The most the pool opens. */
  readonly max: number;
}

/** A unit of work on PostgreSQL (a server, or embedded PGlite) that owns its connections. */
export interface PostgresStore extends UnitOfWork {
  readonly kind: 'postgres' | 'embedded';
  /** Failed log-ins, counted in this database so that every process sharing it sees them. */
  readonly loginAttempts: LoginAttempts;
  /** Runs pending migrations. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Calls `listener` after every commit in this process that queued webhook messages. */
  onWebhooksQueued(listener: () => void): void;
  /** The connection pool's use right now; null for the embedded store (one connection, no pool). */
  poolUsage(): PoolUsage | null;
  close(): Promise<void>;
}

/**
 * A {@link PostgresStore} over a Kysely instance (and, for a server, the
 * node-postgres pool under it, which units of work use directly); closing it
 * destroys the instance and the pool.
 */
export class KyselyStore extends PostgresUnitOfWork implements PostgresStore {
  readonly loginAttempts: LoginAttempts;

  private readonly onClose: (() => Promise<void>) | undefined;
  private readonly pgPool: pg.Pool | undefined;

  /** @param options.onClose runs once the instance is destroyed (the embedded store releases its folder) */
  constructor(
    readonly kind: 'postgres' | 'embedded',
    db: Kysely<Database>,
    options: { pool?: pg.Pool; settings?: string; onClose?: () => Promise<void> } = {},
  ) {
    super(db, options.pool, options.settings);
    this.loginAttempts = new PostgresLoginAttempts(db);
    this.onClose = options.onClose;
    this.pgPool = options.pool;
  }

  poolUsage(): PoolUsage | null {
    const pool = this.pgPool;
    if (!pool) return null;
    return {
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max ?? 10,
    };
  }

  /** Brings the schema up to date, or closes the store again if that fails. */
  async migratedOrClosed(): Promise<this> {
    try {
      await this.migrate();
      return this;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The underlying Kysely instance, for tools (CLI, benchmarks) that need raw SQL. */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.db as Kysely<unknown>);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    try {
      await this.db.destroy();
    } finally {
      await this.onClose?.();
    }
  }
}
