/**
 * Use cases of the exam reservation service and the ports they need; the
 * in-memory implementations of every port are in `./testing`.
 * @packageDocumentation
 */

export { createUseCases, type UseCaseDeps, type UseCases } from './composition/create-use-cases.js';
export {
  admitReservations,
  bulkConfirmReservations,
  bulkRejectReservations,
  cancelReservation,
  confirmReservation,
  createReservation,
  previewAdmission,
  promoteWaitingList,
  type ReservationDeps,
  rejectReservation,
  updateReservation,
} from './composition/reservation-actions.js';
export * from './ports/index.js';
export { attemptStamps } from './support/attempt-stamps.js';
export { type BulkOutcome, MAX_BULK_IDS } from './support/bulk.js';
export { mergeRooms, queueingFreedRooms } from './support/freed-rooms.js';
export { MAX_PAGE_LIMIT } from './support/page-window.js';
export { QueuedPasswordHasher } from './support/queued-password-hasher.js';
export {
  csvCell,
  RESERVATION_CSV_COLUMNS,
  RESERVATION_CSV_HEADER,
  reservationCsvRows,
} from './support/reservation-csv.js';
export { SheddingQueue, type SheddingQueueOptions } from './support/shedding-queue.js';
export { SystemClock } from './support/system-clock.js';
export {
  RETRY_JITTER,
  retryDelay,
  STANDARD_RETRY_DELAYS_MS,
  settlementOf,
} from './support/webhook-retries.js';
export { WorkLimit } from './support/work-limit.js';
export {
  type AdmissionResult,
  type AdmitCommand,
  AdmitReservations,
} from './use-cases/admit-reservations.js';
export { Authenticate } from './use-cases/authenticate.js';
export { type BulkCommand, BulkConfirmReservations } from './use-cases/bulk-confirm-reservations.js';
export { type BulkRejectCommand, BulkRejectReservations } from './use-cases/bulk-reject-reservations.js';
export { CancelReservation, type CancelReservationCommand } from './use-cases/cancel-reservation.js';
export { ChangePassword, type ChangePasswordCommand } from './use-cases/change-password.js';
export { ChangeUserRole, type ChangeUserRoleCommand } from './use-cases/change-user-role.js';
export { ConfirmReservation, type ConfirmReservationCommand } from './use-cases/confirm-reservation.js';
export { CreateReservation, type CreateReservationCommand } from './use-cases/create-reservation.js';
export {
  type CreatedWebhookEndpoint,
  CreateWebhookEndpoint,
  type CreateWebhookEndpointCommand,
  MAX_WEBHOOK_ENDPOINTS,
} from './use-cases/create-webhook-endpoint.js';
export { DeliverWebhooks, type DeliverWebhooksDeps } from './use-cases/deliver-webhooks.js';
export {
  EnsureAdmin,
  type EnsureAdminCommand,
  type EnsureAdminResult,
  type ExistingAccountPolicy,
} from './use-cases/ensure-admin.js';
export {
  EXPORT_PAGE_SIZE,
  ExportReservations,
  type ExportReservationsQuery,
} from './use-cases/export-reservations.js';
export { GetReservation } from './use-cases/get-reservation.js';
export {
  GetReservationHistory,
  type GetReservationHistoryQuery,
} from './use-cases/get-reservation-history.js';
export { GetSchedules, type GetSchedulesQuery } from './use-cases/get-schedules.js';
export { GetSlotLoad, type GetSlotLoadQuery } from './use-cases/get-slot-load.js';
export { ListReservations, type ListReservationsQuery } from './use-cases/list-reservations.js';
export { ListUsers, type ListUsersQuery } from './use-cases/list-users.js';
export { ListWebhookDeliveries } from './use-cases/list-webhook-deliveries.js';
export { ListWebhookEndpoints } from './use-cases/list-webhook-endpoints.js';
export { DEFAULT_LOG_IN_THROTTLE, LogIn, type LogInCommand, type LogInThrottle } from './use-cases/log-in.js';
export {
  PromoteWaitingList,
  type PromoteWaitingListDeps,
  type PromotionResult,
} from './use-cases/promote-waiting-list.js';
export { PurgeIdempotencyKeys } from './use-cases/purge-idempotency-keys.js';
export {
  DEFAULT_REGISTRATIONS_PER_ADDRESS,
  RegisterUser,
  type RegisterUserCommand,
} from './use-cases/register-user.js';
export { RejectReservation, type RejectReservationCommand } from './use-cases/reject-reservation.js';
export { RemoveWebhookEndpoint } from './use-cases/remove-webhook-endpoint.js';
export { UnlockUser, type UnlockUserCommand } from './use-cases/unlock-user.js';
export { UpdateReservation } from './use-cases/update-reservation.js';
export type { Decided } from './wrappers/action.js';
export { DEFAULT_IDEMPOTENCY_TTL_MS, type Once, type OnceAnswer } from './wrappers/idempotent.js';
export type { UseCase } from './wrappers/use-case.js';
