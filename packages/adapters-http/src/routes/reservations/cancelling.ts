import type { Reservation } from '@exam-reservation/domain';
import { z } from 'zod';
import { signedIn } from '../../auth/require-auth.js';
import { body, json, keyed, noFields, problem } from '../../openapi-parts.js';
import { bodyOf, parseInput, refuseQuery } from '../../parse.js';
import { EmptyBody, IdempotencyKeyHeader } from '../common-schemas.js';
import type { ReservationEndpoints } from './reservation-context.js';
import { byId, notFound, ReservationSchema, reason } from './reservation-schemas.js';

/** `POST /reservations/{id}/cancel` body: optional, as is its one field. */
const CancelBody = z
  .strictObject({ reason: reason.optional() })
  .openapi('CancelRequest', { description: 'May be absent or `{}`. Unknown fields are a 400.' });

/** `POST /reservations/{id}/cancel` and `DELETE /reservations/{id}`: the same cancellation, two ways. */
export const cancelling: ReservationEndpoints = {
  routes(router, { uc, show, idOf, answer }) {
    router.post('/:id/cancel', async (req, res) => {
      const id = idOf(req.params);
      refuseQuery(req);
      const { reason } = parseInput(CancelBody, bodyOf(req));
      const command = { actor: signedIn(res).actor, id, reason };
      await answer(
        req,
        res,
        `${req.baseUrl}/${command.id}/cancel`,
        (r: Reservation) => show(r),
        uc.cancelReservation,
        command,
      );
    });

    router.delete('/:id', async (req, res) => {
      const id = idOf(req.params);
      refuseQuery(req);
      parseInput(EmptyBody, bodyOf(req));
      await uc.cancelReservation.execute({ actor: signedIn(res).actor, id });
      res.status(204).end();
    });
  },

  document({ registry, secured, authed }) {
    const cancelText =
      'The owner while pending; an admin while pending or confirmed. Cancelling a confirmed reservation frees ' +
      'its places; cancelling a cancelled one is a no-op; a rejected one cannot be cancelled. The row is kept ' +
      'with `status: "cancelled"`. `POST …/cancel` takes an optional `reason` (1–500 characters), kept in the ' +
      'history.';
    const cancelConflict = '`invalid_state`: a user cancelling a confirmed reservation, or a rejected one.';
    const cancelRefused = {
      400: problem(400),
      ...notFound,
      409: problem(409, cancelConflict),
      ...authed,
    };
    const keyedCancel = keyed(
      json('The reservation, `status: "cancelled"`.', ReservationSchema),
      cancelConflict,
    );
    registry.registerPath({
      method: 'post',
      path: '/reservations/{id}/cancel',
      tags: ['reservations'],
      summary: 'Cancel',
      description: cancelText,
      security: secured,
      request: {
        ...byId,
        body: body(CancelBody, { required: false, example: { reason: 'plans changed' } }),
        headers: IdempotencyKeyHeader,
      },
      responses: { ...cancelRefused, 200: keyedCancel.success, 409: keyedCancel[409], 422: keyedCancel[422] },
    });
    registry.registerPath({
      method: 'delete',
      path: '/reservations/{id}',
      tags: ['reservations'],
      summary: 'Cancel (as POST …/cancel)',
      description: cancelText,
      security: secured,
      request: { ...byId, body: noFields },
      responses: { 204: { description: 'Cancelled.' }, ...cancelRefused },
    });
  },
};
