/**
 * Use cases of the exam reservation service, the ports they need, and
 * in-memory implementations of every port for tests and simulations.
 * @packageDocumentation
 */

export { FixedClock, SystemClock } from './fakes/clocks.js';
export { FakePasswordHasher, FakeTokenIssuer } from './fakes/fake-auth.js';
export { InMemoryLoginAttempts } from './fakes/in-memory-login-attempts.js';
export {
  InMemoryReservationEvents,
  InMemoryReservations,
  InMemorySlotLedger,
  InMemoryStore,
  InMemoryUsers,
} from './fakes/in-memory-store.js';
export * from './ports/index.js';
export { attemptStamps } from './support/attempt-stamps.js';
export { Authenticate } from './use-cases/authenticate.js';
export { CancelReservation } from './use-cases/cancel-reservation.js';
export { ConfirmReservation } from './use-cases/confirm-reservation.js';
export { CreateReservation } from './use-cases/create-reservation.js';
export { createUseCases, type UseCaseDeps, type UseCases } from './use-cases/create-use-cases.js';
export { EnsureAdmin, type EnsureAdminCommand } from './use-cases/ensure-admin.js';
export { GetReservation } from './use-cases/get-reservation.js';
export { GetSchedules, type GetSchedulesQuery } from './use-cases/get-schedules.js';
export { ListReservations, type ListReservationsQuery } from './use-cases/list-reservations.js';
export { DEFAULT_LOG_IN_THROTTLE, LogIn, type LogInCommand, type LogInThrottle } from './use-cases/log-in.js';
export { RegisterUser, type RegisterUserCommand } from './use-cases/register-user.js';
export { UpdateReservation } from './use-cases/update-reservation.js';
export { WorkLimit } from './use-cases/work-limit.js';
