import type { Compilable } from 'kysely';
import type pg from 'pg';
import { type TableName, tablesOf } from './executor.js';
import { inlineParameters } from './inline-parameters.js';
import type { Session } from './kysely-session.js';
import { PendingLedgerChange } from './pending-ledger-change.js';

export function lastResult<R>(result: pg.QueryResult | pg.QueryResult[]): R[] {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return (last?.rows ?? []) as R[];
}

/**
 * One unit of work on one pooled node-postgres connection, in as few round
 * trips as it takes: BEGIN travels with the first statement, and writes that
 * cannot fail on a row the unit already holds wait to go in one message with
 * the slot-ledger write and the COMMIT, so the hot slot rows are locked only
 * while the server runs that message, never across a round trip to this
 * process. Held-back writes to a table are sent before it is read.
 */
export class PgSession implements Session {
  readonly ledger = new PendingLedgerChange();
  outboxRows = 0;
  private begun = false;
  private held: { tables: readonly TableName[]; sql: string }[] = [];

  /**
   * @param settings `set local …` statements sent with BEGIN (the unit's
   *   time limits): they end with the transaction, so nothing of them is left
   *   on the connection for the next user of a pooled server connection.
   */
  constructor(
    private readonly client: pg.PoolClient,
    private readonly settings = '',
  ) {}

  async rows<R>(query: Compilable<R>, reads: readonly TableName[]): Promise<R[]> {
    const compiled = query.compile();
    if (this.held.some((w) => w.tables.some((t) => reads.includes(t)))) await this.send([]);
    if (!this.begun) {
      this.begun = true;
      return lastResult<R>(await this.client.query(`begin;\n${this.settings}${inlineParameters(compiled)}`));
    }
    return (await this.client.query(compiled.sql, [...compiled.parameters])).rows as R[];
  }

  async write(query: Compilable<unknown>, tables: TableName | readonly TableName[]): Promise<void> {
    this.held.push({ tables: tablesOf(tables), sql: inlineParameters(query.compile()) });
  }

  /** Sends everything held back, the ledger write and COMMIT, in one message. */
  async commit(): Promise<void> {
    const ledger = this.ledger.statements();
    if (!this.begun && this.held.length === 0 && ledger.length === 0) return;
    await this.send([...ledger, 'commit']);
  }

  async rollback(): Promise<void> {
    if (this.begun) await this.client.query('rollback');
  }

  private async send(after: readonly string[]): Promise<void> {
    // Simple protocol (no parameters): one message, several statements; the
    // first error skips the rest, so a failed write never reaches COMMIT.
    const held = this.held;
    const statements = [
      ...(this.begun ? [] : [`begin;\n${this.settings}`.replace(/;\s*$/, '')]),
      ...held.map((w) => w.sql),
      ...after,
    ];
    this.begun = true;
    this.held = [];
    const result: pg.QueryResult | pg.QueryResult[] = await this.client.query(statements.join(';\n'));
    // One result per statement; each held write and each of `after` is one statement, at the end.
    const results = Array.isArray(result) ? result : [result];
    const first = results.length - after.length - held.length;
    held.forEach((w, i) => {
      if (w.tables.at(-1) === 'webhook_deliveries') this.outboxRows += results[first + i]?.rowCount ?? 0;
    });
  }
}
