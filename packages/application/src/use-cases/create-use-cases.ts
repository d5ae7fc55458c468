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
import { AdmitReservations } from './admit-reservations.js';
import { Authenticate } from './authenticate.js';
import { BulkConfirmReservations } from './bulk-confirm-reservations.js';
import { BulkRejectReservations } from './bulk-reject-reservations.js';
import { CancelReservation } from './cancel-reservation.js';
import { ConfirmReservation } from './confirm-reservation.js';
import { CreateReservation } from './create-reservation.js';
import { CreateWebhookEndpoint } from './create-webhook-endpoint.js';
import { DeliverWebhooks, type DeliverWebhooksDeps } from './deliver-webhooks.js';
import { GetReservation } from './get-reservation.js';
import { GetReservationHistory } from './get-reservation-history.js';
import { GetSchedules } from './get-schedules.js';
import { ListReservations } from './list-reservations.js';
import { ListWebhookDeliveries } from './list-webhook-deliveries.js';
import { ListWebhookEndpoints } from './list-webhook-endpoints.js';
import { LogIn, type LogInThrottle } from './log-in.js';
import { PurgeIdempotencyKeys } from './purge-idempotency-keys.js';
import { RegisterUser } from './register-user.js';
import { RejectReservation } from './reject-reservation.js';
import { RemoveWebhookEndpoint } from './remove-webhook-endpoint.js';
import { UpdateReservation } from './update-reservation.js';

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
  /** Where the use cases count what operators watch; nothing is counted when absent. */
  readonly metrics?: Metrics | undefined;
}

/** Every use case a client of the service calls, wired to one set of ports. */
export function createUseCases(deps: UseCaseDeps) {
  const { uow, clock, policy, passwordHasher, tokenIssuer, loginAttempts, idempotencyTtlMs, metrics } = deps;
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
    getSchedules: new GetSchedules(shared),
    listReservations: new ListReservations({ uow, policy }),
    getReservation: new GetReservation({ uow }),
    getReservationHistory: new GetReservationHistory({ uow }),
    createReservation: new CreateReservation(shared),
    updateReservation: new UpdateReservation(shared),
    confirmReservation: new ConfirmReservation(shared),
    rejectReservation: new RejectReservation(shared),
    cancelReservation: new CancelReservation(shared),
    bulkConfirmReservations: new BulkConfirmReservations(shared),
    bulkRejectReservations: new BulkRejectReservations(shared),
    admitReservations: new AdmitReservations({
      ...shared,
      chunkSize: deps.admissionChunkSize,
      maxMs: deps.admissionMaxMs,
    }),
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
