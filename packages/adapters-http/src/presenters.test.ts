import type { LoadItem, ScheduleItem } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { present } from './presenters.js';
import { EventSchema } from './routes/reservations/history.js';

describe('present.scheduleJson', () => {
  it('writes the same JSON as serializing the presented items', () => {
    const hour = 3_600_000;
    const t0 = Date.UTC(2026, 11, 1);
    const items: ScheduleItem[] = [
      { start: t0, end: t0 + 10 * hour, availableCapacity: 50_000 },
      { start: t0 + 10 * hour, end: t0 + 11 * hour, availableCapacity: 1 },
      { start: t0 + 11 * hour, end: t0 + 48 * hour, availableCapacity: 49_999 },
      // after a gap (a full or past stretch), so its start is formatted afresh
      { start: t0 + 50 * hour, end: t0 + 51 * hour, availableCapacity: 7 },
    ];
    for (const zone of ['Asia/Seoul', 'America/New_York']) {
      const text = present.scheduleJson(items, zone);
      expect(text).toBe(JSON.stringify(items.map((item) => present.schedule(item, zone))));
      expect(JSON.parse(text)).toHaveLength(4);
    }
    expect(present.scheduleJson([], 'Asia/Seoul')).toBe('[]');
  });
});

describe('present.loadJson', () => {
  it('writes the same JSON as serializing each stretch with its times formatted as schedules are', () => {
    const hour = 3_600_000;
    const t0 = Date.UTC(2026, 11, 1);
    const items: LoadItem[] = [
      { start: t0, end: t0 + 10 * hour, capacity: 50_000, confirmed: 0, pending: 0 },
      {
        start: t0 + 10 * hour,
        end: t0 + 11 * hour,
        capacity: 50_000,
        confirmed: 10_000,
        pending: 7_000_000_000,
      },
      { start: t0 + 11 * hour, end: t0 + 48 * hour, capacity: 50_000, confirmed: 1, pending: 0 },
    ];
    for (const zone of ['Asia/Seoul', 'America/New_York']) {
      const text = present.loadJson(items, zone);
      expect(text).toBe(
        JSON.stringify(
          items.map((item) => {
            const { start, end } = present.schedule({ ...item, availableCapacity: 0 }, zone);
            return { start, end, capacity: item.capacity, confirmed: item.confirmed, pending: item.pending };
          }),
        ),
      );
    }
    expect(present.loadJson([], 'Asia/Seoul')).toBe('[]');
  });
});

describe('present.event', () => {
  it('writes a confirmation by the waiting list with actor_id null and actor_role system, valid by the Event schema', () => {
    const t0 = Date.UTC(2026, 11, 1);
    const pending = {
      id: 7,
      userId: 3,
      reservationName: 'R',
      start: t0,
      end: t0 + 600_000,
      numberOfPeople: 2,
      status: 'pending' as const,
      createdAt: t0 - 1000,
      updatedAt: t0 - 1000,
    };
    const event = present.event(
      {
        id: 1,
        reservationId: 7,
        type: 'confirmed',
        actorId: null,
        actorRole: 'system',
        reason: 'waiting list',
        at: t0 - 500,
        before: pending,
        after: { ...pending, status: 'confirmed', updatedAt: t0 - 500 },
      },
      'Asia/Seoul',
    );
    expect(event).toMatchObject({ actor_id: null, actor_role: 'system', reason: 'waiting list' });
    expect(EventSchema.safeParse(event).success).toBe(true);
    expect(EventSchema.safeParse({ ...event, actor_role: 'robot' }).success).toBe(false);
  });
});
