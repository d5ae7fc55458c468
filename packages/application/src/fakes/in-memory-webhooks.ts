import type {
  ClaimedDelivery,
  ClaimRequest,
  DeliverySettlement,
  NewWebhookEndpoint,
  OutboxDepth,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpoints,
  WebhookOutbox,
} from '../ports/index.js';
import { isActive, type State, type StoredDelivery, type StoredEndpoint } from './in-memory-state.js';

/** The order claims take due messages in: oldest due first. */
const byDue = (a: StoredDelivery, b: StoredDelivery): number =>
  a.nextAttemptAt - b.nextAttemptAt || a.id - b.id;

const shown = ({ secret: _, removedAt: __, ...endpoint }: StoredEndpoint): WebhookEndpoint => endpoint;

/** Webhook endpoints over the in-memory state of `InMemoryStore`. */
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
          reason: event.reason,
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
