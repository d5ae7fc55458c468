import type { BookingPolicy } from '@exam-reservation/domain';
import type {
  Clock,
  LoginAttempts,
  Metrics,
  PasswordHasher,
  TokenIssuer,
  UnitOfWork,
  WebhookTransport,
} from '../ports/index.js';
import { queueingFreedRooms } from '../support/freed-rooms.js';
import { Authenticate } from '../use-cases/authenticate.js';
import { ChangePassword } from '../use-cases/change-password.js';
import { ChangeUserRole } from '../use-cases/change-user-role.js';
import { CreateWebhookEndpoint } from '../use-cases/create-webhook-endpoint.js';
import { DeliverWebhooks, type DeliverWebhooksDeps } from '../use-cases/deliver-webhooks.js';
import { ExportReservations } from '../use-cases/export-reservations.js';
import { GetReservation } from '../use-cases/get-reservation.js';
import { GetReservationHistory } from '../use-cases/get-reservation-history.js';
import { GetSchedules } from '../use-cases/get-schedules.js';
import { GetSlotLoad } from '../use-cases/get-slot-load.js';
import { ListReservations } from '../use-cases/list-reservations.js';
import { ListUsers } from '../use-cases/list-users.js';
import { ListWebhookDeliveries } from '../use-cases/list-webhook-deliveries.js';
import { ListWebhookEndpoints } from '../use-cases/list-webhook-endpoints.js';
import { LogIn, type LogInThrottle } from '../use-cases/log-in.js';
import { PurgeIdempotencyKeys } from '../use-cases/purge-idempotency-keys.js';
import { RegisterUser } from '../use-cases/register-user.js';
import { RemoveWebhookEndpoint } from '../use-cases/remove-webhook-endpoint.js';
import { UnlockUser } from '../use-cases/unlock-user.js';
import {
  admitReservations,
  bulkConfirmReservations,
  bulkRejectReservations,
  cancelReservation,
  confirmReservation,
  createReservation,
  previewAdmission,
  promoteWaitingList,
  rejectReservation,
  updateReservation,
} from './reservation-actions.js';

/** The ports every use case of the service needs between them, and the settings some take. */
export interface UseCaseDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly policy: BookingPolicy;
  readonly passwordHasher: PasswordHasher;
  readonly tokenIssuer: TokenIssuer;
  readonly loginAttempts: LoginAttempts;
  /** New accounts per client address per hour (default 20). */
  readonly registrationsPerAddressPerHour?: number | undefined;
  /** Log-in limits; the HTTP contract's by default. */
  readonly logInThrottle?: LogInThrottle;
  /** How long answers to requests with an Idempotency-Key are kept (default 24 hours). */
  readonly idempotencyTtlMs?: number | undefined;
  /** Reservations per unit of work of an admission (default 500). */
  readonly admissionChunkSize?: number | undefined;
  /** How long one admission run may go on (default 120 s). */
  readonly admissionMaxMs?: number | undefined;
  /** Checks webhook URLs, makes secrets and sends webhooks. */
  readonly webhookTransport: WebhookTransport;
  /** How webhooks are delivered (lease, retries, concurrency); a lease of 60 s by default. */
  readonly webhookDelivery?: Partial<Omit<DeliverWebhooksDeps, 'uow' | 'clock' | 'transport' | 'metrics'>>;
  /**
   * The waiting list (`AUTO_ADMIT=fifo`): every change that frees room queues
   * it, in its own unit of work, for {@link UseCases.promoteWaitingList}.
   * Absent: nothing is queued (`off`).
   */
  readonly waitingList?: { readonly leaseMs?: number | undefined } | undefined;
  /** Where the use cases count what operators watch; nothing is counted when absent. */
  readonly metrics?: Metrics | undefined;
}

/** Every use case a client of the service calls, wired to one set of ports. */
export function createUseCases(deps: UseCaseDeps) {
  const { clock, policy, passwordHasher, tokenIssuer, loginAttempts, idempotencyTtlMs, metrics } = deps;
  const uow = deps.waitingList ? queueingFreedRooms(deps.uow, policy.grid) : deps.uow;
  const shared = { uow, clock, policy, idempotencyTtlMs, metrics };
  const transport = deps.webhookTransport;
  return {
    registerUser: new RegisterUser({
      uow,
      clock,
      passwordHasher,
      loginAttempts,
      perAddress:
        deps.registrationsPerAddressPerHour === undefined
          ? undefined
          : { max: deps.registrationsPerAddressPerHour, windowMs: 3_600_000 },
    }),
    logIn: new LogIn({
      uow,
      clock,
      passwordHasher,
      tokenIssuer,
      loginAttempts,
      throttle: deps.logInThrottle,
    }),
    authenticate: new Authenticate({ uow, tokenIssuer }),
    changePassword: new ChangePassword({
      uow,
      clock,
      passwordHasher,
      loginAttempts,
      throttle: deps.logInThrottle,
    }),
    listUsers: new ListUsers({ uow }),
    changeUserRole: new ChangeUserRole({ uow }),
    unlockUser: new UnlockUser({ uow, loginAttempts }),
    getSchedules: new GetSchedules(shared),
    getSlotLoad: new GetSlotLoad({ uow, policy }),
    listReservations: new ListReservations({ uow, policy }),
    exportReservations: new ExportReservations({ uow, policy }),
    getReservation: new GetReservation({ uow }),
    getReservationHistory: new GetReservationHistory({ uow }),
    createReservation: createReservation(shared),
    updateReservation: updateReservation(shared),
    confirmReservation: confirmReservation(shared),
    rejectReservation: rejectReservation(shared),
    cancelReservation: cancelReservation(shared),
    bulkConfirmReservations: bulkConfirmReservations(shared),
    bulkRejectReservations: bulkRejectReservations(shared),
    admitReservations: admitReservations(shared, {
      chunkSize: deps.admissionChunkSize,
      maxMs: deps.admissionMaxMs,
    }),
    previewAdmission: previewAdmission(shared, {
      chunkSize: deps.admissionChunkSize,
      maxMs: deps.admissionMaxMs,
    }),
    promoteWaitingList: promoteWaitingList(shared, deps.waitingList),
    purgeIdempotencyKeys: new PurgeIdempotencyKeys({ uow, clock }),
    createWebhookEndpoint: new CreateWebhookEndpoint({ uow, clock, transport }),
    listWebhookEndpoints: new ListWebhookEndpoints({ uow }),
    removeWebhookEndpoint: new RemoveWebhookEndpoint({ uow, clock }),
    listWebhookDeliveries: new ListWebhookDeliveries({ uow }),
    deliverWebhooks: new DeliverWebhooks({
      leaseMs: 60_000,
      ...deps.webhookDelivery,
      uow,
      clock,
      transport,
      metrics,
    }),
  } as const;
}

export type UseCases = ReturnType<typeof createUseCases>;
