import type {
  RecordedReservationEvent,
  ReservationEvent,
  ReservationEventPage,
  ReservationEvents,
} from '@exam-reservation/application';
import type { Reservation } from '@exam-reservation/domain';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, ReservationEventsTable, ReservationSnapshot } from './database.js';
import type { Executor } from './executor.js';

const snapshot = (r: Reservation): string => {
  const s: ReservationSnapshot = {
    id: r.id,
    userId: r.userId,
    reservationName: r.reservationName,
    start: r.start,
    end: r.end,
    numberOfPeople: r.numberOfPeople,
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  return JSON.stringify(s);
};

/** The append-only audit trail in `reservation_events` (the table refuses UPDATE and DELETE). */
export class PostgresReservationEvents implements ReservationEvents {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: Executor,
  ) {}

  async appendAll(events: readonly ReservationEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One (multi-row) INSERT, which also fills the webhook outbox: one
    // message per active endpoint subscribed to the event's type, in the
    // same statement (so in the same transaction, and with no round trip of
    // its own). It may wait for the commit: the unit of work holds the
    // reservations the events are about.
    const insert = this.db
      .insertInto('reservation_events')
      .values(
        events.map((event) => ({
          reservation_id: event.reservationId,
          type: event.type,
          actor_id: event.actorId,
          actor_role: event.actorRole,
          reason: event.reason,
          at: new Date(event.at),
          before: event.before ? snapshot(event.before) : null,
          after: snapshot(event.after),
        })),
      )
      .returning(['id', 'type', 'at']);
    const statement = sql`with ev as (${insert})
      insert into webhook_deliveries (endpoint_id, event_id, next_attempt_at, created_at)
      select e.id, ev.id, ev.at, ev.at from ev
      join webhook_endpoints e on e.disabled_at is null and e.removed_at is null
        and ('reservation.' || ev.type) = any(e.events)`;
    await this.exec.write({ compile: () => statement.compile(this.db) }, [
      'reservation_events',
      'webhook_deliveries',
    ]);
  }

  append(event: ReservationEvent): Promise<void> {
    return this.appendAll([event]);
  }

  async listFor(reservationId: number): Promise<RecordedReservationEvent[]> {
    const rows = await this.exec.rows(this.trailOf(reservationId).selectAll().orderBy('id'), READS);
    return rows.map(toEvent);
  }

  async pageFor(
    reservationId: number,
    page: { offset: number; limit: number },
  ): Promise<ReservationEventPage> {
    // Walks the (reservation_id, id) index for the page; the total is an
    // InitPlan counted over the same index, run once. (A count(*) over ()
    // window would read every event of the reservation, snapshots and all.)
    const rows = await this.exec.rows(
      this.trailOf(reservationId)
        .selectAll()
        .select(
          sql<number>`(select count(*)::int from reservation_events where reservation_id = ${reservationId})`.as(
            'total',
          ),
        )
        .orderBy('id')
        .offset(page.offset)
        .limit(page.limit),
      READS,
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && page.offset > 0) {
      const [counted] = await this.exec.rows(
        this.trailOf(reservationId).select(sql<number>`count(*)::int`.as('n')),
        READS,
      );
      total = counted?.n ?? 0;
    }
    return { items: rows.map(toEvent), total };
  }

  async countUserUpdates(reservationId: number, userId: number): Promise<number> {
    const [counted] = await this.exec.rows(
      this.trailOf(reservationId)
        .select(sql<number>`count(*)::int`.as('n'))
        .where('type', '=', 'updated')
        .where('actor_id', '=', userId)
        .where('actor_role', '=', 'user'),
      READS,
    );
    return counted?.n ?? 0;
  }

  private trailOf(reservationId: number) {
    return this.db.selectFrom('reservation_events').where('reservation_id', '=', reservationId);
  }
}

const READS = ['reservation_events'] as const;

function toEvent(row: Selectable<ReservationEventsTable>): RecordedReservationEvent {
  return {
    id: row.id,
    reservationId: row.reservation_id,
    type: row.type,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    reason: row.reason,
    at: row.at.getTime(),
    before: row.before,
    after: row.after,
  };
}
