import { createHash } from 'node:crypto';
import { bookableFrom, formatInstant } from '@exam-reservation/domain';
import type { Response } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../../auth/require-auth.js';
import { FreshCache } from '../../fresh-cache.js';
import type { HttpDeps } from '../../http-deps.js';
import { notModified } from '../../not-modified.js';
import { json, problem } from '../../openapi-parts.js';
import { parseQuery } from '../../parse.js';
import { present } from '../../presenters.js';
import { requestDate, responseTime } from '../common-schemas.js';
import type { ReservationEndpoints } from './reservation-context.js';

/*
 * At the minute registration opens, thousands of candidates ask for the same few ranges: each
 * range is read and written as JSON once per SCHEDULE_MAX_STALENESS_MS and shared, and a client
 * that has the current answer gets 304. Creating and confirming never read this: they check the
 * live ledger. The schedule fast path (schedule-fast-path.ts) serves the same answers before
 * Express, with what this module gives it.
 */

/** `GET /reservations/schedules` query. */
export const ScheduleQuery = z.strictObject({
  start: requestDate,
  end: requestDate.openapi({ description: 'Inclusive last date; not before `start`; at most 366 days on.' }),
});

/** One bookable stretch of time. */
export const ScheduleSchema = z
  .object({
    start: responseTime,
    end: responseTime,
    available_capacity: z.number().int().openapi({ description: 'SLOT_CAPACITY minus the confirmed load.' }),
  })
  .openapi('Schedule');

/** The route template of the schedules, as the request log and the metrics name it. */
export const SCHEDULES_ROUTE = '/reservations/schedules';

/** A schedule answer as the route writes it and the cache keeps it. */
export interface ScheduleAnswer {
  /** The JSON, as bytes: encoded once per computation, not once per request. */
  readonly body: Buffer;
  readonly etag: string;
  /**
   * Its headers, `[name, value, name, value]`: Cache-Control, ETag and First-Bookable (the lead-time
   * boundary the answer was cut at), made once per computation.
   */
  readonly headers: readonly string[];
}

/** The schedule answers by range, shared by the route and the fast path. */
export type ScheduleAnswers = FreshCache<ScheduleAnswer>;

/** The cache of schedule answers: answers are up to SCHEDULE_MAX_STALENESS_MS old. */
export function scheduleAnswers(deps: HttpDeps): ScheduleAnswers {
  const staleness = deps.options?.scheduleMaxStalenessMs ?? 0;
  return new FreshCache<ScheduleAnswer>(
    // Computed again in the background at three quarters of the bound, so that the rush never
    // waits for a schedule as its answer expires (the answer served is still never older than it).
    { maxAgeMs: staleness, refreshAfterMs: Math.floor((staleness * 3) / 4), now: () => deps.clock.now() },
    (answer) => answer.body.length,
  );
}

/** The key of a range of dates in {@link ScheduleAnswers}. */
export const rangeKey = (start: string, end: string): string => `${start}/${end}`;

/** Sets the headers of a schedule answer on a response of the app. */
function setHeaders(res: Response, headers: readonly string[]): void {
  for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
}

/** `GET /reservations/schedules`: any signed-in caller, whatever the role (see Authenticate.signedIn). */
export const schedules: ReservationEndpoints = {
  routes(router, { uc, zone, deps, scheduleAnswers }) {
    const { policy } = deps;
    const staleness = deps.options?.scheduleMaxStalenessMs ?? 0;
    const cacheControl = `private, max-age=${Math.floor(staleness / 1000)}`;
    router.get('/schedules', requireSignedIn(uc.authenticate), async (req, res) => {
      const query = parseQuery(ScheduleQuery, req);
      const { body, etag, headers } = await scheduleAnswers.get(
        rangeKey(query.start, query.end),
        async () => {
          // The boundary as of the computation, like the slots the answer drops before it.
          const firstBookable = formatInstant(bookableFrom(policy, deps.clock.now()), zone);
          const items = await uc.getSchedules.execute({ startDate: query.start, endDate: query.end });
          const json = present.scheduleJson(items, zone);
          const bytes = Buffer.from(json);
          const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
          return {
            body: bytes,
            etag,
            headers: ['Cache-Control', cacheControl, 'ETag', etag, 'First-Bookable', firstBookable],
          };
        },
      );
      setHeaders(res, headers);
      if (notModified(req.headers, etag)) {
        res.status(304).end();
        return;
      }
      res.type('application/json').send(body);
    });
  },

  document({ registry, policy, secured, authed }) {
    const scheduleHeaders = {
      ETag: { description: 'Names this answer, for If-None-Match.', schema: { type: 'string' as const } },
      'Cache-Control': {
        description: '`private, max-age=<SCHEDULE_MAX_STALENESS_MS in whole seconds>`.',
        schema: { type: 'string' as const },
      },
      'First-Bookable': {
        description:
          'The first instant a reservation may start at (00:00 of today + LEAD_TIME_DAYS in APP_TIMEZONE), ' +
          'ISO 8601 with the APP_TIMEZONE offset, as of the answer: slots before it are left out.',
        schema: { type: 'string' as const, example: '2026-12-10T00:00:00+09:00' },
      },
    };
    registry.registerPath({
      method: 'get',
      path: SCHEDULES_ROUTE,
      tags: ['reservations'],
      summary: 'Bookable time and room left',
      description:
        `The range cut into ${policy.grid.slotMinutes}-minute slots, in time order; slots before the lead-time ` +
        'boundary and full slots are dropped; adjacent slots with the same room are merged, across midnight ' +
        `too. \`available_capacity\` is ${policy.capacity} minus the confirmed load. A range over ` +
        `${policy.maxRangeDays} days is a 400. An answer may be up to SCHEDULE_MAX_STALENESS_MS old ` +
        '(1 s by default; booking and confirming always check the live load), and carries an ETag.',
      security: secured,
      request: {
        query: ScheduleQuery,
        headers: z.object({
          'if-none-match': z.string().optional().openapi({
            description: 'An ETag of an earlier answer: 304 with no body while it is still the answer.',
          }),
        }),
      },
      responses: {
        200: {
          ...json('The bookable stretches.', z.array(ScheduleSchema)),
          headers: scheduleHeaders,
        },
        304: {
          description: 'The answer is still the one the If-None-Match names.',
          headers: scheduleHeaders,
        },
        400: problem(400),
        ...authed,
      },
    });
  },
};
