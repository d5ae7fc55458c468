import {
  type Actor,
  type BookingDraft,
  DomainError,
  policyDateRange,
  type Reservation,
  type ReservationPatch,
  type SimulationEvent,
  type SimulationResult,
  simulate,
  WAITING_LIST_REASON,
} from '@exam-reservation/domain';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { UnitOfWork } from '../ports/index.js';
import { at } from './fixtures.js';
import { NOW, useCaseKit } from './use-case-kit.js';

/** The use cases a differential run drives: what {@link useCaseKit} gives. */
export type Kit = Awaited<ReturnType<typeof useCaseKit>>;

/** One step of a differential run, in the kit's terms: who (by name), what, on which id or slots. */
export type Step =
  | { kind: 'create'; who: 'alice' | 'bob'; from: number; length: number; people: number }
  | {
      kind: 'confirm' | 'reject' | 'cancel';
      who: 'alice' | 'bob' | 'admin';
      id: number;
      reason: string | undefined;
    }
  | {
      kind: 'update';
      who: 'alice' | 'bob' | 'admin';
      id: number;
      from?: number;
      length: number;
      people?: number;
    }
  | { kind: 'admit'; who: 'bob' | 'admin'; date: '2026-12-10' | '2026-12-11'; rejectRest: boolean };

/** Slots of T0's day and the next (`at(0..143)`), crowded into a few so that capacity binds. */
const slot = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 8 }), weight: 5 },
  fc.integer({ min: 140, max: 150 }),
);
const reason = fc.option(fc.constantFrom('full', 'moved', ''), { nil: undefined });

/** How often each kind of step comes, relative to the others. */
export type StepWeights = Readonly<Record<Step['kind'], number>>;

/** How the steps of a differential run are drawn. */
export interface StepMix {
  readonly weights: StepWeights;
  /** How many times as likely as each user the admin is to confirm, reject, cancel or update. */
  readonly adminWeight: number;
  /** People of a booking: 0 is refused. */
  readonly people: { readonly min: number; readonly max: number };
  /** The highest reservation id steps name (ids count from 1 as bookings succeed). */
  readonly maxId: number;
}

/** Every action, bookings and confirmations the most frequent, people 0–8. */
const EVERY_ACTION: StepMix = {
  weights: { create: 4, confirm: 3, reject: 1, cancel: 2, update: 2, admit: 1 },
  adminWeight: 1,
  people: { min: 0, max: 8 },
  maxId: 7,
};

/**
 * For the waiting list: room freed often (cancels and moves of confirmed
 * reservations, mostly by the admin) while bookings made before it filled
 * wait behind (two of 3–8 people rarely fit together in 10); admissions
 * rare, so that the waiting list is what decides.
 */
export const FREEING_ROOM: StepMix = {
  weights: { create: 6, confirm: 5, reject: 1, cancel: 4, update: 3, admit: 1 },
  adminWeight: 8,
  people: { min: 5, max: 8 },
  maxId: 4,
};

/** Random sequences of every action the service has, for capacity 10. */
export const differentialSteps = (maxLength: number, mix: StepMix = EVERY_ACTION): fc.Arbitrary<Step[]> => {
  const { weights, adminWeight } = mix;
  const id = fc.integer({ min: 1, max: mix.maxId });
  const who = fc.oneof(fc.constant('alice' as const), fc.constant('bob' as const), {
    weight: adminWeight,
    arbitrary: fc.constant('admin' as const),
  });
  return fc.array(
    fc.oneof(
      {
        weight: weights.create,
        arbitrary: fc.record({
          kind: fc.constant('create' as const),
          who: fc.constantFrom('alice' as const, 'bob' as const),
          from: slot,
          length: fc.integer({ min: 1, max: 4 }),
          people: fc.integer(mix.people),
        }),
      },
      {
        weight: weights.confirm,
        arbitrary: fc.record({ kind: fc.constant('confirm' as const), who, id, reason }),
      },
      {
        weight: weights.reject,
        arbitrary: fc.record({ kind: fc.constant('reject' as const), who, id, reason }),
      },
      {
        weight: weights.cancel,
        arbitrary: fc.record({ kind: fc.constant('cancel' as const), who, id, reason }),
      },
      {
        weight: weights.update,
        arbitrary: fc.record(
          {
            kind: fc.constant('update' as const),
            who,
            id,
            from: slot,
            length: fc.integer({ min: 1, max: 4 }),
            people: fc.integer({ min: 1, max: 8 }),
          },
          { requiredKeys: ['kind', 'who', 'id', 'length'] },
        ),
      },
      {
        weight: weights.admit,
        arbitrary: fc.record({
          kind: fc.constant('admit' as const),
          who: fc.constantFrom('bob' as const, 'admin' as const),
          date: fc.constantFrom('2026-12-10' as const, '2026-12-11' as const),
          rejectRest: fc.boolean(),
        }),
      },
    ),
    { minLength: Math.floor(maxLength / 2), maxLength, size: 'max' },
  );
};

