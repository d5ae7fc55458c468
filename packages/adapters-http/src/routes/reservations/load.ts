import { createHash } from 'node:crypto';
import { MAX_LOAD_RANGE_DAYS } from '@exam-reservation/domain';
import { z } from 'zod';
import { notModified } from '../../not-modified.js';
import { problem } from '../../openapi-parts.js';
import { parseQuery } from '../../parse.js';
import { present } from '../../presenters.js';
import { requestDate, responseTime } from '../common-schemas.js';
import type { ReservationEndpoints } from './reservation-context.js';
import { rangeKey, scheduleAnswers } from './schedules.js';

/** `GET /reservations/load` query. */
export const LoadQuery = z.strictObject({
  start: requestDate,
  end: requestDate.openapi({
    description: `Inclusive last date; not before \`start\`; at most ${MAX_LOAD_RANGE_DAYS} days on.`,
  }),
});

/** One stretch of slots with the same load. */
export const SlotLoadSchema = z
  .object({
    start: responseTime,
    end: responseTime,
    capacity: z.number().int().openapi({ description: 'People per slot (SLOT_CAPACITY).', example: 50_000 }),
    confirmed: z
      .number()
      .int()
      .openapi({ description: 'Confirmed people in each slot of the stretch.', example: 10_000 }),
    pending: z.number().int().openapi({
      description:
        'People of pending reservations that cover each slot of the stretch: demand not yet admitted.',
      example: 300,
    }),
  })
  .openapi('SlotLoad');

/** The route template of the load view, as the request log and the metrics name it. */
export const LOAD_ROUTE = '/reservations/load';

/**
 * `GET /reservations/load`: an admin's view of a range's load, confirmed and
 * pending per slot. Answers are kept like the schedules' (up to
 * SCHEDULE_MAX_STALENESS_MS old, per range, with an ETag), in a cache of their
 * own. Routed before the `/:id` routes, which would take `load` for an id.
 */
export const load: ReservationEndpoints = {
  routes(router, { uc, zone, deps, admin }) {
    const answers = scheduleAnswers(deps);
    const staleness = deps.options?.scheduleMaxStalenessMs ?? 0;
    const cacheControl = `private, max-age=${Math.floor(staleness / 1000)}`;
    router.get('/load', async (req, res) => {
      admin(res, 'view the slot load');
      const query = parseQuery(LoadQuery, req);
      const { body, etag, headers } = await answers.get(rangeKey(query.start, query.end), async () => {
        const items = await uc.getSlotLoad.execute({ startDate: query.start, endDate: query.end });
        const bytes = Buffer.from(present.loadJson(items, zone));
        const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
        return { body: bytes, etag, headers: ['Cache-Control', cacheControl, 'ETag', etag] };
      });
      for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
      if (notModified(req.headers, etag)) {
        res.status(304).end();
        return;
      }
      res.type('application/json').send(body);
    });
  },

  document({ registry, policy, secured, authed }) {
    const loadHeaders = {
      ETag: { description: 'Names this answer, for If-None-Match.', schema: { type: 'string' as const } },
      'Cache-Control': {
        description: '`private, max-age=<SCHEDULE_MAX_STALENESS_MS in whole seconds>`.',
        schema: { type: 'string' as const },
      },
    };
    const row = (start: string, end: string, confirmed: number, pending: number) => ({
      start: `2026-12-01T${start}:00+09:00`,
      end: end === '24:00' ? '2026-12-02T00:00:00+09:00' : `2026-12-01T${end}:00+09:00`,
      capacity: policy.capacity,
      confirmed,
      pending,
    });
    registry.registerPath({
      method: 'get',
      path: LOAD_ROUTE,
      tags: ['admission'],
      summary: 'Slot load and pending demand (admin)',
      description:
        `The whole range cut into ${policy.grid.slotMinutes}-minute slots, in time order, nothing dropped ` +
        '(past and full slots included), as stretches of equal load: adjacent slots with the same ' +
        '`capacity`, `confirmed` and `pending` are merged, across midnight too. `confirmed` is the confirmed ' +
        'people in each slot; `pending` the people of pending reservations that cover it (demand not yet ' +
        `admitted). A range over ${MAX_LOAD_RANGE_DAYS} days is a 400; a user gets 403 whatever the query. ` +
        'Like the schedules, an answer may be up to SCHEDULE_MAX_STALENESS_MS old and carries an ETag; the ' +
        'example is one confirmed reservation of 10,000 people 10:00–11:00 and two pending ones of 300 ' +
        '(09:30–10:30) and 50 (10:20–12:00).',
      security: secured,
      request: {
        query: LoadQuery,
        headers: z.object({
          'if-none-match': z.string().optional().openapi({
            description: 'An ETag of an earlier answer: 304 with no body while it is still the answer.',
          }),
        }),
      },
      responses: {
        200: {
          description: 'The range, as stretches of equal load.',
          headers: loadHeaders,
          content: {
            'application/json': {
              schema: z.array(SlotLoadSchema),
              example: [
                row('00:00', '09:30', 0, 0),
                row('09:30', '10:00', 0, 300),
                row('10:00', '10:20', 10_000, 300),
                row('10:20', '10:30', 10_000, 350),
                row('10:30', '11:00', 10_000, 50),
                row('11:00', '12:00', 0, 50),
                row('12:00', '24:00', 0, 0),
              ],
            },
          },
        },
        304: {
          description: 'The answer is still the one the If-None-Match names.',
          headers: loadHeaders,
        },
        400: problem(400),
        403: problem(403, '`forbidden`: admins only.'),
        ...authed,
      },
    });
  },
};
