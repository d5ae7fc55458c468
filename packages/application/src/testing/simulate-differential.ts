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
} from '@exam-reservation/domain';
import fc from 'fast-check';
import { expect } from 'vitest';
import { at } from './fixtures.js';
import { NOW, type useCaseKit } from './use-case-kit.js';

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
const who = fc.constantFrom('alice' as const, 'bob' as const, 'admin' as const);
const id = fc.integer({ min: 1, max: 7 });
const reason = fc.option(fc.constantFrom('full', 'moved', ''), { nil: undefined });

/** Random sequences of every action the service has, with people 0–8 (0 is refused) for capacity 10. */
export const differentialSteps = (maxLength: number): fc.Arbitrary<Step[]> =>
  fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('create' as const),
          who: fc.constantFrom('alice' as const, 'bob' as const),
          from: slot,
          length: fc.integer({ min: 1, max: 4 }),
          people: fc.integer({ min: 0, max: 8 }),
        }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('confirm' as const), who, id, reason }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), who, id, reason }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who, id, reason }) },
      {
        weight: 2,
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
        weight: 1,
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

/**
 * Runs `steps` through the service's use cases (one at a time, the clock a
 * second apart) and through `simulate` with the kit's policy, and expects
 * the same refusals (by event and code), the same reservations field by
 * field, and the same confirmed load in every slot the steps can touch.
 * Gives the simulation, for the caller to check the runs were not trivial.
 */
export async function expectServiceMatchesSimulate(
  kit: Kit,
  steps: readonly Step[],
): Promise<SimulationResult> {
  const events = steps.map((step, i) => eventOf(kit, step, NOW + (i + 1) * 1000));
  const refused: [number, string][] = [];
  for (const [i, step] of steps.entries()) {
    await execute(kit, step, events[i]!).catch((error: unknown) => {
      if (!(error instanceof DomainError)) throw error;
      refused.push([i, error.code]);
    });
  }
  const simulated = simulate(events, kit.policy);
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
  return simulated;
}
