/**
 * Scenarios (2) and (1) of `pnpm bench` on one hot window: its reservations
 * booked, 32 in flight, then confirmed by the admin, 64 in flight, until
 * they exactly fill it.
 */
import type { JobResult } from './driver.js';
import type { RunContext } from './run-context.js';
import { HOT_PEOPLE, HOT_RESERVATIONS } from './settings.js';
import { seoulDate } from './support.js';

/** `count` bookings of the hot window (its hour, HOT_PEOPLE each), named `<name> <i>`. */
export const hotBookings = (count: number, name: string, auth: RunContext['auth']) =>
  Array.from({ length: count }, (_, i) => ({
    method: 'POST' as const,
    path: '/reservations',
    headers: auth(i),
    body: JSON.stringify({
      reservation_name: `${name} ${i}`,
      start: `${seoulDate(10)} 09:00`,
      end: `${seoulDate(10)} 10:00`,
      number_of_people: HOT_PEOPLE,
    }),
  }));

/** (2) creation, 32 in flight: the hot window's pending reservations. */
export async function createHotWindow({
  origin,
  driver,
  db,
  auth,
}: RunContext): Promise<{ create: JobResult; hotIds: number[] }> {
  const create = await driver.run(origin, 32, hotBookings(HOT_RESERVATIONS, 'hot', auth), [201]);
  const hotIds = (
    await db.query<{ id: number }>('select id from reservations where status = $1 order by id', ['pending'])
  ).rows.map((r) => r.id);
  return { create, hotIds };
}

/** Confirmations of `ids` by the admin, in order. */
export const confirmRequests = (ids: readonly number[], adminAuth: Record<string, string>) =>
  ids.map((id) => ({ method: 'POST' as const, path: `/reservations/${id}/confirm`, headers: adminAuth }));

/**
 * Warm-up, not measured: the confirm route's first calls compile its code
 * paths (JIT). A server is warm when registration opens; 300 confirmations
 * on another day, away from the hot window, stand for the traffic before.
 */
export async function warmConfirmRoute({ origin, driver, db, auth, adminAuth }: RunContext): Promise<void> {
  const warmDay = seoulDate(12);
  const warm = await driver.run(
    origin,
    32,
    Array.from({ length: 300 }, (_, i) => ({
      method: 'POST' as const,
      path: '/reservations',
      headers: auth(i),
      body: JSON.stringify({
        reservation_name: `warm-up ${i}`,
        start: `${warmDay} ${String(i % 24).padStart(2, '0')}:00`,
        end: `${warmDay} ${String(i % 24).padStart(2, '0')}:10`,
        number_of_people: 1,
      }),
    })),
    [201],
  );
  if (warm.errors > 0) throw new Error(`warm-up bookings failed: ${JSON.stringify(warm.statuses)}`);
  const warmIds = (
    await db.query<{ id: number }>(`select id from reservations where reservation_name like 'warm-up %'`)
  ).rows.map((r) => r.id);
  await driver.run(origin, 64, confirmRequests(warmIds, adminAuth), [200]);
}

/** (1) admin confirmations on the hot window, 64 in flight: exactly fills it. */
export async function confirmHotWindow(run: RunContext, hotIds: readonly number[]): Promise<JobResult> {
  await warmConfirmRoute(run);
  return run.driver.run(run.origin, 64, confirmRequests(hotIds, run.adminAuth), [200]);
}
