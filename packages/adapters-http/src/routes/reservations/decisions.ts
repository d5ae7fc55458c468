import type { Reservation } from '@exam-reservation/domain';
import { z } from 'zod';
import { body, json, keyed, noFields, problem } from '../../openapi-parts.js';
import { bodyOf, parseInput, refuseQuery } from '../../parse.js';
import { EmptyBody, IdempotencyKeyHeader, IdParams } from '../common-schemas.js';
import type { ReservationEndpoints } from './reservation-context.js';
import { byId, notFound, ReservationSchema, reason } from './reservation-schemas.js';

/**
 * `{id}` of `POST /reservations/{id}/reject`: the same as {@link IdParams},
 * with the example a newcomer's second booking (the first is the one the other
 * examples confirm), so that Try it out succeeds unchanged for both.
 */
export const RejectIdParams = z.strictObject({
  id: IdParams.shape.id.openapi({ param: { name: 'id', in: 'path' }, example: 2 }),
});

/** `POST /reservations/{id}/reject` body: optional, as is its one field. */
export const RejectBody = z
  .strictObject({ reason: reason.optional() })
  .openapi('RejectRequest', { description: 'May be absent or `{}`. Unknown fields are a 400.' });

/** `POST /reservations/{id}/confirm` and `…/reject`: an admin decides one reservation. */
export const decisions: ReservationEndpoints = {
  routes(router, { uc, show, idOf, admin, answer }) {
    // Actions take no fields: a body, if any, must be an empty JSON object, so a
    // client that believes it is sending an option (`{"force": true}`) learns it is not.
    router.post('/:id/confirm', async (req, res) => {
      const actor = admin(res, 'confirm reservations');
      const command = { actor, id: idOf(req.params) };
      refuseQuery(req);
      parseInput(EmptyBody, bodyOf(req));
      await answer(
        req,
        res,
        `${req.baseUrl}/${command.id}/confirm`,
        (r: Reservation) => show(r),
        uc.confirmReservation,
        command,
      );
    });

    router.post('/:id/reject', async (req, res) => {
      const actor = admin(res, 'reject reservations');
      const id = idOf(req.params);
      refuseQuery(req);
      const { reason } = parseInput(RejectBody, bodyOf(req));
      const command = { actor, id, reason };
      await answer(
        req,
        res,
        `${req.baseUrl}/${id}/reject`,
        (r: Reservation) => show(r),
        uc.rejectReservation,
        command,
      );
    });
  },

  document({ registry, examples, secured, authed }) {
    /** The answers of an admin's decision on one reservation, with an Idempotency-Key. */
    const decided = (status: string, conflicts: string, forbidden: string) => {
      const k = keyed(json(`The reservation, \`status: "${status}"\`.`, ReservationSchema), conflicts);
      return {
        200: k.success,
        400: problem(400),
        403: problem(403, forbidden),
        ...notFound,
        409: k[409],
        422: k[422],
        ...authed,
      };
    };
    registry.registerPath({
      method: 'post',
      path: '/reservations/{id}/confirm',
      tags: ['reservations'],
      summary: 'Confirm (admin)',
      description:
        'Pending → confirmed; confirming a confirmed one is a no-op. A refusal for capacity leaves it pending. ' +
        'A user gets 403 whether or not the id exists.',
      security: secured,
      request: { ...byId, body: noFields, headers: IdempotencyKeyHeader },
      responses: decided(
        'confirmed',
        '`capacity_exceeded` (left pending), or `invalid_state` for a cancelled or rejected one.',
        '`forbidden`: only admins confirm.',
      ),
    });
    registry.registerPath({
      method: 'post',
      path: '/reservations/{id}/reject',
      tags: ['admission'],
      summary: 'Reject (admin)',
      description:
        'Pending → rejected, with an optional reason kept in the history. Rejected is final: rejecting a ' +
        'rejected one is a no-op. A confirmed one is a 409 (cancel it instead), as is a cancelled one. A user ' +
        'gets 403 whether or not the id exists. The body may be absent or `{}`.',
      security: secured,
      request: {
        params: RejectIdParams,
        body: body(RejectBody, { required: false, example: examples.reject }),
        headers: IdempotencyKeyHeader,
      },
      responses: decided(
        'rejected',
        '`invalid_state`: it is confirmed or cancelled.',
        '`forbidden`: only admins reject.',
      ),
    });
  },
};
