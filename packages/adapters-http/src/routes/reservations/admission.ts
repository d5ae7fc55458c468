import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { MAX_BULK_IDS } from '@exam-reservation/application';
import { z } from 'zod';
import { parseIdempotencyKey, send } from '../../idempotency.js';
import { body, IN_PROGRESS, json, keyed, problem } from '../../openapi-parts.js';
import { bodyOf, parseInput, refuseQuery } from '../../parse.js';
import { present } from '../../presenters.js';
import { IdempotencyKeyHeader, MAX_ID, ProblemSchema, requestDate } from '../common-schemas.js';
import { jsonResponse, type ReservationEndpoints } from './reservation-context.js';
import { ReservationSchema, reason } from './reservation-schemas.js';

const reservationIds = z
  .array(z.number().int().min(1).max(MAX_ID))
  .min(1)
  .max(MAX_BULK_IDS)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
  .openapi({
    description: `1 to ${MAX_BULK_IDS} distinct reservation ids, decided in this order.`,
    uniqueItems: true,
    example: [7, 8, 9],
  });

/** `POST /reservations/bulk/confirm` body. */
export const BulkConfirmBody = z.strictObject({ ids: reservationIds }).openapi('BulkConfirmRequest');

/** `POST /reservations/bulk/reject` body. */
export const BulkRejectBody = z
  .strictObject({ ids: reservationIds, reason: reason.optional() })
  .openapi('BulkRejectRequest');

/** `POST /reservations/admit` body. */
export const AdmitBody = z
  .strictObject({
    start: requestDate,
    end: requestDate.openapi({
      description: 'Inclusive last date; not before `start`; at most 366 days on.',
    }),
    reject_rest: z.boolean().optional().openapi({
      description: 'Reject what does not fit (reason "no capacity left") instead of leaving it pending.',
      default: false,
    }),
    dry_run: z
      .boolean()
      .optional()
      .openapi({
        description:
          'Answer what the admission would do now (the same counts and `complete`) and change nothing: no ' +
          'status, no history, no webhooks, no stored Idempotency-Key answer. A dry run ignores a well-formed ' +
          'Idempotency-Key (it neither stores nor replays an answer, nor waits for a run that holds the key); a ' +
          'malformed one is refused with 400, as on every route.',
        default: false,
        example: true,
      }),
  })
  .openapi('AdmitRequest');

/** A problem nested in a bulk answer: the document a single action would have answered with. */
const NestedProblemSchema = ProblemSchema.omit({ errors: true });

/** What a bulk action did for each id, in the order given. */
export const BulkResultSchema = z
  .object({
    results: z.array(
      z.union([
        z.object({
          id: z.number().int(),
          status: z.literal(200),
          reservation: ReservationSchema,
        }),
        z.object({
          id: z.number().int(),
          status: z
            .number()
            .int()
            .openapi({ description: 'What the single action would have answered: 404, 409…' }),
          problem: NestedProblemSchema,
        }),
      ]),
    ),
  })
  .openapi('BulkResult');

/** The counts of one admission. */
export const AdmissionSchema = z
  .object({
    confirmed: z.number().int(),
    rejected: z.number().int(),
    left_pending: z.number().int(),
    complete: z.boolean().openapi({
      description:
        'True when the run went through the whole range; false when it stopped at `ADMISSION_MAX_MS` with ' +
        'what it did so far (a repeat goes on from where the queue then stands).',
    }),
  })
  .openapi('Admission');

/**
 * `POST /reservations/bulk/confirm`, `…/bulk/reject` and `…/admit`: an admin
 * decides many reservations at once. Routed before the `/:id` routes, which
 * would take `bulk` and `admit` for ids.
 */
