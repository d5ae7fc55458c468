import type { BookingPolicy } from '@exam-reservation/domain';
import type { Clock, LoginAttempts, PasswordHasher, TokenIssuer, UnitOfWork } from '../ports/index.js';
import { Authenticate } from './authenticate.js';
import { CancelReservation } from './cancel-reservation.js';
import { ConfirmReservation } from './confirm-reservation.js';
import { CreateReservation } from './create-reservation.js';
import { GetReservation } from './get-reservation.js';
import { GetSchedules } from './get-schedules.js';
import { ListReservations } from './list-reservations.js';
import { LogIn, type LogInThrottle } from './log-in.js';
import { RegisterUser } from './register-user.js';
import { UpdateReservation } from './update-reservation.js';

/** The ports every use case of the service needs between them. */
export interface UseCaseDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly policy: BookingPolicy;
  readonly passwordHasher: PasswordHasher;
  readonly tokenIssuer: TokenIssuer;
  readonly loginAttempts: LoginAttempts;
  /** Log-in limits; the HTTP contract's by default. */
  readonly logInThrottle?: LogInThrottle;
}

/** Every use case a client of the service calls, wired to one set of ports. */
export function createUseCases(deps: UseCaseDeps) {
  const { uow, clock, policy, passwordHasher, tokenIssuer, loginAttempts } = deps;
  const shared = { uow, clock, policy };
  return {
    registerUser: new RegisterUser({ uow, clock, passwordHasher }),
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
    createReservation: new CreateReservation(shared),
    updateReservation: new UpdateReservation(shared),
    confirmReservation: new ConfirmReservation(shared),
    cancelReservation: new CancelReservation(shared),
  } as const;
}

export type UseCases = ReturnType<typeof createUseCases>;
