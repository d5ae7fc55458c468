import type { Actor } from '../reservation.js';
import type { SimulationEvent } from '../simulate.js';
import { exponentialGap, pickWeighted, seededRandom } from './random.js';

/** How many people book together, and how often (relative weight). */
export interface GroupSize {
  /** People in the booking (≥ 1). */
  readonly people: number;
  /** Relative frequency (> 0). */
  readonly weight: number;
}

/** A stretch candidates ask for, and how popular it is. */
export interface PreferredWindow {
  /** Start, epoch ms on the slot grid. */
  readonly start: number;
  /** End (exclusive), epoch ms on the slot grid. */
  readonly end: number;
  /** Relative popularity (> 0). */
  readonly weight: number;
}

/** The recurring admission an admin runs while registration is open. */
export interface AdmissionSchedule {
  /** Minutes between two admissions, from the opening on. */
  readonly everyMinutes: number;
  /** The range every admission covers, epoch ms. */
  readonly start: number;
  /** End (exclusive) of that range, epoch ms. */
  readonly end: number;
  /** Whether the last one (after the last booking) rejects what does not fit. */
  readonly rejectRestAtEnd: boolean;
}

/** What {@link generateDemand} makes: one registration period's bookings and what follows them. */
export interface DemandOptions {
  /** The seed: the same options and seed give the same events. */
  readonly seed: number;
  /** How many bookings arrive. */
  readonly bookings: number;
  /** When registration opens, epoch ms. */
  readonly opensAt: number;
  /** The share of bookings (0–1) that arrive in the burst at opening. */
  readonly burstShare: number;
  /** How long the burst lasts, in minutes. */
  readonly burstMinutes: number;
  /** How long the tail after the burst lasts, in hours. */
  readonly tailHours: number;
  /** Group sizes, by weight. */
  readonly groupSizes: readonly GroupSize[];
  /** The windows asked for, by weight. */
  readonly windows: readonly PreferredWindow[];
  /** The chance (0–1) that before a booking an admin cancels a random earlier reservation (a withdrawal). */
  readonly cancelShare?: number | undefined;
  /**
   * The id of this demand's first booking when other events came before it
   * (default 1): withdrawals pick among this demand's own ids.
   */
  readonly firstId?: number | undefined;
  /** Admissions while registration is open; none without. */
  readonly admission?: AdmissionSchedule | undefined;
}

/** The admin every generated admin action is made by. */
export const LAB_ADMIN: Actor = { userId: 1, role: 'admin' };
/** The reason recorded with a generated withdrawal. */
export const WITHDRAWN = 'withdrawn';

/**
 * Realistic demand as events, in time order and generated as they are read
 * (a million bookings take no memory of their own): arrivals are a Poisson
 * process, fast in a burst at opening (`burstShare` of them over
 * `burstMinutes`) and slower over the tail; each is one candidate (user
 * `1000 + n`) booking a window drawn by weight for a group drawn by weight.
 * Optional withdrawals cancel a random earlier id, and optional admissions
 * run every `everyMinutes` and once more after the last booking.
 * @throws RangeError (when read) without a window or a group size
 */
export function* generateDemand(options: DemandOptions): Generator<SimulationEvent> {
  if (options.windows.length === 0 || options.groupSizes.length === 0) {
    throw new RangeError('demand needs at least one window and one group size');
  }
  const random = seededRandom(options.seed);
  const burst = Math.round(options.bookings * options.burstShare);
  const tail = options.bookings - burst;
  const burstMs = options.burstMinutes * 60_000;
  const tailMs = options.tailHours * 3_600_000;
  const admission = options.admission;
  const everyMs = admission ? admission.everyMinutes * 60_000 : Number.POSITIVE_INFINITY;
  let nextAdmit = options.opensAt + everyMs;
  const admitAt = (at: number, rejectRest: boolean): SimulationEvent => ({
    type: 'admit',
    actor: LAB_ADMIN,
    at,
    start: admission!.start,
    end: admission!.end,
    rejectRest,
  });
  /** The admissions due by `at`, each a step after the last. */
  const admitUpTo = function* (at: number): Generator<SimulationEvent> {
    for (; admission && nextAdmit <= at; nextAdmit += everyMs) yield admitAt(nextAdmit, false);
  };
  let clock = options.opensAt;
  for (let n = 0; n < options.bookings; n++) {
    const inBurst = n < burst;
    const gap = inBurst
      ? exponentialGap(random, burstMs / Math.max(burst, 1))
      : exponentialGap(random, tailMs / tail);
    // The tail starts where the burst ends, however early its last arrival came.
    const base = !inBurst && n === burst ? Math.max(clock, options.opensAt + burstMs) : clock;
    clock = base + Math.round(gap);
    yield* admitUpTo(clock);
    if (options.cancelShare && n > 0 && random() < options.cancelShare) {
      const id = (options.firstId ?? 1) + Math.floor(random() * n);
      yield { type: 'cancel', actor: LAB_ADMIN, id, at: clock, reason: WITHDRAWN };
    }
    const window = pickWeighted(random, options.windows);
    const people = pickWeighted(random, options.groupSizes).people;
    yield {
      type: 'create',
      actor: { userId: 1000 + n, role: 'user' },
      at: clock,
      draft: { reservationName: 'Exam', start: window.start, end: window.end, numberOfPeople: people },
    };
  }
  if (admission) {
    yield* admitUpTo(clock);
    yield admitAt(nextAdmit, admission.rejectRestAtEnd);
  }
}
