/**
 * The rules of exam reservations: the slot grid, capacity, lead time,
 * ownership and the status machine. Pure: no I/O, no clock (every rule takes
 * `now`), no environment.
 * @packageDocumentation
 */
export {
  type Admission,
  type AdmissionDecision,
  type AdmissionRule,
  admit,
  admitFirstComeFirstServed,
  NO_CAPACITY_LEFT,
} from './admission.js';
export {
  type BookingDraft,
  type BookingPolicy,
  type BookingPolicyOptions,
  bookableFrom,
  bookingPolicy,
  policyDateRange,
  validateDraft,
} from './booking-policy.js';
export {
  computeSchedule,
  DEFAULT_SLOT_CAPACITY,
  expandSchedule,
  firstOverflow,
  rangeLoad,
  type ScheduleItem,
  type ScheduleQuery,
  type SlotDelta,
  type SlotLoads,
  sumDeltas,
} from './capacity.js';
export { CapacityLedger } from './capacity-ledger.js';
export {
  CapacityExceededError,
  ConflictError,
  DomainError,
  type ErrorCode,
  type FieldError,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidStateError,
  LastAdminError,
  NotFoundError,
  RateLimitedError,
  TooManyChangesError,
  UnauthorizedError,
  ValidationError,
} from './errors.js';
export {
  ADMISSION_POLICIES,
  type AdmissionPolicyName,
  bestFit,
  fifo,
  smallestFirst,
} from './lab/admission-policies.js';
export {
  type AdmissionSchedule,
  type DemandOptions,
  type GroupSize,
  generateDemand,
  LAB_ADMIN,
  type PreferredWindow,
  WITHDRAWN,
} from './lab/demand.js';
export { exponentialGap, pickWeighted, seededRandom } from './lab/random.js';
export { type LabReport, orderViolations, runLab, sumTallies, type Tally } from './lab/report.js';
export {
  type Comparison,
  comparisonBreakdown,
  comparisonTable,
  runScenario,
  type VariantRun,
} from './lab/scenario.js';
export { readScenarioFile, type ScenarioFile } from './lab/scenario-schema.js';
export {
  type Actor,
  assertAdmin,
  assertCanRead,
  assertChangesLeft,
  cancel,
  confirm,
  confirmedLoadDelta,
  isAdmin,
  MAX_REASON_LENGTH,
  newReservation,
  type Reservation,
  type ReservationPatch,
  type ReservationStatus,
  type Role,
  rangeOf,
  reject,
  type Transition,
  update,
  validateReason,
} from './reservation.js';
export {
  type ChangeCause,
  type Refusal,
  type SimulatedAdmission,
  type SimulatedChange,
  type SimulationEvent,
  type SimulationObserver,
  type SimulationOptions,
  type SimulationResult,
  simulate,
} from './simulate.js';
export { DEFAULT_SLOT_MINUTES, SlotGrid } from './slot-grid.js';
export {
  computeLoad,
  expandLoad,
  type LoadItem,
  type LoadQuery,
  loadDateRange,
  MAX_LOAD_RANGE_DAYS,
} from './slot-load.js';
export { isStorableText, textProblem } from './text.js';
export { TimeRange } from './time-range.js';
export {
  assertTimeZone,
  dateRangeToInterval,
  daysInDateRange,
  FIRST_DATE,
  formatInstant,
  LAST_DATE,
  leadTimeBoundary,
  parseRequestTime,
  zoneFitsGrid,
} from './time-zone.js';
export {
  assertAdminRemains,
  isEmailAddress,
  normalizeEmail,
  type Registration,
  type User,
  validateNewPassword,
  validateRegistration,
} from './user.js';
export {
  coverRanges,
  freedRange,
  joinFreedRooms,
  promoteWaiting,
  WAITING_LIST_REASON,
} from './waiting-list.js';
