import { createHash } from 'node:crypto';
import type { Decided, UseCase } from '@exam-reservation/application';
import { assertAdmin, type DomainError, type Reservation } from '@exam-reservation/domain';
import { type Request, type Response, Router } from 'express';
import { requireAuth, requireSignedIn, signedIn } from '../auth/require-auth.js';
import type { FreshCache } from '../fresh-cache.js';
import type { HttpDeps } from '../http-deps.js';
import { type HttpAnswer, onceOf, send, sendAnswer } from '../idempotency.js';
import { setPageHeaders } from '../paging.js';
import { bodyOf, parseInput, parseQuery, parseTimes, refuseQuery } from '../parse.js';
import { present } from '../presenters.js';
import { PROBLEM_CONTENT_TYPE, problemOf } from '../problem.js';
import type { ScheduleAnswer } from '../schedule-fast-path.js';
import {
  AdmitBody,
  BulkConfirmBody,
  BulkRejectBody,
  CreateReservationBody,
  EmptyBody,
  HistoryQuery,
  IdParams,
  ListQuery,
  RejectBody,
  ScheduleQuery,
  UpdateReservationBody,
} from '../schemas.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A JSON answer as it is sent, and stored when the request carries an Idempotency-Key. */
function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

/** A refusal as it is sent by the error middleware, for answers that are stored. */
function refusal(error: DomainError, zone: string): HttpAnswer {
  const { status, body } = problemOf(error, zone);
  return { status, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(body) };
}

/**
 * Answers a request with `render(value)`. With an `Idempotency-Key`, the
 * use case stores its answer (a refusal too) and that, or the one stored
 * before, is sent; without one, refusals are thrown to the error middleware.
 * @param path the route's canonical path, part of the request's fingerprint
 * @param zone the zone times in a stored refusal's detail are written in
 */
async function answer<C, T>(
  req: Request,
  res: Response,
  path: string,
  render: (value: T) => HttpAnswer,
  useCase: UseCase<C, T>,
  command: C,
  zone: string,
): Promise<void> {
  const once = onceOf<T>(req, path, (decided: Decided<T>) =>
    'ok' in decided ? render(decided.ok) : refusal(decided.error, zone),
  );
  if (once) sendAnswer(res, await useCase.execute(command, once));
  else send(res, render(await useCase.execute(command)));
}

/** `/reservations`: schedules, listing, booking, the status changes, bulk actions and admission; all need a bearer token. */
export function reservationRoutes(
  deps: HttpDeps,
  shared: { scheduleAnswers: FreshCache<ScheduleAnswer> },
): Router {
  const uc = deps.useCases;
  const zone = deps.policy.timeZone;
  const router = Router();
  const show = (reservation: Reservation, status = 200, headers: Record<string, string> = {}) =>
    jsonResponse(status, present.reservation(reservation, zone), headers);
  const idOf = (params: unknown): number => Number(parseInput(IdParams, params).id);
  /** Admin-only actions refuse a user before looking at the request or anything stored. */
  const admin = (res: Response, action: string) => {
    const { actor } = signedIn(res);
    assertAdmin(actor, action);
    return actor;
  };

  // At the minute registration opens, thousands of candidates ask for the same few ranges: each
  // range is read and written as JSON once per SCHEDULE_MAX_STALENESS_MS and shared, and a client
  // that has the current answer gets 304. Creating and confirming never read this: they check the
  // live ledger.
  const staleness = deps.options?.scheduleMaxStalenessMs ?? 0;
  const schedules = shared.scheduleAnswers;
  const cacheControl = `private, max-age=${Math.floor(staleness / 1000)}`;
  // Any signed-in caller, whatever the role: the account's role is not read (see Authenticate.signedIn).
  router.get('/schedules', requireSignedIn(uc.authenticate), async (req, res) => {
    const query = parseQuery(ScheduleQuery, req);
    const { body, etag } = await schedules.get(`${query.start}/${query.end}`, async () => {
      const items = await uc.getSchedules.execute({ startDate: query.start, endDate: query.end });
      const json = present.scheduleJson(items, zone);
      const bytes = Buffer.from(json);
      return {
        body: bytes,
        etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`,
      };
    });
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', etag);
    // Express's freshness check: If-None-Match against the ETag just set (weak comparison, `*`).
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(body);
  });
  // Every other route reads the caller's role from the store on each request.
  router.use(requireAuth(uc.authenticate));

  router.get('/', async (req, res) => {
    const query = parseQuery(ListQuery, req);
    const page = await uc.listReservations.execute({
      actor: signedIn(res).actor,
      startDate: query.start,
      endDate: query.end,
      page: query.page,
      limit: query.limit,
    });
    setPageHeaders(req, res, req.baseUrl, { page: query.page, limit: query.limit, total: page.total });
    res.json(page.items.map((r) => present.reservation(r, zone)));
  });

  router.post('/', async (req, res) => {
    refuseQuery(req);
    const body = parseInput(CreateReservationBody, bodyOf(req));
    const times = parseTimes({ start: body.start, end: body.end }, zone);
    const command = {
      actor: signedIn(res).actor,
      draft: {
        reservationName: body.reservation_name,
        start: times.start!,
        end: times.end!,
        numberOfPeople: body.number_of_people,
      },
    };
    await answer(
      req,
      res,
      req.baseUrl,
      (created: Reservation) => show(created, 201, { Location: `${req.baseUrl}/${created.id}` }),
      uc.createReservation,
      command,
      zone,
    );
  });

  // Before the /:id routes, which would take `bulk` and `admit` for ids.
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
      zone,
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
      zone,
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
    await answer(
      req,
      res,
      `${req.baseUrl}/admit`,
      (result) => jsonResponse(200, present.admission(result)),
      uc.admitReservations,
      command,
      zone,
    );
  });

  router.get('/:id', async (req, res) => {
    refuseQuery(req);
    const reservation = await uc.getReservation.execute({ actor: signedIn(res).actor, id: idOf(req.params) });
    res.json(present.reservation(reservation, zone));
  });

  router.get('/:id/history', async (req, res) => {
    const id = idOf(req.params);
    const { page, limit } = parseQuery(HistoryQuery, req);
    const events = await uc.getReservationHistory.execute({ actor: signedIn(res).actor, id, page, limit });
    setPageHeaders(req, res, `${req.baseUrl}/${id}/history`, { page, limit, total: events.total });
    res.json(events.items.map((e) => present.event(e, zone)));
  });

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
      zone,
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
      zone,
    );
  });

  router.post('/:id/cancel', async (req, res) => {
    const command = { actor: signedIn(res).actor, id: idOf(req.params) };
    refuseQuery(req);
    parseInput(EmptyBody, bodyOf(req));
    await answer(
      req,
      res,
      `${req.baseUrl}/${command.id}/cancel`,
      (r: Reservation) => show(r),
      uc.cancelReservation,
      command,
      zone,
    );
  });

  router.delete('/:id', async (req, res) => {
    const id = idOf(req.params);
    refuseQuery(req);
    parseInput(EmptyBody, bodyOf(req));
    await uc.cancelReservation.execute({ actor: signedIn(res).actor, id });
    res.status(204).end();
  });

  return router;
}
