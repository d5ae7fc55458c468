/** Scenario (4) of `pnpm bench`: one reservation by id, as its owner, 32 in flight. */
import type { JobResult } from './driver.js';
import type { RunContext } from './run-context.js';
import { GET_REQUESTS } from './settings.js';

/** @param users the access tokens of `bench-<index>-<i>@example.com`, by i */
export async function getOneScenario(
  { origin, driver, db }: RunContext,
  users: readonly string[],
  index: number,
): Promise<JobResult> {
  const owned = await db.query<{ id: number; email: string }>(
    `select r.id, u.email from reservations r join users u on u.id = r.user_id where u.email like 'bench-%' order by r.id limit 500`,
  );
  const tokenByEmail = new Map(users.map((t, i) => [`bench-${index}-${i}@example.com`, t]));
  const getOne = await driver.run(
    origin,
    32,
    owned.rows.map((r) => ({
      method: 'GET' as const,
      path: `/reservations/${r.id}`,
      headers: { authorization: `Bearer ${tokenByEmail.get(r.email)}` },
    })),
    [200],
    GET_REQUESTS,
  );
  return getOne;
}
