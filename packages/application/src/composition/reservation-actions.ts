import { type BookingPolicy, CapacityExceededError, type Reservation } from '@exam-reservation/domain';
import type { Clock, Metrics, UnitOfWork } from '../ports/index.js';
import type { BulkOutcome } from '../support/bulk.js';
import {
  type AdmissionResult,
  type AdmitCommand,
  AdmitReservations,
} from '../use-cases/admit-reservations.js';
import { type BulkCommand, BulkConfirmReservations } from '../use-cases/bulk-confirm-reservations.js';
import { BulkRejectReservations } from '../use-cases/bulk-reject-reservations.js';
import { CancelReservation } from '../use-cases/cancel-reservation.js';
import { ConfirmReservation, type ConfirmReservationCommand } from '../use-cases/confirm-reservation.js';
import { CreateReservation, type CreateReservationCommand } from '../use-cases/create-reservation.js';
import { PreviewAdmission } from '../use-cases/preview-admission.js';
import { PromoteWaitingList } from '../use-cases/promote-waiting-list.js';
import { RejectReservation } from '../use-cases/reject-reservation.js';
import { UpdateReservation } from '../use-cases/update-reservation.js';
import { type Action, type Command, type Decided, inUnits } from '../wrappers/action.js';
import { batched } from '../wrappers/batched.js';
import { idempotent, type Keyed, type Reply } from '../wrappers/idempotent.js';
import { leased, timed } from '../wrappers/leased.js';
import { type Checks, counted, useCase } from '../wrappers/use-case.js';

/** What the reservation actions share. */
export interface ReservationDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly policy: BookingPolicy;
  /** How long answers to requests with an Idempotency-Key are kept (default 24 hours). */
  readonly idempotencyTtlMs?: number | undefined;
  readonly metrics?: Metrics | undefined;
}

type Submit<C, T> = (keyed: Keyed<C, T>) => Promise<Reply<T>>;

/** An action with its keys, run in units of work, batched up to `maxBatch` (1: each alone). */
function keyedUnits<C extends Command, T>(
  deps: ReservationDeps,
  action: Action<C, T>,
  options: {
    maxBatch?: number;
    observe?: ((size: number) => void) | undefined;
    replayRepeats?: boolean;
  } = {},
): Submit<C, T> {
  const keyed = idempotent(action, deps, { repeats: options.replayRepeats ? 'replay' : 'in progress' });
  return batched(inUnits(deps.uow, keyed), { maxBatch: options.maxBatch ?? 1, observe: options.observe });
}

const countIf = <C, T>(submit: Submit<C, T>, count: ((d: Decided<T>) => void) | undefined) =>
  count ? counted(submit, count) : submit;

const compose = <C extends Command, T>(submit: Submit<C, T>, checks?: Checks<C>) => useCase(submit, checks);

/** Bookings, batched (64 to a transaction unless told otherwise). */
export function createReservation(deps: ReservationDeps, maxBatch = 64) {
  const action = new CreateReservation(deps);
  const metrics = deps.metrics;
  return compose(
    countIf(
      keyedUnits<CreateReservationCommand, Reservation>(deps, action, { maxBatch, replayRepeats: true }),
      metrics &&
        ((d: Decided<Reservation>) => {
          if ('error' in d && d.error instanceof CapacityExceededError) metrics.bookingRefusedForCapacity();
        }),
    ),
    { screen: action.screen },
  );
}

/** Confirmations, batched (64 to a transaction unless told otherwise; 1 turns batching off). */
export function confirmReservation(deps: ReservationDeps, maxBatch = 64) {
  const metrics = deps.metrics;
  return compose(
    countIf(
      keyedUnits<ConfirmReservationCommand, Reservation>(deps, new ConfirmReservation(deps), {
        maxBatch,
        observe: metrics && ((n) => metrics.confirmationBatch(n)),
      }),
      metrics && ((d) => metrics.confirmation('ok' in d ? 'confirmed' : d.error.code)),
    ),
    { guard: ConfirmReservation.guard },
  );
}

export const cancelReservation = (deps: ReservationDeps) =>
  compose(keyedUnits(deps, new CancelReservation(deps)));

export const rejectReservation = (deps: ReservationDeps) =>
  compose(keyedUnits(deps, new RejectReservation(deps)), { screen: RejectReservation.check });

export function bulkConfirmReservations(deps: ReservationDeps) {
  const metrics = deps.metrics;
  return compose(
    countIf(
      keyedUnits<BulkCommand, BulkOutcome<Reservation>[]>(deps, new BulkConfirmReservations(deps)),
      metrics &&
        ((d: Decided<BulkOutcome<Reservation>[]>) => {
          if (!('ok' in d)) return;
          metrics.confirmationBatch(d.ok.length);
          for (const o of d.ok) metrics.confirmation('ok' in o ? 'confirmed' : o.error.code);
        }),
    ),
    { screen: BulkConfirmReservations.check },
  );
}

export const bulkRejectReservations = (deps: ReservationDeps) =>
  compose(keyedUnits(deps, new BulkRejectReservations(deps)), { screen: BulkRejectReservations.check });

/**
 * Admission, its key held by a lease across its units of work (renewed by
 * every chunk; 60 s unless told otherwise).
 */
export function admitReservations(
  deps: ReservationDeps,
  options: { chunkSize?: number | undefined; maxMs?: number | undefined; leaseMs?: number } = {},
) {
  const metrics = deps.metrics;
  const action = new AdmitReservations({ ...deps, ...options });
  const observed = metrics ? timed(action, deps.clock, (r, s) => metrics.admission(r, s)) : action;
  return compose(leased(observed, { ...deps, leaseMs: options.leaseMs ?? 60_000 }));
}

/**
 * Admission's dry run (`dry_run`): what an admission would do now, with the
 * same chunk size and time limit, changing nothing. It takes no
 * Idempotency-Key (it neither stores nor replays an answer, nor waits for a
 * run that holds the key) and is not counted in the metrics.
 */
export function previewAdmission(
  deps: ReservationDeps,
  options: { chunkSize?: number | undefined; maxMs?: number | undefined } = {},
): { execute(command: AdmitCommand): Promise<AdmissionResult> } {
  return new PreviewAdmission({ ...deps, ...options });
}

export const updateReservation = (deps: ReservationDeps) => new UpdateReservation(deps);

/** The waiting list's promotion step (see {@link PromoteWaitingList}); its runs are counted by the step itself. */
export const promoteWaitingList = (deps: ReservationDeps, options: { leaseMs?: number | undefined } = {}) =>
  new PromoteWaitingList({ ...deps, ...options });
