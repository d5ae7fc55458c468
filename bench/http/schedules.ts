/**
 * Scenario (3) of `pnpm bench`: schedules over 180 days with confirmed
 * reservations spread across them, 8 in flight, and one caller at a time.
 */
import type { BenchRequest, JobResult } from './driver.js';
import type { RunContext } from './run-context.js';
import { SCHEDULE_REQUESTS, SPREAD_RESERVATIONS } from './settings.js';
import { seoulDate } from './support.js';

export async function schedulesScenario({
  origin,
  driver,
  db,
  auth,
  adminAuth,
  endPhase,
}: RunContext): Promise<{ schedules: JobResult; schedulesAlone: JobResult }> {
  const firstDay = 20;
  const spread = Array.from({ length: SPREAD_RESERVATIONS }, (_, i) => {
    const day = seoulDate(firstDay + (i % 180));
    const hour = String((i * 7) % 23).padStart(2, '0');
    const minutes = [10, 20, 30, 60][i % 4]!;
    const endHour = String(((i * 7) % 23) + (minutes === 60 ? 1 : 0)).padStart(2, '0');
    const endMinute = minutes === 60 ? '00' : String(minutes);
    return {
      method: 'POST' as const,
      path: '/reservations',
      headers: auth(i),
      body: JSON.stringify({
        reservation_name: `spread ${i}`,
        start: `${day} ${hour}:00`,
        end: `${day} ${endHour}:${endMinute}`,
        number_of_people: 1 + (i % 200),
      }),
    };
  });
  const seeded = await driver.run(origin, 32, spread, [201]);
  if (seeded.errors > 0)
    throw new Error(`seeding the spread reservations failed: ${JSON.stringify(seeded.statuses)}`);
  const spreadIds = (
    await db.query<{ id: number }>(
      `select id from reservations where status = $1 and reservation_name like 'spread %' order by id`,
      ['pending'],
    )
  ).rows.map((r) => r.id);
  const confirmedSpread = await driver.run(
    origin,
    32,
    spreadIds.map((id) => ({
      method: 'POST' as const,
      path: `/reservations/${id}/confirm`,
      headers: adminAuth,
    })),
    [200],
  );
  if (confirmedSpread.errors > 0) throw new Error('confirming the spread reservations failed');
  endPhase(`seeding ${SPREAD_RESERVATIONS} spread`);
  const schedule: BenchRequest = {
    method: 'GET',
    path: `/reservations/schedules?start=${seoulDate(firstDay)}&end=${seoulDate(firstDay + 179)}`,
    headers: auth(0),
  };
  const schedules = await driver.run(origin, 8, [schedule], [200], SCHEDULE_REQUESTS);

  endPhase('(3) schedules');
  // (3b) the same, one caller at a time: the latency a user sees.
  const schedulesAlone = await driver.run(origin, 1, [schedule], [200], Math.ceil(SCHEDULE_REQUESTS / 4));
  return { schedules, schedulesAlone };
}
