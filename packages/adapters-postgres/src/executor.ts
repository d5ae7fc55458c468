import type { Compilable, Kysely } from 'kysely';
import type { Database } from './database.js';

/** A table a statement reads or writes, so held-back writes can be sent before a read that needs them. */
export type TableName = keyof Database;

/**
 * How the stores send their statements. Queries are built and compiled with
 * Kysely; an executor decides when and how they reach the server. Inside a
 * unit of work on a server, writes to rows the unit already holds are held
 * back and sent with the COMMIT (see {@link PgSession}); elsewhere every
 * statement runs at once.
 */
export interface Executor {
  /** Runs a statement that returns rows, after any held-back write to a table in `reads`. */
  rows<R>(query: Compilable<R>, reads: readonly TableName[]): Promise<R[]>;
  /**
   * Runs a write whose only possible outcome is success or an error; it may
   * be held back until commit.
   * @param tables the tables it writes (the last one is the one it counts rows of)
   */
  write(query: Compilable<unknown>, tables: TableName | readonly TableName[]): Promise<void>;
}

/**
 * An executor that can run a read with the session's `TimeZone` set for that
 * one statement (`set local`), so that `to_char` writes times in the zone.
 */
export interface ZonedReads {
  rowsInZone<R>(query: Compilable<R>, zone: string): Promise<R[]>;
  /** The same read, its rows handed to `row` one at a time as they arrive instead of gathered. */
  eachRowInZone<R>(query: Compilable<R>, zone: string, row: (row: R) => void): Promise<void>;
}

export const hasZonedReads = (exec: Executor): exec is Executor & ZonedReads => 'rowsInZone' in exec;

/** The tables of a write, as a list. */
export const tablesOf = (tables: TableName | readonly TableName[]): readonly TableName[] =>
  typeof tables === 'string' ? [tables] : tables;

/** Sends every statement at once through Kysely (a pool, or one transaction's connection). */
export class KyselyExecutor implements Executor {
  constructor(private readonly db: Kysely<Database>) {}

  async rows<R>(query: Compilable<R>): Promise<R[]> {
    return [...(await this.db.executeQuery(query.compile())).rows];
  }

  async write(query: Compilable<unknown>): Promise<void> {
    await this.db.executeQuery(query.compile());
  }
}
