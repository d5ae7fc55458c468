import { createHash } from 'node:crypto';
import type { Reservation } from '@exam-reservation/domain';
import { type Response, Router } from 'express';
import { requireAuth, signedIn } from '../auth/require-auth.js';
import { FreshCache } from '../fresh-cache.js';
import type { HttpDeps } from '../http-deps.js';
import { bodyOf, parseInput, parseTimes } from '../parse.js';
import { present } from '../presenters.js';
import {
  CreateReservationBody,
  EmptyBody,
  IdParams,
  ListQuery,
  ScheduleQuery,
  UpdateReservationBody,
} from '../schemas.js';

/** `/reservations`: schedules, listing, booking and the status changes; all need a bearer token. */
export function reservationRoutes(deps: HttpDeps): Router {
  const uc = deps.useCases;
  const zone = deps.policy.timeZone;
  const router = Router();
  const show = (res: Response, reservation: Reservation, status = 200): void => {
    res.status(status).json(present.reservation(reservation, zone));
  };
  const idOf = (params: unknown): number => Number(parseInput(IdParams, params).id);

  router.use(requireAuth(uc.authenticate));

  // At the minute registration opens, thousands of candidates ask for the same few ranges: each
  // range is read and written as JSON once per SCHEDULE_MAX_STALENESS_MS and shared, and a client
  // that has the current answer gets 304. Creating and confirming never read this: they check the
  // live ledger.
  const staleness = deps.options?.scheduleMaxStalenessMs ?? 0;
  const schedules = new FreshCache<{ body: string; etag: string }>(
    { maxAgeMs: staleness, now: () => deps.clock.now() },
    (answer) => answer.body.length,
  );
  const cacheControl = `private, max-age=${Math.floor(staleness / 1000)}`;
  router.get('/schedules', async (req, res) => {
    const query = parseInput(ScheduleQuery, req.query);
    const { body, etag } = await schedules.get(`${query.start}/${query.end}`, async () => {
      const items = await uc.getSchedules.execute({ startDate: query.start, endDate: query.end });
      const json = present.scheduleJson(items, zone);
      return { body: json, etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` };
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

  router.get('/', async (req, res) => {
    const query = parseInput(ListQuery, req.query);
    const page = await uc.listReservations.execute({
      actor: signedIn(res).actor,
      startDate: query.start,
      endDate: query.end,
      page: query.page,
      limit: query.limit,
    });
    res.setHeader('X-Total-Count', String(page.total));
    res.json(page.items.map((r) => present.reservation(r, zone)));
  });

  router.post('/', async (req, res) => {
    const body = parseInput(CreateReservationBody, bodyOf(req));
    const times = parseTimes({ start: body.start, end: body.end }, zone);
    const created = await uc.createReservation.execute({
      actor: signedIn(res).actor,
      draft: {
        reservationName: body.reservation_name,
        start: times.start!,
        end: times.end!,
        numberOfPeople: body.number_of_people,
      },
    });
    res.setHeader('Location', `${req.baseUrl}/${created.id}`);
    show(res, created, 201);
  });

  router.get('/:id', async (req, res) => {
    show(res, await uc.getReservation.execute({ actor: signedIn(res).actor, id: idOf(req.params) }));
  });

  router.patch('/:id', async (req, res) => {
    const id = idOf(req.params);
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
    show(res, updated);
  });

  // Actions take no fields: a body, if any, must be an empty JSON object, so a
  // client that believes it is sending an option (`{"force": true}`) learns it is not.
  router.post('/:id/confirm', async (req, res) => {
    const id = idOf(req.params);
    parseInput(EmptyBody, bodyOf(req));
    show(res, await uc.confirmReservation.execute({ actor: signedIn(res).actor, id }));
  });

  router.post('/:id/cancel', async (req, res) => {
    const id = idOf(req.params);
    parseInput(EmptyBody, bodyOf(req));
    show(res, await uc.cancelReservation.execute({ actor: signedIn(res).actor, id }));
  });

  router.delete('/:id', async (req, res) => {
    const id = idOf(req.params);
    parseInput(EmptyBody, bodyOf(req));
    await uc.cancelReservation.execute({ actor: signedIn(res).actor, id });
    res.status(204).end();
  });

  return router;
}
