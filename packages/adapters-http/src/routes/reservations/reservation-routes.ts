import { Router } from 'express';
import { requireAuth } from '../../auth/require-auth.js';
import type { HttpDeps } from '../../http-deps.js';
import type { ApiDocs } from '../../openapi-parts.js';
import { admission } from './admission.js';
import { bookings } from './bookings.js';
import { cancelling } from './cancelling.js';
import { decisions } from './decisions.js';
import { exporting } from './export.js';
import { history } from './history.js';
import { load } from './load.js';
import { changing, reading } from './one-reservation.js';
import { reservationContext } from './reservation-context.js';
import { type ScheduleAnswers, schedules } from './schedules.js';

/**
 * `/reservations`: schedules, listing, booking, the status changes, bulk
 * actions and admission; all need a bearer token. Each group of endpoints
 * keeps its handlers, schemas and operations in one file of this folder.
 */
export function reservationRoutes(deps: HttpDeps, shared: { scheduleAnswers: ScheduleAnswers }): Router {
  const router = Router();
  const context = reservationContext(deps, shared.scheduleAnswers);
  schedules.routes(router, context);
  // Every other route reads the caller's role from the store on each request.
  router.use(requireAuth(deps.useCases.authenticate));
  // The bulk actions, admission, the load view and the export before the /:id routes, which would
  // take `bulk`, `admit`, `load` and `export` for ids.
  for (const endpoints of [
    bookings,
    admission,
    load,
    exporting,
    reading,
    history,
    changing,
    decisions,
    cancelling,
  ]) {
    endpoints.routes(router, context);
  }
  return router;
}

/** The operations of {@link reservationRoutes}, in the order the document lists them. */
export function documentReservationRoutes(docs: ApiDocs): void {
  for (const endpoints of [
    schedules,
    load,
    bookings,
    reading,
    changing,
    decisions,
    history,
    cancelling,
    admission,
    exporting,
  ]) {
    endpoints.document(docs);
  }
}
