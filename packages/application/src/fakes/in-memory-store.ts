import {
  CapacityLedger,
  ConflictError,
  type Reservation,
  type Role,
  type SlotDelta,
  type SlotLoads,
  type User,
} from '@exam-reservation/domain';
import type {
  ClaimedDelivery,
  ClaimRequest,
  DeliveryAttempt,
  DeliverySettlement,
  DeliveryState,
  IdempotencyClaim,
  IdempotencyKeys,
  IdempotencyRecord,
  IdempotencyScope,
  NewReservation,
  NewUser,
  NewWebhookEndpoint,
  OutboxDepth,
  PendingCursor,
  PendingPage,
  PendingQuery,
  ReadStores,
  RecordedReservationEvent,
  ReservationEvent,
  ReservationEventPage,
  ReservationEvents,
  ReservationListQuery,
  ReservationPage,
  Reservations,
  SlotLedger,
  TransactionStores,
  UnitOfWork,
  Users,
  UserWithPassword,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpoints,
  WebhookEventType,
  WebhookOutbox,
} from '../ports/index.js';

/** An endpoint as stored: with its secret, and when it was removed. */
interface StoredEndpoint extends WebhookEndpoint {
  readonly secret: string;
  readonly removedAt: number | null;
}

/** One message for one endpoint, as stored. */
interface StoredDelivery {
  readonly id: number;
  readonly endpointId: number;
  readonly eventId: number;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  readonly finishedAt: number | null;
}

interface State {
  reservations: Map<number, Reservation>;
  users: Map<number, UserWithPassword>;
  events: RecordedReservationEvent[];
  ledger: Map<number, number>;
  idempotency: Map<string, IdempotencyRecord>;
  endpoints: Map<number, StoredEndpoint>;
  deliveries: Map<number, StoredDelivery>;
  attempts: Map<number, readonly DeliveryAttempt[]>;
  nextReservationId: number;
  nextUserId: number;
  nextToken: number;
  nextEndpointId: number;
  nextDeliveryId: number;
}

const clone = (state: State): State => ({
  reservations: new Map(state.reservations),
  users: new Map(state.users),
  events: [...state.events],
  ledger: new Map(state.ledger),
  idempotency: new Map(state.idempotency),
  endpoints: new Map(state.endpoints),
  deliveries: new Map(state.deliveries),
  attempts: new Map(state.attempts),
  nextReservationId: state.nextReservationId,
  nextUserId: state.nextUserId,
  nextToken: state.nextToken,
  nextEndpointId: state.nextEndpointId,
  nextDeliveryId: state.nextDeliveryId,
});

/**
 * Every store port in memory, with real transactions: units of work run one
 * at a time, and one that throws leaves the state as it found it. For tests
 * and for simulating booking policies; not shared between processes.
 */
export class InMemoryStore implements UnitOfWork {
  private state: State = {
    reservations: new Map(),
    users: new Map(),
    events: [],
    ledger: new Map(),
    idempotency: new Map(),
    endpoints: new Map(),
    deliveries: new Map(),
    attempts: new Map(),
    nextReservationId: 1,
    nextUserId: 1,
    nextToken: 1,
    nextEndpointId: 1,
    nextDeliveryId: 1,
  };
  private queue: Promise<unknown> = Promise.resolve();

  run<T>(work: (stores: TransactionStores) => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      const draft = clone(this.state);
      const value = await work(storesOver(draft));
      this.state = draft;
      return value;
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async read<T>(work: (stores: ReadStores) => Promise<T>): Promise<T> {
    return work(storesOver(this.state));
  }

  /** Confirmed load per slot, as the ledger holds it. */
  ledgerSnapshot(): SlotLoads {
    return new Map(this.state.ledger);
  }

  reservationsSnapshot(): Reservation[] {
    return [...this.state.reservations.values()];
  }
}

function storesOver(state: State): TransactionStores {
  return {
    reservations: new InMemoryReservations(state),
    ledger: new InMemorySlotLedger(state),
    events: new InMemoryReservationEvents(state),
    users: new InMemoryUsers(state),
    idempotencyKeys: new InMemoryIdempotencyKeys(state),
    webhookEndpoints: new InMemoryWebhookEndpoints(state),
    outbox: new InMemoryWebhookOutbox(state),
  };
}

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
    const { overlapping, userId } = query;
    const matches = [...this.state.reservations.values()]
      .filter((r) => userId === undefined || r.userId === userId)
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

export class InMemorySlotLedger implements SlotLedger {
  constructor(private readonly state: State) {}

