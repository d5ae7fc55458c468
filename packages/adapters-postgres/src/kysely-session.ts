import { type Compilable, type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { type Executor, type TableName, tablesOf } from './executor.js';
import { PendingLedgerChange } from './pending-ledger-change.js';

/** A unit of work's transaction, as the unit of work drives it. */
export interface Session extends Executor {
  readonly ledger: PendingLedgerChange;
  /** Webhook messages the unit's writes queued (rows written to `webhook_deliveries`), so far. */
  readonly outboxRows: number;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * One unit of work on one Kysely connection, one statement per round trip.
 * For PGlite, which has a single connection and no network to save on; the
 * ledger write still comes last, just before COMMIT.
 */
export class KyselySession implements Session {
  readonly ledger = new PendingLedgerChange();
  outboxRows = 0;
  private begun = false;

  constructor(private readonly connection: Kysely<Database>) {}

  async rows<R>(query: Compilable<R>): Promise<R[]> {
    await this.begin();
    return [...(await this.connection.executeQuery(query.compile())).rows];
  }

  async write(query: Compilable<unknown>, tables: TableName | readonly TableName[]): Promise<void> {
    await this.begin();
    const result = await this.connection.executeQuery(query.compile());
    if (tablesOf(tables).at(-1) === 'webhook_deliveries')
      this.outboxRows += Number(result.numAffectedRows ?? 0);
  }

  async commit(): Promise<void> {
    const ledger = this.ledger.statements();
    if (!this.begun && ledger.length === 0) return;
    await this.begin();
    for (const statement of ledger) await sql.raw(statement).execute(this.connection);
    await sql`commit`.execute(this.connection);
  }

  async rollback(): Promise<void> {
    if (this.begun) await sql`rollback`.execute(this.connection);
  }

  private async begin(): Promise<void> {
    if (this.begun) return;
    this.begun = true;
    await sql`begin`.execute(this.connection);
  }
}
