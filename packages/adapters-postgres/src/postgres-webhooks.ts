import type {
  ClaimedDelivery,
  ClaimRequest,
  DeliveryAttempt,
  DeliverySettlement,
  NewWebhookEndpoint,
  OutboxDepth,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpoints,
  WebhookEventType,
  WebhookOutbox,
} from '@exam-reservation/application';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Database, ReservationSnapshot, WebhookEndpointsTable } from './database.js';
import type { Executor } from './executor.js';
import { isRowId } from './rows.js';

const ENDPOINTS = ['webhook_endpoints'] as const;
const QUEUE = ['webhook_deliveries', 'webhook_attempts', 'webhook_endpoints'] as const;

const compiled = <R>(db: Kysely<Database>, query: RawBuilder<R>) => ({ compile: () => query.compile(db) });

function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEventType[],
    createdAt: row.created_at.getTime(),
    disabledAt: row.disabled_at?.getTime() ?? null,
    disabledReason: row.disabled_reason,
  };
}

/** `webhook-id` of the message of an audit event: the same for every attempt and every endpoint. */
const messageId = (eventId: number): string => `msg_${eventId}`;

/** Registered endpoints in `webhook_endpoints`; removal only marks them. */
export class PostgresWebhookEndpoints implements WebhookEndpoints {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: Executor,
  ) {}

  async insert(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    const [row] = await this.exec.rows(
      this.db
        .insertInto('webhook_endpoints')
        .values({
          url: endpoint.url,
          // An array literal (the types are fixed names): statements are sent with literals inlined.
          events: sql<string[]>`${`{${endpoint.events.join(',')}}`}::text[]`,
          secret: endpoint.secret,
          created_at: new Date(endpoint.createdAt),
        })
        .returningAll(),
      ENDPOINTS,
    );
    if (!row) throw new Error('insert returned no row');
    return toEndpoint(row);
  }

  async list(): Promise<WebhookEndpoint[]> {
    const rows = await this.exec.rows(
      this.db.selectFrom('webhook_endpoints').selectAll().where('removed_at', 'is', null).orderBy('id'),
      ENDPOINTS,
    );
    return rows.map(toEndpoint);
  }

  async count(): Promise<number> {
    // A lock first, in its own statement: the count's snapshot then sees what the transaction that
    // held it committed (110 creates at once made 108 endpoints under a limit of 100 without it).
    await this.exec.rows(
      this.db.selectNoFrom(
        sql<string>`pg_advisory_xact_lock(hashtextextended('webhook_endpoints.count', 0))::text`.as('locked'),
      ),
      ENDPOINTS,
    );
    const [row] = await this.exec.rows(
      this.db
        .selectFrom('webhook_endpoints')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('removed_at', 'is', null),
      ENDPOINTS,
    );
    return row?.n ?? 0;
  }

  async get(id: number): Promise<WebhookEndpoint | null> {
    if (!isRowId(id)) return null;
    const [row] = await this.exec.rows(
      this.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .where('removed_at', 'is', null),
      ENDPOINTS,
    );
    return row ? toEndpoint(row) : null;
  }

  async remove(id: number, now: number): Promise<boolean> {
    if (!isRowId(id)) return false;
    const rows = await this.exec.rows(
      this.db
        .updateTable('webhook_endpoints')
        .set({ removed_at: new Date(now) })
        .where('id', '=', id)
        .where('removed_at', 'is', null)
        .returning('id'),
      ENDPOINTS,
    );
    return rows.length > 0;
  }

  async deliveries(endpointId: number, limit: number): Promise<WebhookDelivery[]> {
    if (!isRowId(endpointId)) return [];
    const rows = await this.exec.rows(
      compiled(
        this.db,
        sql<{
          state: WebhookDelivery['state'];
          next_attempt_at: Date;
          created_at: Date;
          event_id: number;
          type: string;
          reservation_id: number;
          attempts: DeliveryAttempt[];
        }>`
          select d.state, d.next_attempt_at, d.created_at, d.event_id, ev.type, ev.reservation_id,
            coalesce((
              select json_agg(json_build_object(
                'attempt', a.attempt,
                'startedAt', (extract(epoch from a.started_at) * 1000)::float8,
                'durationMs', a.duration_ms,
                'responseStatus', a.response_status,
                'error', a.error) order by a.attempt)
              from webhook_attempts a where a.delivery_id = d.id
            ), '[]'::json) as attempts
          from webhook_deliveries d
          join reservation_events ev on ev.id = d.event_id
          where d.endpoint_id = ${endpointId}::int
          order by d.id desc
          limit ${limit}::int`,
      ),
      [...QUEUE, 'reservation_events'],
    );
    return rows.map((row) => ({
      messageId: messageId(row.event_id),
      type: `reservation.${row.type}` as WebhookEventType,
      reservationId: row.reservation_id,
      state: row.state,
      createdAt: row.created_at.getTime(),
      nextAttemptAt: row.state === 'pending' ? row.next_attempt_at.getTime() : null,
      attempts: row.attempts.map((a) => ({ ...a, startedAt: Math.round(a.startedAt) })),
    }));
  }
}

