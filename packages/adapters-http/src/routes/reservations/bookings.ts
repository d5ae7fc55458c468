import type { CreateReservationCommand } from '@exam-reservation/application';
import { type Actor, assertAdmin, type Reservation } from '@exam-reservation/domain';
import { z } from 'zod';
import { signedIn } from '../../auth/require-auth.js';
import { body, json, keyed, pageHeaders, problem } from '../../openapi-parts.js';
import { setPageHeaders } from '../../paging.js';
import { bodyOf, parseInput, parseQuery, parseTimes, refuseQuery } from '../../parse.js';
import { present } from '../../presenters.js';
import {
  IdempotencyKeyHeader,
  limitParam,
  MAX_ID,
  pageParam,
  requestDate,
  wholeNumber,
} from '../common-schemas.js';
import type { ReservationEndpoints } from './reservation-context.js';
import { ReservationSchema, reservationFields, statusesOf, statusFilter } from './reservation-schemas.js';

/** `GET /reservations` query. */
export const ListQuery = z.strictObject({
  start: requestDate
    .optional()
    .openapi({ description: 'Give both `start` and `end`, or neither (no filter).' }),
  end: requestDate.optional().openapi({ description: 'Inclusive last date; not before `start`.' }),
  status: statusFilter.optional(),
  user_id: wholeNumber(1, MAX_ID)
    .optional()
    .openapi({
      description:
        'Admins only: only this user’s reservations (an unknown user has none). A user sending it gets 403, ' +
        'even with their own id.',
    }),
  page: pageParam,
  limit: limitParam(10),
});

/** `POST /reservations` body: all four fields. */
export const CreateReservationBody = z.strictObject(reservationFields).openapi('CreateReservationRequest', {
  description:
    'A new pending reservation. `start` must be on or after 00:00 of today + LEAD_TIME_DAYS in APP_TIMEZONE.',
});

/**
 * The booking a `POST /reservations` body asks for, by `actor`: the route and
 * the create fast path read bodies with this one function.
 * @throws ValidationError
 */
export function bookingCommand(input: unknown, actor: Actor, zone: string): CreateReservationCommand {
  const body = parseInput(CreateReservationBody, input);
  const times = parseTimes({ start: body.start, end: body.end }, zone);
  return {
    actor,
    draft: {
      reservationName: body.reservation_name,
      start: times.start!,
      end: times.end!,
      numberOfPeople: body.number_of_people,
    },
  };
}

/** `GET /reservations` and `POST /reservations`: listing and booking. */
export const bookings: ReservationEndpoints = {
  routes(router, { uc, zone, show, answer }) {
    router.get('/', async (req, res) => {
      const { actor } = signedIn(res);
      // Filtering by user is for admins: a user is refused before the value is even read.
      if (Object.hasOwn(req.query as object, 'user_id'))
        assertAdmin(actor, 'list another user’s reservations');
      const query = parseQuery(ListQuery, req);
      const page = await uc.listReservations.execute({
        actor,
        startDate: query.start,
        endDate: query.end,
        statuses: statusesOf(query.status),
        userId: query.user_id,
        page: query.page,
        limit: query.limit,
      });
      setPageHeaders(req, res, req.baseUrl, { page: query.page, limit: query.limit, total: page.total });
      res.json(page.items.map((r) => present.reservation(r, zone)));
    });

    router.post('/', async (req, res) => {
      refuseQuery(req);
      const command = bookingCommand(bodyOf(req), signedIn(res).actor, zone);
      await answer(
        req,
        res,
        req.baseUrl,
        (created: Reservation) => show(created, 201, { Location: `${req.baseUrl}/${created.id}` }),
        uc.createReservation,
        command,
      );
    });
  },

  document({ registry, policy, examples, secured, authed }) {
    registry.registerPath({
      method: 'get',
      path: '/reservations',
      tags: ['reservations'],
      summary: 'List reservations',
      description:
        'Reservations overlapping the date range (all when no range is given), ordered by `start_time` then ' +
        '`id`, in any status or those `status` names. Admins see everyone’s (or one user’s with `user_id`), ' +
        'users their own. A page past the end is an empty list. The `Link` targets keep the filters.',
      security: secured,
      request: { query: ListQuery },
      responses: {
        200: { ...json('One page.', z.array(ReservationSchema)), headers: pageHeaders },
        400: problem(400),
        403: problem(403, '`forbidden`: `user_id` was sent by a user (only admins may filter by user).'),
        ...authed,
      },
    });
    registry.registerPath({
      method: 'post',
      path: '/reservations',
      tags: ['reservations'],
      summary: 'Book a reservation (pending)',
      description:
        `Lead time: \`start\` no earlier than 00:00 of today + ${policy.leadTimeDays} days in ` +
        `${policy.timeZone}; a refusal names that instant in \`first_bookable\`. Pending reservations hold no places; the request is refused with 409 only when ` +
        'the confirmed load already leaves no room for it. `Location` names the new reservation.',
      security: secured,
      request: {
        body: body(CreateReservationBody, { example: examples.create }),
        headers: IdempotencyKeyHeader,
      },
      responses: (() => {
        const k = keyed(
          json('The new reservation, `status: "pending"`.', ReservationSchema),
          '`capacity_exceeded`: some slot has no room for this many people.',
          { Location: { description: 'The new reservation.', schema: { type: 'string' } } },
        );
        return { 201: k.success, 400: problem(400), 409: k[409], 422: k[422], ...authed };
      })(),
    });
  },
};
