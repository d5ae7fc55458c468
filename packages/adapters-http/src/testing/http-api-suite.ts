import { describe } from 'vitest';
import { describeAdmission } from './http-api/admission.js';
import { describeBearerTokens } from './http-api/bearer-tokens.js';
import { describeBulk } from './http-api/bulk.js';
import type { MakeStore } from './http-api/fixtures.js';
import { describeHistory } from './http-api/history.js';
import { describeIdempotency } from './http-api/idempotency.js';
import { describeLoad } from './http-api/load.js';
import { describeQueryStrings } from './http-api/query-strings.js';
import { describeReservationsCancel } from './http-api/reservations-cancel.js';
import { describeReservationsChange } from './http-api/reservations-change.js';
import { describeReservationsConfirm } from './http-api/reservations-confirm.js';
import { describeReservationsCreate } from './http-api/reservations-create.js';
import { describeReservationsExport } from './http-api/reservations-export.js';
import { describeReservationsRead } from './http-api/reservations-read.js';
import { describeReservationsReject } from './http-api/reservations-reject.js';
import { describeSchedules } from './http-api/schedules.js';
import { describeServiceRoutes } from './http-api/service-routes.js';
import { describeUsers } from './http-api/users.js';
import { describeUsersAdmin } from './http-api/users-admin.js';
import { describeWebhooks } from './http-api/webhooks.js';

export { bookableDay, type SuiteStore } from './http-api/fixtures.js';

/**
 * Every row of the HTTP contract (API.md) over a real socket, against the
 * store `makeStore` gives: the in-memory fake in unit runs, PostgreSQL in
 * integration runs. Each resource's suite gets a fresh store and app of its
 * own (`useHttpApi`), so no state crosses from one resource to another.
 */
export function describeHttpApi(name: string, makeStore: MakeStore): void {
  describe(`HTTP API over ${name}`, () => {
    describeUsers(makeStore);
    describeUsersAdmin(makeStore);
    describeBearerTokens(makeStore);
    describeSchedules(makeStore);
    describeLoad(makeStore);
    describeReservationsCreate(makeStore);
    describeReservationsRead(makeStore);
    describeReservationsExport(makeStore);
    describeReservationsChange(makeStore);
    describeReservationsConfirm(makeStore);
    describeReservationsCancel(makeStore);
    describeReservationsReject(makeStore);
    describeHistory(makeStore);
    describeBulk(makeStore);
    describeAdmission(makeStore);
    describeIdempotency(makeStore);
    describeQueryStrings(makeStore);
    describeWebhooks(makeStore);
    describeServiceRoutes(makeStore);
  });
}
