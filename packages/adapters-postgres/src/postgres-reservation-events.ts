import type {
  RecordedReservationEvent,
  ReservationEvent,
  ReservationEvents,
} from '@exam-reservation/application';
import type { Reservation } from '@exam-reservation/domain';
import { type Kysely, sql } from 'kysely';
import type { Database, ReservationSnapshot } from './database.js';
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
    const rows = await this.exec.rows(
      this.db
        .selectFrom('reservation_events')
        .selectAll()
        .where('reservation_id', '=', reservationId)
        .orderBy('id'),
      ['reservation_events'],
    );
    return rows.map((row) => ({
      id: row.id,
      reservationId: row.reservation_id,
      type: row.type,
      actorId: row.actor_id,
      actorRole: row.actor_role,
      reason: row.reason,
      at: row.at.getTime(),
      before: row.before,
      after: row.after,
    }));
  }
}