/**
 * The outbox in `webhook_deliveries`, filled by {@link PostgresReservationEvents}
 * in the statement that appends each audit event.
 *
 * A claim is one statement: for each active endpoint, its oldest due rows
 * (up to its share: its allowance less what is in flight) are locked with
 * `FOR UPDATE SKIP LOCKED`, so concurrent claims in any process pass over
 * each other's rows instead of waiting; of those, they are taken in turns
 * across endpoints (every endpoint's first before anyone's second), their
 * attempt counted and their `next_attempt_at` moved to the lease's end.
 * Rows over an endpoint's share are neither locked nor leased. Nothing is held on the
 * connection afterwards (no session lock, no LISTEN), which is what
 * PgBouncer's transaction pooling needs.
 */
export class PostgresWebhookOutbox implements WebhookOutbox {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: Executor,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (request.limit < 1 || request.perEndpoint < 1) return [];
    // Room per endpoint that is not the whole perEndpoint: its allowance less what is in flight.
    const shareIds = [...new Set([...request.busy.keys(), ...(request.allowances?.keys() ?? [])])].filter(
      (id) => Number.isSafeInteger(id),
    );
    const share = (id: number) =>
      Math.max(
        0,
        Math.trunc(
          Math.min(request.perEndpoint, request.allowances?.get(id) ?? request.perEndpoint) -
            (request.busy.get(id) ?? 0),
        ),
      );
    // Array literals of whole numbers: statements are sent with literals inlined.
    const ids = `{${shareIds.join(',')}}`;
    const shares = `{${shareIds.map(share).join(',')}}`;
    const rows = await this.exec.rows(
      compiled(
        this.db,
        sql<{
          id: string;
          attempts: number;
          endpoint_id: number;
          url: string;
          secret: string;
          event_id: number;
          type: string;
          at: Date;
          after: ReservationSnapshot;
          reason: string | null;
        }>`
          with share (endpoint_id, n) as (
            select * from unnest(${ids}::int[], ${shares}::int[])
          ),
          locked as (
            select e.id as endpoint_id, p.id, p.next_attempt_at,
              row_number() over (partition by e.id order by p.next_attempt_at, p.id) as turn
            from webhook_endpoints e
            left join share s on s.endpoint_id = e.id
            cross join lateral (
              select d.id, d.next_attempt_at from webhook_deliveries d
              where d.endpoint_id = e.id and d.state = 'pending'
                and d.next_attempt_at <= ${new Date(request.now)}::timestamptz
              order by d.next_attempt_at, d.id
              limit coalesce(s.n, ${request.perEndpoint}::int)
              for update of d skip locked
            ) p
            where e.disabled_at is null and e.removed_at is null
          ),
          picked as (
            select endpoint_id, id from locked
            order by turn, next_attempt_at, id
            limit ${request.limit}::int
          ),
          claimed as (
            update webhook_deliveries d
            set attempts = d.attempts + 1, next_attempt_at = ${new Date(request.leaseUntil)}::timestamptz
            from picked where d.endpoint_id = picked.endpoint_id and d.id = picked.id
            returning d.id, d.attempts, d.endpoint_id, d.event_id, d.next_attempt_at
          )
          select c.id, c.attempts, e.id as endpoint_id, e.url, e.secret, ev.id as event_id, ev.type, ev.at, ev.after,
            ev.reason
          from claimed c
          join webhook_endpoints e on e.id = c.endpoint_id
          join reservation_events ev on ev.id = c.event_id
          order by ev.at, c.id`,
      ),
      [...QUEUE, 'reservation_events'],
    );
    return rows.map((row) => ({
      deliveryId: Number(row.id),
      attempt: row.attempts,
      target: { endpointId: row.endpoint_id, url: row.url, secret: row.secret },
      message: {
        id: messageId(row.event_id),
        type: `reservation.${row.type}` as WebhookEventType,
        at: row.at.getTime(),
        reservation: row.after,
        reason: row.reason,
      },
    }));
  }

  async settle(settlements: readonly DeliverySettlement[]): Promise<void> {
    if (settlements.length === 0) return;
    const values = sql.join(
      settlements.map(
        (s) => sql`(${s.deliveryId}::int8, ${s.endpointId}::int, ${s.attempt}::int, ${s.outcome}::text,
          ${new Date(s.startedAt)}::timestamptz, ${Math.round(s.durationMs)}::int, ${s.responseStatus}::int,
          ${s.error}::text, ${s.nextAttemptAt === null ? null : new Date(s.nextAttemptAt)}::timestamptz)`,
      ),
    );
    // Only the latest attempt of a pending message moves it (the attempt
    // number fences off a process whose lease ran out); every attempt is
    // recorded. The UPDATE runs whether or not the INSERT reads it.
    await this.exec.write(
      compiled(
        this.db,
        sql`
          with s (delivery_id, endpoint_id, attempt, outcome, started_at, duration_ms, response_status, error, next_attempt_at) as (
            values ${values}
          ),
          moved as (
            update webhook_deliveries d set
              state = case s.outcome when 'retry' then 'pending' when 'delivered' then 'delivered' else 'failed' end,
              next_attempt_at = coalesce(s.next_attempt_at, d.next_attempt_at),
              finished_at = case when s.outcome = 'retry' then null
                else s.started_at + s.duration_ms * interval '1 millisecond' end
            from s
            where d.endpoint_id = s.endpoint_id and d.id = s.delivery_id and d.attempts = s.attempt
              and d.state = 'pending'
            returning d.id
          )
          insert into webhook_attempts (delivery_id, attempt, started_at, duration_ms, response_status, error)
          select delivery_id, attempt, started_at, duration_ms, response_status, error from s`,
      ),
      ['webhook_deliveries', 'webhook_attempts'],
    );
    const gone = settlements.filter((s) => s.outcome === 'gone');
    if (gone.length > 0) {
      const disable = sql.join(
        gone.map(
          (s) =>
            sql`(${s.endpointId}::int, ${new Date(s.startedAt + Math.round(s.durationMs))}::timestamptz, ${`answered ${s.responseStatus ?? 410} Gone`}::text)`,
        ),
      );
      await this.exec.write(
        compiled(
          this.db,
          sql`
            update webhook_endpoints e set disabled_at = g.at, disabled_reason = g.reason
            from (select distinct on (endpoint_id) * from (values ${disable}) as v(endpoint_id, at, reason)
                  order by endpoint_id, at) g
            where e.id = g.endpoint_id and e.disabled_at is null`,
        ),
        'webhook_endpoints',
      );
    }
  }

  async depth(now: number): Promise<OutboxDepth> {
    const [row] = await this.exec.rows(
      compiled(
        this.db,
        sql<{ pending: number; due: number; oldest: Date | null }>`
          select count(*)::int as pending,
            (count(*) filter (where next_attempt_at <= ${new Date(now)}::timestamptz))::int as due,
            min(next_attempt_at) filter (where next_attempt_at <= ${new Date(now)}::timestamptz) as oldest
          from webhook_deliveries where state = 'pending'`,
      ),
      QUEUE,
    );
    return { pending: row?.pending ?? 0, due: row?.due ?? 0, oldestDueAt: row?.oldest?.getTime() ?? null };
  }

  async tidy(now: number, finishedBefore: number, limit: number): Promise<number> {
    const [cancelled] = await this.exec.rows(
      compiled(
        this.db,
        sql<{ n: number }>`
          with gone as (
            select d.endpoint_id, d.id from webhook_deliveries d
            join webhook_endpoints e on e.id = d.endpoint_id
            where d.state = 'pending' and (e.removed_at is not null or e.disabled_at is not null)
            limit ${limit}::int
            for update of d skip locked
          ),
          done as (
            update webhook_deliveries d set state = 'cancelled', finished_at = ${new Date(now)}::timestamptz
            from gone where d.endpoint_id = gone.endpoint_id and d.id = gone.id returning 1
          )
          select count(*)::int as n from done`,
      ),
      QUEUE,
    );
    const [deleted] = await this.exec.rows(
      compiled(
        this.db,
        sql<{ n: number }>`
          with old as (
            select endpoint_id, id from webhook_deliveries
            where finished_at < ${new Date(finishedBefore)}::timestamptz
            limit ${limit}::int
            for update skip locked
          ),
          done as (
            delete from webhook_deliveries d using old
            where d.endpoint_id = old.endpoint_id and d.id = old.id returning d.id
          ),
          attempts as (delete from webhook_attempts a using done where a.delivery_id = done.id)
          select count(*)::int as n from done`,
      ),
      QUEUE,
    );
    return (cancelled?.n ?? 0) + (deleted?.n ?? 0);
  }
}
