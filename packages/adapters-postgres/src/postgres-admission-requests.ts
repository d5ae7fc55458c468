import type {
  AdmissionClaim,
  AdmissionRequests,
  ClaimedAdmission,
  FreedRoom,
  PendingCursor,
} from '@exam-reservation/application';
import { TimeRange } from '@exam-reservation/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import type { Executor } from './executor.js';

const TABLE = ['admission_requests'] as const;

/** A list of ids as one array literal (statements are sent with literals inlined). */
const idArray = (ids: readonly number[]) =>
  sql`${`{${ids.filter((id) => Number.isSafeInteger(id)).join(',')}}`}::bigint[]`;

const valuesOf = (room: FreedRoom) => ({
  range_start: new Date(room.range.start),
  range_end: new Date(room.range.end),
  freed_at: new Date(room.freedAt),
  after_cursor: room.after ?? null,
});

/**
 * The waiting list's queue in `admission_requests`. A claim is two
 * statements in the claim's transaction: a transaction-level advisory lock
 * (released at its commit, so nothing stays on the connection: PgBouncer's
 * transaction pooling is fine), which makes claims take turns, so that the
 * second sees the rooms the first now holds and skips those it overlaps or
 * touches; then one UPDATE of the due rows nobody holds, locked with FOR
 * UPDATE SKIP LOCKED (a row a finishing promotion is deleting is passed
 * over, not waited for).
 */
export class PostgresAdmissionRequests implements AdmissionRequests {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: Executor,
  ) {}

  async record(rooms: readonly FreedRoom[]): Promise<void> {
    if (rooms.length === 0) return;
    await this.exec.write(this.db.insertInto('admission_requests').values(rooms.map(valuesOf)), TABLE);
  }

  async claim({ now, leaseMs, limit, token }: AdmissionClaim): Promise<ClaimedAdmission[]> {
    if (limit < 1) return [];
    const at = new Date(now);
    await this.exec.rows(
      this.db.selectNoFrom(
        sql<string>`pg_advisory_xact_lock(hashtextextended('admission_requests.claim', 0))::text`.as(
          'locked',
        ),
      ),
      TABLE,
    );
    const statement = sql<{
      id: string;
      range_start: Date;
      range_end: Date;
      freed_at: Date;
      after_cursor: string | null;
    }>`
      with due as (
        select r.id from admission_requests r
        where r.freed_at <= ${at} and (r.claimed_until is null or r.claimed_until <= ${at})
          and not exists (
            select 1 from admission_requests h
            where h.claimed_until > ${at} and h.range_start <= r.range_end and r.range_start <= h.range_end
          )
        order by r.freed_at, r.id
        limit ${Math.trunc(limit)}::int
        for update of r skip locked
      )
      update admission_requests a
      set claimed_until = ${new Date(now + leaseMs)}, claimed_by = ${token}
      from due where a.id = due.id
      returning a.id, a.range_start, a.range_end, a.freed_at, a.after_cursor`;
    const rows = await this.exec.rows({ compile: () => statement.compile(this.db) }, TABLE);
    return rows
      .map((row) => ({
        id: Number(row.id),
        range: TimeRange.of(row.range_start.getTime(), row.range_end.getTime()),
        freedAt: row.freed_at.getTime(),
        after: row.after_cursor as PendingCursor | null,
      }))
      .sort((a, b) => a.freedAt - b.freedAt || a.id - b.id);
  }

  async renew(ids: readonly number[], token: string, until: number): Promise<void> {
    if (ids.length === 0) return;
    const statement = sql`update admission_requests set claimed_until = ${new Date(until)}
      where id = any(${idArray(ids)}) and claimed_by = ${token}`;
    await this.exec.write({ compile: () => statement.compile(this.db) }, TABLE);
  }

  async finish(ids: readonly number[], token: string, rest?: FreedRoom): Promise<void> {
    if (ids.length === 0) return;
    const gone = sql`delete from admission_requests where id = any(${idArray(ids)}) and claimed_by = ${token} returning id`;
    if (!rest) {
      await this.exec.write({ compile: () => gone.compile(this.db) }, TABLE);
      return;
    }
    // The rest only if this claim still held its requests (another process may have taken them over).
    const v = valuesOf(rest);
    const statement = sql`with gone as (${gone})
      insert into admission_requests (range_start, range_end, freed_at, after_cursor)
      select ${v.range_start}, ${v.range_end}, ${v.freed_at}, ${v.after_cursor} where exists (select 1 from gone)`;
    await this.exec.write({ compile: () => statement.compile(this.db) }, TABLE);
  }
}
