import type {
  AdmissionResult,
  BulkOutcome,
  RecordedReservationEvent,
  WebhookDelivery,
  WebhookEndpoint,
} from '@exam-reservation/application';
import type { LoadItem, Reservation, ScheduleItem, User } from '@exam-reservation/domain';
import { formatInstant } from '@exam-reservation/domain';
import { problemOf } from './problem.js';

/** The JSON field names of the reference API, times in the zone of the deployment. */
export const present = {
  user(user: User, zone: string) {
    return {
      id: user.id,
      email: user.email,
      user_name: user.userName,
      role: user.role,
      created_at: formatInstant(user.createdAt, zone),
    };
  },

  reservation(r: Reservation, zone: string) {
    return {
      id: r.id,
      user_id: r.userId,
      reservation_name: r.reservationName,
      start_time: formatInstant(r.start, zone),
      end_time: formatInstant(r.end, zone),
      number_of_people: r.numberOfPeople,
      status: r.status,
      created_at: formatInstant(r.createdAt, zone),
      updated_at: formatInstant(r.updatedAt, zone),
    };
  },

  event(e: RecordedReservationEvent, zone: string) {
    return {
      type: e.type,
      at: formatInstant(e.at, zone),
      actor_id: e.actorId,
      actor_role: e.actorRole,
      reason: e.reason,
      before: e.before ? present.reservation(e.before, zone) : null,
      after: present.reservation(e.after, zone),
    };
  },

  /** Each id's answer: the reservation, or the problem the single action would have answered with. */
  bulk(outcomes: readonly BulkOutcome<Reservation>[], zone: string) {
    return {
      results: outcomes.map((o) => {
        if ('ok' in o) return { id: o.id, status: 200, reservation: present.reservation(o.ok, zone) };
        const { status, body } = problemOf(o.error, zone);
        return { id: o.id, status, problem: body };
      }),
    };
  },

  webhook(endpoint: WebhookEndpoint, zone: string) {
    return {
      id: endpoint.id,
      url: endpoint.url,
      events: endpoint.events,
      status: endpoint.disabledAt === null ? ('active' as const) : ('disabled' as const),
      created_at: formatInstant(endpoint.createdAt, zone),
      disabled_at: endpoint.disabledAt === null ? null : formatInstant(endpoint.disabledAt, zone),
      disabled_reason: endpoint.disabledReason,
    };
  },

  delivery(d: WebhookDelivery, zone: string) {
    return {
      id: d.messageId,
      event_type: d.type,
      reservation_id: d.reservationId,
      status: d.state,
      created_at: formatInstant(d.createdAt, zone),
      next_attempt_at: d.nextAttemptAt === null ? null : formatInstant(d.nextAttemptAt, zone),
      attempts: d.attempts.map((a) => ({
        attempt: a.attempt,
        started_at: formatInstant(a.startedAt, zone),
        duration_ms: a.durationMs,
        response_status: a.responseStatus,
        error: a.error,
      })),
    };
  },

  admission(result: AdmissionResult) {
    return {
      confirmed: result.confirmed,
      rejected: result.rejected,
      left_pending: result.leftPending,
      complete: result.complete,
    };
  },

  schedule(item: ScheduleItem, zone: string) {
    return {
      start: formatInstant(item.start, zone),
      end: formatInstant(item.end, zone),
      available_capacity: item.availableCapacity,
    };
  },

  /**
   * A schedule as JSON text, written directly: a 180-day schedule has
   * thousands of items, and building an object for each only to serialize
   * it doubled the work. Every value is an ISO time or an integer, so
   * nothing needs escaping; equal to `JSON.stringify(items.map(schedule))`.
   */
  scheduleJson(items: readonly ScheduleItem[], zone: string): string {
    const parts = new Array<string>(items.length);
    // Items mostly follow each other (one ends where the next starts), so the
    // end's text is usually the next start's.
    let lastEnd = Number.NaN;
    let lastEndText = '';
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const start = item.start === lastEnd ? lastEndText : formatInstant(item.start, zone);
      lastEnd = item.end;
      lastEndText = formatInstant(item.end, zone);
      parts[i] = `{"start":"${start}","end":"${lastEndText}","available_capacity":${item.availableCapacity}}`;
    }
    return `[${parts.join(',')}]`;
  },

  /**
   * Slot load as JSON text, written directly like {@link present.scheduleJson}
   * (a 31-day range may have thousands of stretches); equal to
   * `JSON.stringify` of `{start, end, capacity, confirmed, pending}` per item.
   */
  loadJson(items: readonly LoadItem[], zone: string): string {
    const parts = new Array<string>(items.length);
    let lastEnd = Number.NaN;
    let lastEndText = '';
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const start = item.start === lastEnd ? lastEndText : formatInstant(item.start, zone);
      lastEnd = item.end;
      lastEndText = formatInstant(item.end, zone);
      parts[i] =
        `{"start":"${start}","end":"${lastEndText}","capacity":${item.capacity},` +
        `"confirmed":${item.confirmed},"pending":${item.pending}}`;
    }
    return `[${parts.join(',')}]`;
  },
};