const draftOf = (from: number, length: number, people: number): BookingDraft => ({
  reservationName: `R ${from}`,
  start: at(from),
  end: at(from + length),
  numberOfPeople: people,
});

/** A step as the simulator's event, at `when`. */
function eventOf(kit: Kit, step: Step, when: number): SimulationEvent {
  const actor: Actor = kit[step.who];
  switch (step.kind) {
    case 'create':
      return { type: 'create', actor, at: when, draft: draftOf(step.from, step.length, step.people) };
    case 'update':
      return { type: 'update', actor, at: when, id: step.id, patch: patchOf(step) };
    case 'admit': {
      const range = policyDateRange(step.date, step.date, kit.policy);
      return {
        type: 'admit',
        actor,
        at: when,
        start: range.start,
        end: range.end,
        rejectRest: step.rejectRest,
      };
    }
    default:
      return { type: step.kind, actor, at: when, id: step.id, reason: step.reason };
  }
}

function patchOf(step: Extract<Step, { kind: 'update' }>): ReservationPatch {
  return {
    ...(step.from !== undefined ? { start: at(step.from), end: at(step.from + step.length) } : {}),
    ...(step.people !== undefined ? { numberOfPeople: step.people } : {}),
  };
}

/** The step through the kit's use cases, with its clock at `when`. */
function execute(kit: Kit, step: Step, event: SimulationEvent): Promise<unknown> {
  kit.clock.set(event.at);
  const actor: Actor = kit[step.who];
  switch (step.kind) {
    case 'create':
      return kit.create.execute({ actor, draft: draftOf(step.from, step.length, step.people) });
    case 'confirm':
      return kit.confirm.execute({ actor, id: step.id });
    case 'reject':
      return kit.reject.execute({ actor, id: step.id, reason: step.reason });
    case 'cancel':
      return kit.cancel.execute({ actor, id: step.id, reason: step.reason });
    case 'update':
      return kit.update.execute({ actor, id: step.id, patch: patchOf(step) });
    case 'admit':
      return kit.admit.execute({
        actor,
        startDate: step.date,
        endDate: step.date,
        rejectRest: step.rejectRest,
      });
  }
}

const fields = (r: Reservation) => [
  r.id,
  r.userId,
  r.status,
  r.reservationName,
  r.start,
  r.end,
  r.numberOfPeople,
  r.createdAt,
  r.updatedAt,
];

/** Whether a differential run has the waiting list on. */
export interface DifferentialOptions {
  /**
   * `AUTO_ADMIT=fifo` (the kit made with `waitingList: true`): `delayMs` after
   * the first room is queued, the service's promotion step runs until its
   * queue is empty, and `simulate` runs with the same `autoAdmitDelayMs`.
   */
  readonly waitingList?: { readonly delayMs: number } | undefined;
}

/** Time between steps, ms. */
const SPACING = 1000;

/** Whether the service has freed room queued (a claim with no lease holds nothing). */
const queued = async (kit: Kit): Promise<boolean> =>
  (
    await kit.uow.run((s) =>
      s.admissionRequests.claim({ now: kit.clock.now(), leaseMs: 0, limit: 1, token: 'differential peek' }),
    )
  ).length > 0;

/** The promotion step at `when`, run until it finds no room queued (one step claims every room queued by then). */
async function promoteAll(kit: Kit, when: number): Promise<void> {
  kit.clock.set(when);
  for (let i = 0; i < 100; i++) if ((await kit.promote.execute()).rooms === 0) return;
  throw new Error('the waiting list still had room queued after 100 promotion steps');
}

/** One entry of a history, as the comparison of promotions sees it. */
const promotionOf = (e: {
  reservationId: number;
  at: number;
  type: string;
  actorId: number | null;
  actorRole: string;
  reason: string | null;
}) => ({
  id: e.reservationId,
  at: e.at,
  type: e.type,
  actorId: e.actorId,
  actorRole: e.actorRole,
  reason: e.reason,
});

