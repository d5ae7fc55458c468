import { MAX_PAGE_LIMIT } from '@exam-reservation/application';
import { z } from 'zod';
import { signedIn } from '../../auth/require-auth.js';
import { json, pageHeaders, problem } from '../../openapi-parts.js';
import { setPageHeaders } from '../../paging.js';
import { parseQuery } from '../../parse.js';
import { present } from '../../presenters.js';
import { limitParam, pageParam, responseTime } from '../common-schemas.js';
import type { ReservationEndpoints } from './reservation-context.js';
import { byId, notFound, ReservationSchema } from './reservation-schemas.js';

/** `GET /reservations/{id}/history` query. */
export const HistoryQuery = z.strictObject({ page: pageParam, limit: limitParam(MAX_PAGE_LIMIT) });

/** One change of a reservation, from its audit trail. */
export const EventSchema = z
  .object({
    type: z.enum(['created', 'updated', 'confirmed', 'rejected', 'cancelled']),
    at: responseTime,
    actor_id: z.number().int().nullable().openapi({
      description: 'The account that made the change; null when the system made it (the waiting list).',
    }),
    actor_role: z.enum(['user', 'admin', 'system']).openapi({
      description: 'The role the actor had when acting; `system` for a confirmation by the waiting list.',
    }),
    reason: z.string().nullable().openapi({
      description:
        'A rejection’s or cancellation’s reason, `waiting list` for a confirmation by the waiting list; otherwise null.',
    }),
    before: ReservationSchema.nullable().openapi({ description: 'Null for `created`.' }),
    after: ReservationSchema,
  })
  .openapi('Event');

/** `GET /reservations/{id}/history`: the audit trail of one reservation. */
export const history: ReservationEndpoints = {
  routes(router, { uc, zone, idOf }) {
    router.get('/:id/history', async (req, res) => {
      const id = idOf(req.params);
      const { page, limit } = parseQuery(HistoryQuery, req);
      const events = await uc.getReservationHistory.execute({ actor: signedIn(res).actor, id, page, limit });
      setPageHeaders(req, res, `${req.baseUrl}/${id}/history`, { page, limit, total: events.total });
      res.json(events.items.map((e) => present.event(e, zone)));
    });
  },

  document({ registry, secured, authed }) {
    registry.registerPath({
      method: 'get',
      path: '/reservations/{id}/history',
      tags: ['reservations'],
      summary: 'History of a reservation',
      description:
        'Every change, oldest first, from the audit trail written in the same transaction as the change: who ' +
        '(and in which role), when, why (a rejection’s reason), and the reservation before and after. A no-op ' +
        'records nothing. For the owner and admins. Paged like GET /reservations (`limit` up to 100, 100 by ' +
        'default); a page past the end is an empty list.',
      security: secured,
      request: { ...byId, query: HistoryQuery },
      responses: {
        200: { ...json('One page of events, oldest first.', z.array(EventSchema)), headers: pageHeaders },
        400: problem(400),
        ...notFound,
        ...authed,
      },
    });
  },
};
