import type { Compilable } from 'kysely';
import pg from 'pg';
import type { Executor, ZonedReads } from './executor.js';
import { escapeLiteral, inlineParameters } from './inline-parameters.js';
import { lastResult } from './pg-session.js';

/**
 * Reads outside a unit of work, each as one simple-protocol message:
 * `set local …` (the time limits) and the statement. The server runs a
 * message of several statements as one implicit transaction, so the limits
 * hold for that statement and end with it: nothing is left on the pooled
 * connection, which also keeps this right behind PgBouncer in transaction
 * pooling mode.
 */
export class PgReadExecutor implements Executor, ZonedReads {
  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: string,
  ) {}

  async rows<R>(query: Compilable<R>): Promise<R[]> {
    return lastResult<R>(await this.pool.query(`${this.settings}${inlineParameters(query.compile())}`));
  }

  /** The same message with `set local timezone` before the statement: it ends with the statement too. */
  async rowsInZone<R>(query: Compilable<R>, zone: string): Promise<R[]> {
    return lastResult<R>(await this.pool.query(this.inZone(query, zone)));
  }

  /**
   * As {@link rowsInZone}, each row handed to `row` as it arrives. The
   * connection is held until the last row has come, at the server's pace:
   * the rows are never paused for, so the caller bounds the read (a limit).
   */
  async eachRowInZone<R>(query: Compilable<R>, zone: string, row: (row: R) => void): Promise<void> {
    const client = await this.pool.connect();
    let failure: unknown;
    try {
      await new Promise<void>((resolve, reject) => {
        const read = new pg.Query(this.inZone(query, zone));
        read.on('row', (found: R) => {
          if (failure !== undefined) return;
          try {
            row(found);
          } catch (error) {
            failure = error;
          }
        });
        read.on('end', () => resolve());
        read.on('error', reject);
        client.query(read);
      });
    } catch (error) {
      // As pool.query does: a connection whose statement failed is not reused.
      client.release(error as Error);
      throw error;
    }
    client.release();
    if (failure !== undefined) throw failure;
  }

  /** Floats are written in full whatever the server's `extra_float_digits`: a cursor may be read from one. */
  private inZone(query: Compilable<unknown>, zone: string): string {
    const settings = `${this.settings}set local timezone = ${escapeLiteral(zone)};\nset local extra_float_digits = 3;\n`;
    return `${settings}${inlineParameters(query.compile())}`;
  }

  async write(): Promise<void> {
    throw new Error('reads cannot write: use a unit of work');
  }
}

/** Time limits of one unit of work or read, as `set local` statements. */
export function sessionLimits(limits: { statementTimeoutMs: number; idleInTransactionMs: number }): string {
  const ms = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a whole number of milliseconds: ${n}`);
    return n;
  };
  return (
    `set local statement_timeout = ${ms(limits.statementTimeoutMs)};\n` +
    `set local idle_in_transaction_session_timeout = ${ms(limits.idleInTransactionMs)};\n`
  );
}