  async loadsIn(from: number, to: number): Promise<SlotLoads> {
    return new Map([...this.state.ledger].filter(([slot]) => slot >= from && slot < to));
  }

  /** Units of work already run one at a time here, so there is nothing to lock. */
  async lockLoads(slots: readonly number[]): Promise<SlotLoads> {
    return new Map(slots.map((slot) => [slot, this.state.ledger.get(slot) ?? 0]));
  }

  async apply(deltas: readonly SlotDelta[], capacity: number): Promise<void> {
    // The domain's ledger over the touched slots decides, all or nothing.
    const touched = new Map(deltas.map((d) => [d.slotStart, this.state.ledger.get(d.slotStart) ?? 0]));
    const ledger = new CapacityLedger(capacity, touched);
    ledger.apply(deltas);
    for (const slot of touched.keys()) {
      const load = ledger.load(slot);
      if (load === 0) this.state.ledger.delete(slot);
      else this.state.ledger.set(slot, load);
    }
  }
}

export class InMemoryReservationEvents implements ReservationEvents {
  constructor(private readonly state: State) {}

  async appendAll(events: readonly ReservationEvent[]): Promise<void> {
    for (const event of events) await this.append(event);
  }

  async append(event: ReservationEvent): Promise<void> {
    const id = this.state.events.length + 1;
    this.state.events.push({ ...event, id });
    // The outbox rides along: one message per active endpoint subscribed to the type.
    const type: WebhookEventType = `reservation.${event.type}`;
    for (const endpoint of this.state.endpoints.values()) {
      if (!isActive(endpoint) || !endpoint.events.includes(type)) continue;
      const deliveryId = this.state.nextDeliveryId++;
      this.state.deliveries.set(deliveryId, {
        id: deliveryId,
        endpointId: endpoint.id,
        eventId: id,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: event.at,
        createdAt: event.at,
        finishedAt: null,
      });
    }
  }

  async listFor(reservationId: number): Promise<RecordedReservationEvent[]> {
    return this.state.events.filter((e) => e.reservationId === reservationId);
  }

  async pageFor(
    reservationId: number,
    page: { offset: number; limit: number },
  ): Promise<ReservationEventPage> {
    const all = await this.listFor(reservationId);
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }

  async countUserUpdates(reservationId: number, userId: number): Promise<number> {
    return this.state.events.filter(
      (e) =>
        e.reservationId === reservationId &&
        e.type === 'updated' &&
        e.actorId === userId &&
        e.actorRole === 'user',
    ).length;
  }
}

export class InMemoryUsers implements Users {
  constructor(private readonly state: State) {}

  async findById(id: number): Promise<User | null> {
    const found = this.state.users.get(id);
    if (!found) return null;
    const { passwordHash: _, ...user } = found;
    return user;
  }

  async findManyById(ids: readonly number[]): Promise<User[]> {
    const found: User[] = [];
    for (const id of new Set(ids)) {
      const user = await this.findById(id);
      if (user) found.push(user);
    }
    return found;
  }

  async findByEmail(email: string): Promise<UserWithPassword | null> {
    for (const user of this.state.users.values()) if (user.email === email) return user;
    return null;
  }

  async insert(user: NewUser): Promise<User> {
    if (await this.findByEmail(user.email)) throw new ConflictError();
    const created: UserWithPassword = { ...user, id: this.state.nextUserId++ };
    this.state.users.set(created.id, created);
    const { passwordHash: _, ...result } = created;
    return result;
  }

  async setRole(id: number, role: Role): Promise<void> {
    const user = this.state.users.get(id);
    if (user) this.state.users.set(id, { ...user, role });
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    const user = this.state.users.get(id);
    if (user) this.state.users.set(id, { ...user, passwordHash });
  }
}

const scopeKey = (scope: IdempotencyScope): string => `${scope.userId}\u0000${scope.key}`;

/** Units of work run one at a time here, so every claim is held. */
export class InMemoryIdempotencyKeys implements IdempotencyKeys {
  constructor(private readonly state: State) {}

  async claim(scopes: readonly IdempotencyScope[], now: number): Promise<IdempotencyClaim[]> {
    return scopes.map((scope) => {
      const record = this.state.idempotency.get(scopeKey(scope));
      return { held: true, record: record && record.expiresAt > now ? record : null };
    });
  }

