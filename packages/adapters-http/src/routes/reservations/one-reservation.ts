import { z } from 'zod';
import { signedIn } from '../../auth/require-auth.js';
import { body, json, problem } from '../../openapi-parts.js';
import { bodyOf, parseInput, parseTimes, refuseQuery } from '../../parse.js';
import { present } from '../../presenters.js';
import type { ReservationEndpoints } from './reservation-context.js';
import { byId, notFound, ReservationSchema, reservationFields } from './reservation-schemas.js';

/** `PATCH /reservations/{id}` body: any non-empty subset of the fields. */
export const UpdateReservationBody = z
  .strictObject({
    reservation_name: reservationFields.reservation_name.optional(),
    start: reservationFields.start.optional(),
    end: reservationFields.end.optional(),
    number_of_people: reservationFields.number_of_people.optional(),
  })
  .openapi('UpdateReservationRequest', {
    description:
      'Any of the fields; at least one. Fields left out keep their value, and the result must satisfy ' +
      'every rule of a new reservation.',
  });

/*
 * `GET /reservations/{id}` and `PATCH /reservations/{id}`: reading and
 * changing one reservation, two groups because the router takes the history
 * between them (the order the routes have always been tried in).
 */

/** `GET /reservations/{id}`. */
export const reading: ReservationEndpoints = {
  routes(router, { uc, zone, idOf }) {
    router.get('/:id', async (req, res) => {
      refuseQuery(req);
      const reservation = await uc.getReservation.execute({
        actor: signedIn(res).actor,
        id: idOf(req.params),
      });
      res.json(present.reservation(reservation, zone));
    });
  },

  document({ registry, secured, authed }) {
    registry.registerPath({
      method: 'get',
      path: '/reservations/{id}',
      tags: ['reservations'],
      summary: 'One reservation',
      security: secured,
      request: byId,
      responses: {
        200: json('The reservation.', ReservationSchema),
        400: problem(400),
        ...notFound,
        ...authed,
      },
    });
  },
};

/** `PATCH /reservations/{id}`. */
export const changing: ReservationEndpoints = {
  routes(router, { uc, zone, idOf }) {
    router.patch('/:id', async (req, res) => {
      const id = idOf(req.params);
      refuseQuery(req);
      const body = parseInput(UpdateReservationBody, bodyOf(req));
      const times = parseTimes({ start: body.start, end: body.end }, zone);
      const updated = await uc.updateReservation.execute({
        actor: signedIn(res).actor,
        id,
        patch: {
          reservationName: body.reservation_name,
          start: times.start,
          end: times.end,
          numberOfPeople: body.number_of_people,
        },
      });
      res.json(present.reservation(updated, zone));
    });
  },

  document({ registry, examples, secured, authed }) {
    registry.registerPath({
      method: 'patch',
      path: '/reservations/{id}',
      tags: ['reservations'],
      summary: 'Change a reservation',
      description:
        'The owner while pending; an admin at any status but cancelled or rejected. An empty body is a 400. For a ' +
        'confirmed reservation its own old load is not counted against its new one. A user may change one ' +
        'reservation at most MAX_CHANGES_PER_RESERVATION times (100 by default); a change that repeats the ' +
        'current values records nothing and is not counted.',
      security: secured,
      request: { ...byId, body: body(UpdateReservationBody, { example: examples.update }) },
      responses: {
        200: json('The reservation after the change.', ReservationSchema),
        400: problem(400),
        ...notFound,
        409: problem(
          409,
          '`capacity_exceeded`; `invalid_state` when its status does not allow changes; `too_many_changes` when ' +
            'a user has already changed it MAX_CHANGES_PER_RESERVATION times (admins are not limited; cancelling ' +
            'is still possible).',
        ),
        ...authed,
      },
    });
  },
};
