import { type Reservation, type SlotGrid, type SlotLoads, TimeRange } from '@exam-reservation/domain';
import type {
  ExportCsvEnd,
  ExportCursor,
  ExportPage,
  ExportQuery,
  NewReservation,
  PendingCursor,
  PendingPage,
  PendingQuery,
  ReservationListQuery,
  ReservationPage,
  Reservations,
} from '../ports/index.js';
import type { State } from './in-memory-state.js';

/** The reservations port over the in-memory state of `InMemoryStore`. */
export class InMemoryReservations implements Reservations {
  constructor(private readonly state: State) {}

  async get(id: number): Promise<Reservation | null> {
    return this.state.reservations.get(id) ?? null;
  }

  getForUpdate(id: number): Promise<Reservation | null> {
    return this.get(id);
  }

  async getManyForUpdate(ids: readonly number[]): Promise<Reservation[]> {
    return [...new Set(ids)].sort((a, b) => a - b).flatMap((id) => this.state.reservations.get(id) ?? []);
  }

  async list(query: ReservationListQuery): Promise<ReservationPage> {
    const { overlapping, userId, statuses } = query;
    const matches = [...this.state.reservations.values()]
      .filter((r) => userId === undefined || r.userId === userId)
      .filter((r) => statuses === undefined || statuses.includes(r.status))
      .filter((r) => !overlapping || (r.start < overlapping.end && overlapping.start < r.end))
      .sort((a, b) => a.start - b.start || a.id - b.id);
    return { items: matches.slice(query.offset, query.offset + query.limit), total: matches.length };
  }

  async listPending(query: PendingQuery): Promise<PendingPage> {
    const { overlapping } = query;
    // Creation times here are whole milliseconds, so the cursor is exact as `createdAt/id`.
    const [createdAt, id] = query.after ? query.after.split('/').map(Number) : [];
    const items = [...this.state.reservations.values()]
      .filter((r) => r.status === 'pending' && r.start < overlapping.end && overlapping.start < r.end)
      .filter(
        (r) =>
          createdAt === undefined ||
          id === undefined ||
          r.createdAt > createdAt ||
          (r.createdAt === createdAt && r.id > id),
      )
      .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
      .slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, next: last ? (`${last.createdAt}/${last.id}` as PendingCursor) : null };
  }

  async pendingLoadsIn(from: number, to: number, grid: SlotGrid): Promise<SlotLoads> {
    const loads = new Map<number, number>();
    for (const r of this.state.reservations.values()) {
      if (r.status !== 'pending' || r.start >= to || r.end <= from) continue;
      const covered = TimeRange.of(Math.max(r.start, from), Math.min(r.end, to));
      for (const slot of grid.slotsOf(covered)) loads.set(slot, (loads.get(slot) ?? 0) + r.numberOfPeople);
    }
    return loads;
  }

  /** None here: the caller writes the rows of {@link exportPage} (the plain way). */
  async exportCsv(): Promise<ExportCsvEnd | null> {
    return null;
  }

  async exportPage(query: ExportQuery): Promise<ExportPage> {
    const { overlapping, statuses } = query;
    // Start times here are whole milliseconds, so the cursor is exact as `start/id`.
    const [start, id] = query.after ? query.after.split('/').map(Number) : [];
    const items = [...this.state.reservations.values()]
      .filter((r) => r.start < overlapping.end && overlapping.start < r.end)
      .filter((r) => statuses === undefined || statuses.includes(r.status))
      .filter(
        (r) => start === undefined || id === undefined || r.start > start || (r.start === start && r.id > id),
      )
      .sort((a, b) => a.start - b.start || a.id - b.id)
      .slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, next: last ? (`${last.start}/${last.id}` as ExportCursor) : null };
  }

  async insertAll(reservations: readonly NewReservation[]): Promise<Reservation[]> {
    const inserted: Reservation[] = [];
    for (const r of reservations) inserted.push(await this.insert(r));
    return inserted;
  }

  async insert(reservation: NewReservation): Promise<Reservation> {
    const created = { ...reservation, id: this.state.nextReservationId++ };
    this.state.reservations.set(created.id, created);
    return created;
  }

  async saveAll(reservations: readonly Reservation[]): Promise<void> {
    for (const r of reservations) await this.save(r);
  }

  async save(reservation: Reservation): Promise<void> {
    if (!this.state.reservations.has(reservation.id)) throw new Error(`no reservation ${reservation.id}`);
    this.state.reservations.set(reservation.id, reservation);
  }
}