  async complete(
    scope: IdempotencyScope,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
  ): Promise<void> {
    this.state.idempotency.set(scopeKey(scope), record);
  }

  async start(
    scope: IdempotencyScope,
    run: { fingerprint: string; leaseUntil: number; expiresAt: number },
  ): Promise<string> {
    const token = `run-${this.state.nextToken++}`;
    this.state.idempotency.set(scopeKey(scope), { state: 'running', token, ...run });
    return token;
  }

  async finish(
    scope: IdempotencyScope,
    token: string,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
  ): Promise<void> {
    const current = this.state.idempotency.get(scopeKey(scope));
    if (current?.state === 'running' && current.token === token)
      this.state.idempotency.set(scopeKey(scope), record);
  }

  async renew(scope: IdempotencyScope, token: string, leaseUntil: number): Promise<void> {
    const record = this.state.idempotency.get(scopeKey(scope));
    if (record?.state === 'running' && record.token === token) {
      this.state.idempotency.set(scopeKey(scope), { ...record, leaseUntil });
    }
  }

  async release(scope: IdempotencyScope, token: string): Promise<void> {
    const record = this.state.idempotency.get(scopeKey(scope));
    if (record?.state === 'running' && record.token === token) this.state.idempotency.delete(scopeKey(scope));
  }

  async deleteExpired(now: number, limit: number): Promise<number> {
    let deleted = 0;
    for (const [key, record] of this.state.idempotency) {
      if (deleted >= limit) break;
      if (record.expiresAt > now) continue;
      this.state.idempotency.delete(key);
      deleted++;
    }
    return deleted;
  }
}

/** The order claims take due messages in: oldest due first. */
const byDue = (a: StoredDelivery, b: StoredDelivery): number =>
  a.nextAttemptAt - b.nextAttemptAt || a.id - b.id;

const isActive = (endpoint: StoredEndpoint): boolean =>
  endpoint.removedAt === null && endpoint.disabledAt === null;

const shown = ({ secret: _, removedAt: __, ...endpoint }: StoredEndpoint): WebhookEndpoint => endpoint;

export class InMemoryWebhookEndpoints implements WebhookEndpoints {
  constructor(private readonly state: State) {}

  async insert(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    const stored: StoredEndpoint = {
      id: this.state.nextEndpointId++,
      url: endpoint.url,
      events: [...endpoint.events],
      secret: endpoint.secret,
      createdAt: endpoint.createdAt,
      disabledAt: null,
      disabledReason: null,
      removedAt: null,
    };
    this.state.endpoints.set(stored.id, stored);
    return shown(stored);
  }

  async list(): Promise<WebhookEndpoint[]> {
    return [...this.state.endpoints.values()]
      .filter((e) => e.removedAt === null)
      .sort((a, b) => a.id - b.id)
      .map(shown);
  }

  async count(): Promise<number> {
    return (await this.list()).length;
  }

  async get(id: number): Promise<WebhookEndpoint | null> {
    const found = this.state.endpoints.get(id);
    return found && found.removedAt === null ? shown(found) : null;
  }

  async remove(id: number, now: number): Promise<boolean> {
    const found = this.state.endpoints.get(id);
    if (!found || found.removedAt !== null) return false;
    this.state.endpoints.set(id, { ...found, removedAt: now });
    return true;
  }

  async deliveries(endpointId: number, limit: number): Promise<WebhookDelivery[]> {
    return [...this.state.deliveries.values()]
      .filter((d) => d.endpointId === endpointId)
      .sort((a, b) => b.id - a.id)
      .slice(0, limit)
      .map((d) => {
        const event = this.state.events[d.eventId - 1]!;
        return {
          messageId: `msg_${d.eventId}`,
          type: `reservation.${event.type}` as const,
          reservationId: event.reservationId,
          state: d.state,
          createdAt: d.createdAt,
          nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt : null,
          attempts: [...(this.state.attempts.get(d.id) ?? [])].sort((a, b) => a.attempt - b.attempt),
        };
      });
  }
}

/** Units of work run one at a time here, so a claim has nothing to skip. */
export class InMemoryWebhookOutbox implements WebhookOutbox {
  constructor(private readonly state: State) {}

