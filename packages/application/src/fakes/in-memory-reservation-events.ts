import type {
  RecordedReservationEvent,
  ReservationEvent,
  ReservationEventPage,
  ReservationEvents,
  WebhookEventType,
} from '../ports/index.js';
import { isActive, type State } from './in-memory-state.js';

/** The audit trail over the in-memory state of `InMemoryStore`; appending queues webhook messages too. */
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
