import { z } from 'zod';
import { problem } from '../../openapi-parts.js';
import { IdParams, requestTime, responseTime } from '../common-schemas.js';

/** The shapes more than one endpoint of `/reservations` (or the webhooks) uses. */

/** The fields of a reservation in a request: all of them to book, any to change. */
export const reservationFields = {
  reservation_name: z
    .string()
    .max(1024, 'must be 1–100 characters')
    .openapi({ description: '1–100 characters.', example: 'TOEIC' }),
  start: requestTime,
  end: requestTime.openapi({ description: 'Exclusive end; after `start`, on the 10-minute grid.' }),
  number_of_people: z
    .number()
    .int()
    .min(1)
    .openapi({ description: 'Integer from 1 to SLOT_CAPACITY (50,000 by default).', example: 120 }),
};

/** A rejection's reason. A cheap cap before the domain counts characters: 500 characters are at most 1,000 UTF-16 units. */
export const reason = z.string().max(2000, 'must be 1–500 characters').openapi({
  description: '1–500 characters; kept in the history. No NUL, no unpaired surrogates.',
  example: 'the room is full',
});

/** The statuses a reservation may have, in the order the API lists them. */
export const STATUSES = ['pending', 'confirmed', 'cancelled', 'rejected'] as const;

const STATUS_WORDS = `one of ${STATUSES.join(', ')}, or a comma-separated list of them (no spaces, each once)`;

/** Whether `text` is a status, or a comma list of distinct statuses. */
function isStatusList(text: string): boolean {
  const items = text.split(',');
  return (
    items.every((item) => (STATUSES as readonly string[]).includes(item)) &&
    new Set(items).size === items.length
  );
}

/**
 * The `status` query parameter of a list or an export: one status, or a
 * comma list of distinct ones, read into the list of them. Anything else
 * (an unknown or empty item, a repeat, spaces, the parameter sent twice)
 * is a 400 naming `status`.
 */
export const statusFilter = z
  .string({ error: `must be ${STATUS_WORDS}` })
  .max(64, `must be ${STATUS_WORDS}`)
  .refine(isStatusList, `must be ${STATUS_WORDS}`)
  .openapi({
    description:
      'Only reservations in this status, or in any of a comma-separated list of statuses ' +
      '(`pending`, `confirmed`, `cancelled`, `rejected`; each at most once, no spaces). Any status when absent.',
    example: 'pending,confirmed',
  });

/** The statuses a {@link statusFilter} value names. */
export const statusesOf = (text: string | undefined): (typeof STATUSES)[number][] | undefined =>
  text === undefined ? undefined : (text.split(',') as (typeof STATUSES)[number][]);

/** A reservation as the API shows it. */
export const ReservationSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    reservation_name: z.string(),
    start_time: responseTime,
    end_time: responseTime,
    number_of_people: z.number().int(),
    status: z.enum(STATUSES),
    created_at: responseTime,
    updated_at: responseTime,
  })
  .openapi('Reservation');

/** The request of an operation on one reservation, in the document. */
export const byId = { params: IdParams };

/** The 404 of an operation on one reservation, in the document. */
export const notFound = { 404: problem(404) };
