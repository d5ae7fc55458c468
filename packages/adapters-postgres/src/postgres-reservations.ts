import type {
  ExportCsvEnd,
  ExportPage,
  ExportQuery,
  NewReservation,
  PendingCursor,
  PendingPage,
  PendingQuery,
  ReservationListQuery,
  ReservationPage,
  Reservations,
} from '@exam-reservation/application';
import type { Reservation, SlotGrid, SlotLoads } from '@exam-reservation/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import { exportCsv, exportPage } from './reservation-export-reads.js';
import { isRowId, parseKeyCursor, toReservation, UTC_MICROS_KEY } from './rows.js';

const READS = ['reservations'] as const;

/** Reservations in the `reservations` table. */
export class PostgresReservations implements Reservations {
  /** Rows this unit of work holds locked: saving them cannot fail, so the save may wait for the commit. */
  private readonly locked = new Set<number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: Executor,
  ) {}

  async get(id: number): Promise<Reservation | null> {
    if (!isRowId(id)) return null;
    const [row] = await this.exec.rows(
      this.db.selectFrom('reservations').selectAll().where('id', '=', id),
      READS,
    );
    return row ? toReservation(row) : null;
  }

  async getForUpdate(id: number): Promise<Reservation | null> {
    if (!isRowId(id)) return null;
    // NO KEY UPDATE: enough to serialize changes of this reservation, and it
    // does not block inserts of audit events that reference it.
    const [row] = await this.exec.rows(
      this.db.selectFrom('reservations').selectAll().where('id', '=', id).forNoKeyUpdate(),
      READS,
    );
    if (!row) return null;
    this.locked.add(id);
    return toReservation(row);
  }

  async getManyForUpdate(ids: readonly number[]): Promise<Reservation[]> {
    const wanted = [...new Set(ids)].filter(isRowId);
    if (wanted.length === 0) return [];
    // ORDER BY id over the primary key: rows are locked in ascending id order.
    const rows = await this.exec.rows(
      this.db.selectFrom('reservations').selectAll().where('id', 'in', wanted).orderBy('id').forNoKeyUpdate(),
      READS,
    );
    for (const row of rows) this.locked.add(row.id);
    return rows.map(toReservation);
  }

  async list(query: ReservationListQuery): Promise<ReservationPage> {
    const { overlapping, userId, statuses } = query;
    if (statuses !== undefined && statuses.length === 0) return { items: [], total: 0 };
    let filtered = this.db.selectFrom('reservations');
    if (userId !== undefined) filtered = filtered.where('user_id', '=', userId);
    if (statuses !== undefined) filtered = filtered.where('status', 'in', [...statuses]);
    if (overlapping) {
      // Half-open ranges: a reservation that only touches the boundary does
      // not overlap. The expression matches the GiST index.
      const from = new Date(overlapping.start).toISOString();
      const to = new Date(overlapping.end).toISOString();
      filtered = filtered.where(
        sql<boolean>`tstzrange(start_time, end_time, '[)') && tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')`,
      );
    }
    // The total rides along with the page (one round trip); only a page past
    // the end, which has no row to carry it, needs a separate count.
    const rows = await this.exec.rows(
      filtered
        .selectAll()
        .select(sql<number>`(count(*) over ())::int`.as('total'))
        .orderBy('start_time')
        .orderBy('id')
        .offset(query.offset)
        .limit(query.limit),
      READS,
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && query.offset > 0) {
      const [counted] = await this.exec.rows(filtered.select(sql<number>`count(*)::int`.as('n')), READS);
      total = counted?.n ?? 0;
    }
    return { items: rows.map(toReservation), total };
  }

  async listPending(query: PendingQuery): Promise<PendingPage> {
    const { overlapping, after } = query;
    const from = new Date(overlapping.start).toISOString();
    const to = new Date(overlapping.end).toISOString();
    let pending = this.db
      .selectFrom('reservations')
      .selectAll()
      // to_char gives null for ±infinity, whose text is read back as itself.
      .select(
        sql<string>`coalesce(to_char(created_at at time zone 'UTC', ${UTC_MICROS_KEY}), created_at::text)`.as(
          'created_key',
        ),
      )
      .where('status', '=', 'pending')
      .where(
        sql<boolean>`tstzrange(start_time, end_time, '[)') && tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')`,
      );
    if (after) {
      const { key: createdKey, id } = parseKeyCursor(after, 'pending reservations');
      // A row comparison against the stored value to the microsecond (a Date
      // would cut it to the millisecond and the same rows would come again),
      // so the partial index on (created_at, id) of pending rows is walked
      // from where the previous page stopped.
      pending = pending.where(
        sql<boolean>`(created_at, id) > ((${createdKey}::timestamp at time zone 'UTC'), ${id}::int)`,
      );
    }
    const rows = await this.exec.rows(pending.orderBy('created_at').orderBy('id').limit(query.limit), READS);
    const last = rows[rows.length - 1];
    return {
      items: rows.map(toReservation),
      next: last ? (`${last.created_key}/${last.id}` as PendingCursor) : null,
    };
  }

  async pendingLoadsIn(from: number, to: number, grid: SlotGrid): Promise<SlotLoads> {
    // Slots are numbered from the first one of the range. Each pending reservation that covers a
    // slot of the range adds its people where its first covered slot starts and takes them off
    // where its slots end; the running sum over those change points is the pending load, one row
    // per change point: at most twice the slots of the range, however many reservations there
    // are (no row per reservation and slot). The people are summed per start and per end time in
    // one scan first, so the slot arithmetic runs per distinct time, not per reservation. A
    // reservation whose first covered slot is its end slot (it covers no slot start) adds and
    // takes off at the same slot: nothing.
    const slotSeconds = grid.slotMs / 1000;
    const first = Math.ceil(from / grid.slotMs);
    const end = Math.ceil(to / grid.slotMs);
    if (first >= end) return new Map();
    const query = sql<{ slot: number; people: number }>`
      with changes as (
        select case when grouping(start_time) = 0
                    then greatest(ceil(date_part('epoch', start_time) / ${slotSeconds}::float8), ${first}::float8)
                    else ceil(date_part('epoch', end_time) / ${slotSeconds}::float8) end as slot,
               case when grouping(start_time) = 0 then sum(number_of_people) else -sum(number_of_people) end as delta
        from reservations
        where status = 'pending'
          and tstzrange(start_time, end_time, '[)')
              && tstzrange(${new Date(from).toISOString()}::timestamptz, ${new Date(to).toISOString()}::timestamptz, '[)')
        group by grouping sets ((start_time), (end_time))
      )
      select (slot - ${first}::float8)::int as slot, (sum(sum(delta)) over (order by slot))::float8 as people
      from changes where slot < ${end}::float8 group by slot order by slot`;
    const rows = await this.exec.rows({ compile: () => query.compile(this.db) }, READS);
    const loads = new Map<number, number>();
    for (let i = 0; i < rows.length; i++) {
      const { slot, people } = rows[i]!;
      if (people <= 0) continue;
      const until = rows[i + 1]?.slot ?? end - first;
      for (let k = slot; k < until; k++) loads.set((first + k) * grid.slotMs, people);
    }
    return loads;
  }

  exportPage(query: ExportQuery): Promise<ExportPage> {
    return exportPage(this.db, this.exec, query);
  }

  exportCsv(query: ExportQuery, zone: string, take: (csv: string) => void): Promise<ExportCsvEnd | null> {
    return exportCsv(this.db, this.exec, query, zone, take);
  }

  async insert(reservation: NewReservation): Promise<Reservation> {
    const [inserted] = await this.insertAll([reservation]);
    if (!inserted) throw new Error('insert returned no row');
    return inserted;
  }

  async insertAll(reservations: readonly NewReservation[]): Promise<Reservation[]> {
    if (reservations.length === 0) return [];
    const rows = await this.exec.rows(
      this.db
        .insertInto('reservations')
        .values(
          reservations.map((reservation) => ({
            user_id: reservation.userId,
            reservation_name: reservation.reservationName,
            start_time: new Date(reservation.start),
            end_time: new Date(reservation.end),
            number_of_people: reservation.numberOfPeople,
            status: reservation.status,
            created_at: new Date(reservation.createdAt),
            updated_at: new Date(reservation.updatedAt),
          })),
        )
        .returningAll(),
      READS,
    );
    // The identity is drawn row by row in VALUES order, so ascending ids are
    // the input's order (RETURNING itself promises no order).
    const inserted = rows.map(toReservation).sort((a, b) => a.id - b.id);
    inserted.forEach((r, i) => {
      const wanted = reservations[i]!;
      if (
        r.userId !== wanted.userId ||
        r.start !== wanted.start ||
        r.reservationName !== wanted.reservationName
      ) {
        throw new Error('inserted rows do not match their input in id order');
      }
    });
    return inserted;
  }

  async saveAll(reservations: readonly Reservation[]): Promise<void> {
    if (!reservations.every((r) => this.locked.has(r.id))) {
      for (const r of reservations) await this.save(r);
      return;
    }
    if (reservations.length === 0) return;
    // Rows this unit holds: one UPDATE … FROM (VALUES …) for all of them,
    // held back until the commit like a single save.
    const values = sql.join(
      reservations.map(
        (r) =>
          sql`(${r.id}::int, ${r.reservationName}::text, ${new Date(r.start)}::timestamptz,
            ${new Date(r.end)}::timestamptz, ${r.numberOfPeople}::int, ${r.status}::text,
            ${new Date(r.updatedAt)}::timestamptz)`,
      ),
    );
    const update = sql`update reservations as r set
        reservation_name = v.reservation_name, start_time = v.start_time, end_time = v.end_time,
        number_of_people = v.number_of_people, status = v.status, updated_at = v.updated_at
      from (values ${values}) as v(id, reservation_name, start_time, end_time, number_of_people, status, updated_at)
      where r.id = v.id`;
    await this.exec.write({ compile: () => update.compile(this.db) }, 'reservations');
  }

  async save(reservation: Reservation): Promise<void> {
    // user_id and created_at never change, so they are not written (and the
    // foreign key is not checked again).
    const update = this.db
      .updateTable('reservations')
      .set({
        reservation_name: reservation.reservationName,
        start_time: new Date(reservation.start),
        end_time: new Date(reservation.end),
        number_of_people: reservation.numberOfPeople,
        status: reservation.status,
        updated_at: new Date(reservation.updatedAt),
      })
      .where('id', '=', reservation.id);
    if (this.locked.has(reservation.id)) {
      await this.exec.write(update, 'reservations');
      return;
    }
    const saved = await this.exec.rows(update.returning('id'), READS);
    if (saved.length === 0) throw new Error(`no reservation ${reservation.id}`);
  }
}