/**
 * Runs `steps` through the service's use cases (one at a time, the clock a
 * second apart) and through `simulate` with the kit's policy, and expects
 * the same refusals (by event and code), the same reservations field by
 * field, the same confirmed load in every slot the steps can touch, and the
 * same promotions by the waiting list (in the service's history: the system,
 * no actor, reason "waiting list"). Gives the simulation and how many
 * reservations the waiting list confirmed, for the caller to check the runs
 * were not trivial.
 */
export async function expectServiceMatchesSimulate(
  kit: Kit,
  steps: readonly Step[],
  options: DifferentialOptions = {},
): Promise<SimulationResult & { readonly promoted: number }> {
  const delayMs = options.waitingList?.delayMs;
  const events = steps.map((step, i) => eventOf(kit, step, NOW + (i + 1) * SPACING));
  const refused: [number, string][] = [];
  // The poller's timing as simulate models it: the queue is walked once the first room queued is
  // `delayMs` old, before a step at that time (delay 0: right after the step that freed it).
  let due = Number.POSITIVE_INFINITY;
  for (const [i, step] of steps.entries()) {
    if (events[i]!.at >= due) {
      await promoteAll(kit, due);
      due = Number.POSITIVE_INFINITY;
    }
    await execute(kit, step, events[i]!).catch((error: unknown) => {
      if (!(error instanceof DomainError)) throw error;
      refused.push([i, error.code]);
    });
    if (delayMs === undefined || due !== Number.POSITIVE_INFINITY || !(await queued(kit))) continue;
    due = events[i]!.at + delayMs;
    if (delayMs === 0) {
      await promoteAll(kit, due);
      due = Number.POSITIVE_INFINITY;
    }
  }
  if (due !== Number.POSITIVE_INFINITY) await promoteAll(kit, due);
  const promotions: ReturnType<typeof promotionOf>[] = [];
  const simulated = simulate(
    events,
    kit.policy,
    delayMs === undefined
      ? {}
      : {
          autoAdmit: 'fifo',
          autoAdmitDelayMs: delayMs,
          observer: {
            changed: ({ after, cause, reason }) => {
              if (cause !== 'waiting list') return;
              const by = { actorId: null, actorRole: 'system', reason: reason ?? null };
              promotions.push(
                promotionOf({ ...by, reservationId: after.id, at: after.updatedAt, type: after.status }),
              );
            },
          },
        },
  );
  expect(refused).toEqual(simulated.refusals.map((r) => [r.index, r.error.code]));
  const stored = await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 1000 }));
  expect(stored.items.map(fields).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(
    [...simulated.reservations.values()].map(fields),
  );
  const from = 0;
  const to = 160;
  expect(await kit.loads(from, to)).toEqual(
    Array.from({ length: to - from }, (_, i) => simulated.loads.get(at(from + i)) ?? 0),
  );
  const trails = await kit.uow.read((s) => Promise.all(stored.items.map((r) => s.events.listFor(r.id))));
  const bySystem = trails
    .flat()
    .filter((e) => e.actorRole === 'system' || e.reason === WAITING_LIST_REASON)
    .map(promotionOf);
  const order = (a: { id: number; at: number }, b: { id: number; at: number }) => a.id - b.id || a.at - b.at;
  expect(bySystem.sort(order)).toEqual(promotions.sort(order));
  return { ...simulated, promoted: promotions.length };
}

/**
 * `numRuns` random runs with the waiting list on (steps that free room often,
 * admission chunks of 1–3, delays below and above the second between steps:
 * one step's room a walk, or several steps' rooms together), each on a fresh
 * store; gives how many runs the waiting list confirmed someone in.
 */
export async function waitingListRuns(
  freshStore: () => UnitOfWork | Promise<UnitOfWork>,
  numRuns: number,
): Promise<number> {
  let promoting = 0;
  await fc.assert(
    fc.asyncProperty(
      differentialSteps(80, FREEING_ROOM),
      fc.integer({ min: 1, max: 3 }),
      // Comparable at any delay, since both sides walk at the same due time: below 1 s each walk is one step's room, above it several steps' rooms.
      fc.constantFrom(0, 500, 2500, 10_000),
      async (steps, chunk, delayMs) => {
        const kit = await useCaseKit(await freshStore(), {
          capacity: 10,
          maxChanges: 2,
          admissionChunk: chunk,
          waitingList: true,
        });
        const simulated = await expectServiceMatchesSimulate(kit, steps, { waitingList: { delayMs } });
        if (simulated.promoted > 0) promoting++;
      },
    ),
    { numRuns },
  );
  return promoting;
}