  async claim(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const share = (endpointId: number) =>
      Math.min(request.perEndpoint, request.allowances?.get(endpointId) ?? request.perEndpoint) -
      (request.busy.get(endpointId) ?? 0);
    // Each endpoint's oldest due within its share, numbered by turn: the
    // first turn of every endpoint comes before anyone's second.
    const turns = new Map<number, number>();
    const candidates: { d: StoredDelivery; turn: number }[] = [];
    const due = [...this.state.deliveries.values()]
      .filter((d) => d.state === 'pending' && d.nextAttemptAt <= request.now)
      .sort(byDue);
    for (const d of due) {
      const endpoint = this.state.endpoints.get(d.endpointId);
      if (!endpoint || !isActive(endpoint)) continue;
      const turn = (turns.get(d.endpointId) ?? 0) + 1;
      if (turn > share(d.endpointId)) continue;
      turns.set(d.endpointId, turn);
      candidates.push({ d, turn });
    }
    candidates.sort((a, b) => a.turn - b.turn || byDue(a.d, b.d));
    const claimed: ClaimedDelivery[] = [];
    for (const { d } of candidates.slice(0, Math.max(0, request.limit))) {
      const endpoint = this.state.endpoints.get(d.endpointId)!;
      const attempt = d.attempts + 1;
      this.state.deliveries.set(d.id, { ...d, attempts: attempt, nextAttemptAt: request.leaseUntil });
      const event = this.state.events[d.eventId - 1]!;
      claimed.push({
        deliveryId: d.id,
        attempt,
        target: { endpointId: endpoint.id, url: endpoint.url, secret: endpoint.secret },
        message: {
          id: `msg_${d.eventId}`,
          type: `reservation.${event.type}`,
          at: event.at,
          reservation: event.after,
        },
      });
    }
    return claimed;
  }

  async settle(settlements: readonly DeliverySettlement[]): Promise<void> {
    for (const s of settlements) {
      const attempts = this.state.attempts.get(s.deliveryId) ?? [];
      if (attempts.some((a) => a.attempt === s.attempt))
        throw new Error(`attempt ${s.attempt} recorded twice`);
      this.state.attempts.set(s.deliveryId, [
        ...attempts,
        {
          attempt: s.attempt,
          startedAt: s.startedAt,
          durationMs: s.durationMs,
          responseStatus: s.responseStatus,
          error: s.error,
        },
      ]);
      const ended = s.startedAt + s.durationMs;
      if (s.outcome === 'gone') {
        const endpoint = this.state.endpoints.get(s.endpointId);
        if (endpoint && endpoint.disabledAt === null) {
          this.state.endpoints.set(s.endpointId, {
            ...endpoint,
            disabledAt: ended,
            disabledReason: `answered ${s.responseStatus ?? 410} Gone`,
          });
        }
      }
      const d = this.state.deliveries.get(s.deliveryId);
      if (d?.state !== 'pending' || d.attempts !== s.attempt) continue;
      this.state.deliveries.set(
        d.id,
        s.outcome === 'retry'
          ? { ...d, nextAttemptAt: s.nextAttemptAt ?? ended }
          : { ...d, state: s.outcome === 'delivered' ? 'delivered' : 'failed', finishedAt: ended },
      );
    }
  }

  async depth(now: number): Promise<OutboxDepth> {
    let pending = 0;
    let due = 0;
    let oldestDueAt: number | null = null;
    for (const d of this.state.deliveries.values()) {
      if (d.state !== 'pending') continue;
      pending++;
      if (d.nextAttemptAt > now) continue;
      due++;
      oldestDueAt = oldestDueAt === null ? d.nextAttemptAt : Math.min(oldestDueAt, d.nextAttemptAt);
    }
    return { pending, due, oldestDueAt };
  }

  async tidy(now: number, finishedBefore: number, limit: number): Promise<number> {
    let cancelled = 0;
    for (const d of this.state.deliveries.values()) {
      if (cancelled >= limit) break;
      const endpoint = this.state.endpoints.get(d.endpointId);
      if (d.state !== 'pending' || (endpoint && isActive(endpoint))) continue;
      this.state.deliveries.set(d.id, { ...d, state: 'cancelled', finishedAt: now });
      cancelled++;
    }
    let deleted = 0;
    for (const d of [...this.state.deliveries.values()]) {
      if (deleted >= limit) break;
      if (d.finishedAt === null || d.finishedAt >= finishedBefore) continue;
      this.state.deliveries.delete(d.id);
      this.state.attempts.delete(d.id);
      deleted++;
    }
    return cancelled + deleted;
  }
}
