import { RESERVATION_CSV_HEADER } from '@exam-reservation/application';
import type { Response } from 'express';
import { z } from 'zod';
import { problem } from '../../openapi-parts.js';
import { parseQuery } from '../../parse.js';
import { requestDate } from '../common-schemas.js';
import type { ReservationEndpoints } from './reservation-context.js';
import { statusesOf, statusFilter } from './reservation-schemas.js';

/** `GET /reservations/export` query. */
export const ExportQuery = z.strictObject({
  start: requestDate,
  end: requestDate.openapi({ description: 'Inclusive last date; not before `start`; at most 366 days on.' }),
  status: statusFilter.optional(),
});

/** The route template of the export, as the document names it. */
export const EXPORT_ROUTE = '/reservations/export';

/**
 * Resolves once `res` may take more: at once unless a write was refused
 * (backpressure), else on `drain`, or when the connection closes (then
 * nothing more will be written). Asked right after the write, never after
 * other awaits, so a `drain` is never missed.
 */
function writable(res: Response): Promise<void> {
  if (res.destroyed || res.writableEnded || !res.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** `GET /reservations/export`: every reservation overlapping a range as CSV, for admins. */
export const exporting: ReservationEndpoints = {
  routes(router, { uc, admin }) {
    router.get('/export', async (req, res) => {
      const actor = admin(res, 'export reservations');
      const query = parseQuery(ExportQuery, req);
      const pages = uc.exportReservations.csvPages({
        actor,
        startDate: query.start,
        endDate: query.end,
        statuses: statusesOf(query.status),
      });
      try {
        // The first page is read before the status line: a store that fails at once still gets a problem answer.
        let page = await pages.next();
        res.status(200);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="reservations-${query.start}-to-${query.end}.csv"`,
        );
        res.setHeader('Cache-Control', 'no-store');
        // Parts are written as they come, the next asked for while this one is written: at most
        // one read's rows wait in memory, and no read starts while the client is not taking
        // what was written (backpressure) or once it has gone.
        res.write(RESERVATION_CSV_HEADER);
        // A HEAD answer has no body: the first page has shown the request good; the rest would be read for nothing.
        while (!page.done && req.method !== 'HEAD') {
          const next = pages.next();
          // Its failure is met below; until then it must not count as unhandled.
          next.catch(() => undefined);
          res.write(page.value);
          await writable(res);
          if (res.destroyed) return;
          page = await next;
        }
        res.end();
      } finally {
        // Stops the reading when the loop left early (client gone, or a write failed).
        await pages.return();
      }
    });
  },

  document({ registry, secured, authed }) {
    registry.registerPath({
      method: 'get',
      path: EXPORT_ROUTE,
      tags: ['reservations'],
      summary: 'Export reservations as CSV (admin)',
      description:
        'Every reservation overlapping the date range (at most 366 days; dates as for the schedules), in any ' +
        'status or those `status` names, ordered by `start_time` then `id`, as `text/csv; charset=utf-8` ' +
        '(RFC 4180: CRLF line ends; a field holding a comma, a double quote, CR or LF is quoted, its quotes ' +
        'doubled). A header row first: `id,user_id,reservation_name,start_time,end_time,number_of_people,' +
        'status,created_at,updated_at`; times as the JSON answers write them (ISO 8601 with the APP_TIMEZONE ' +
        "offset). A cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` (no " +
        'formulas run when the file is opened in a spreadsheet). The rows are read a part at a time (at most ' +
        '10,000 rows a read) and sent as the client takes them, so an export of any size holds little memory; ' +
        'rows changed during a long export show as they were when their part was read. An error after the first bytes closes the connection ' +
        'without the end of the chunked body, so a cut export is never taken for a whole one.',
      security: secured,
      request: { query: ExportQuery },
      responses: {
        200: {
          description: 'The CSV file, sent in chunks.',
          headers: {
            'Content-Disposition': {
              description: '`attachment; filename="reservations-<start>-to-<end>.csv"`.',
              schema: { type: 'string' },
            },
          },
          content: {
            'text/csv; charset=utf-8': {
              schema: z.string().openapi({
                example:
                  `${RESERVATION_CSV_HEADER}` +
                  '1,7,TOEIC,2026-12-01T09:00:00+09:00,2026-12-01T11:00:00+09:00,120,confirmed,' +
                  '2026-11-20T12:00:00+09:00,2026-11-21T08:30:00+09:00\r\n',
              }),
            },
          },
        },
        400: problem(400),
        403: problem(403, '`forbidden`: exporting is for admins.'),
        ...authed,
      },
    });
  },
};