export const admission: ReservationEndpoints = {
  routes(router, { uc, zone, admin, answer }) {
    router.post('/bulk/confirm', async (req, res) => {
      const actor = admin(res, 'confirm reservations');
      refuseQuery(req);
      const { ids } = parseInput(BulkConfirmBody, bodyOf(req));
      await answer(
        req,
        res,
        `${req.baseUrl}/bulk/confirm`,
        (outcomes) => jsonResponse(200, present.bulk(outcomes, zone)),
        uc.bulkConfirmReservations,
        { actor, ids },
      );
    });

    router.post('/bulk/reject', async (req, res) => {
      const actor = admin(res, 'reject reservations');
      refuseQuery(req);
      const { ids, reason } = parseInput(BulkRejectBody, bodyOf(req));
      await answer(
        req,
        res,
        `${req.baseUrl}/bulk/reject`,
        (outcomes) => jsonResponse(200, present.bulk(outcomes, zone)),
        uc.bulkRejectReservations,
        { actor, ids, reason },
      );
    });

    router.post('/admit', async (req, res) => {
      const actor = admin(res, 'admit reservations');
      refuseQuery(req);
      const body = parseInput(AdmitBody, bodyOf(req));
      const command = {
        actor,
        startDate: body.start,
        endDate: body.end,
        rejectRest: body.reject_rest ?? false,
      };
      if (body.dry_run) {
        // Changes nothing, so there is nothing to key; a malformed key is still bad input, as on every route.
        parseIdempotencyKey(req.headers['idempotency-key']);
        send(res, jsonResponse(200, present.admission(await uc.previewAdmission.execute(command))));
        return;
      }
      await answer(
        req,
        res,
        `${req.baseUrl}/admit`,
        (result) => jsonResponse(200, present.admission(result)),
        uc.admitReservations,
        command,
      );
    });
  },

  document({ registry, policy, examples, secured, authed }) {
    const bulkText =
      'Each id is decided as if the single action had been called for it, one after another in the order ' +
      'given, in one transaction; the answer lists every id in that order with the status and body the single ' +
      'action would have answered (200 with the reservation, or 404/409 with a problem). Ids are 1–1,000 ' +
      'distinct integers. A user gets 403 whatever the body.';
    /** The answers of an admin-only action over many reservations, with an Idempotency-Key. */
    const adminOnly = (success: ResponseConfig) => {
      const k = keyed(success, '');
      return {
        200: k.success,
        400: problem(400),
        403: problem(403, '`forbidden`: admins only.'),
        409: problem(409, IN_PROGRESS),
        422: k[422],
        ...authed,
      };
    };
    const bulkResponses = () => adminOnly(json('One result per id, in the order given.', BulkResultSchema));
    registry.registerPath({
      method: 'post',
      path: '/reservations/bulk/confirm',
      tags: ['admission'],
      summary: 'Confirm many (admin)',
      description: `${bulkText} Confirmations go through the same batched, lock-ordered path as single ones.`,
      security: secured,
      request: {
        body: body(BulkConfirmBody, { example: examples.bulkConfirm }),
        headers: IdempotencyKeyHeader,
      },
      responses: bulkResponses(),
    });
    registry.registerPath({
      method: 'post',
      path: '/reservations/bulk/reject',
      tags: ['admission'],
      summary: 'Reject many (admin)',
      description: `${bulkText} The reason, if given, is recorded with every rejection.`,
      security: secured,
      request: {
        body: body(BulkRejectBody, { example: examples.bulkReject }),
        headers: IdempotencyKeyHeader,
      },
      responses: bulkResponses(),
    });
    registry.registerPath({
      method: 'post',
      path: '/reservations/admit',
      tags: ['admission'],
      summary: 'Admit first come, first served (admin)',
      description:
        'Takes the pending reservations that overlap the date range (read as for schedules, at most ' +
        `${policy.maxRangeDays} days) in creation order (\`created_at\`, then \`id\`) and confirms each one that ` +
        'still fits; one that does not fit stays pending, or is rejected with reason "no capacity left" when ' +
        '`reject_rest` is true. Runs in chunks of a few hundred, each its own transaction in creation order, so ' +
        'single confirmations are never held up for long; it is safe beside other confirmations and admissions ' +
        'from any process. Creation order is the stored creation time at full precision (rows written by SQL ' +
        'carry microseconds), and each reservation is decided at most once per run. A run stops after ' +
        'ADMISSION_MAX_MS with what it did so far and answers `complete: false` (`true` when it went through ' +
        'the whole range); a repeat goes on from where the queue then stands. The run goes on when the client ' +
        'disconnects, within that bound. With an Idempotency-Key the key is held for the whole run; a retry ' +
        'after a crash runs admission again, which only confirms what still fits. An answer with ' +
        '`complete: false` is not stored: the key is given up when the run stops, so a repeat with it admits again. ' +
        'With `dry_run: true` it answers what a run would do now (the same counts and `complete`, read in the same ' +
        'order, chunk by chunk, within the same ADMISSION_MAX_MS) and changes nothing: no status, no history, no ' +
        'webhooks, no stored answer. A dry run ignores a well-formed Idempotency-Key (it neither stores nor replays ' +
        'an answer, nor waits for a run holding the key), so a real run with the same key afterwards runs; a ' +
        'malformed key is refused with 400 as on every route.',
      security: secured,
      request: { body: body(AdmitBody, { example: examples.admit }), headers: IdempotencyKeyHeader },
      responses: adminOnly(json('What the admission did.', AdmissionSchema)),
    });
  },
};
