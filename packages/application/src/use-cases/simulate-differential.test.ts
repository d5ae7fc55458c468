import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import {
  differentialSteps,
  expectServiceMatchesSimulate,
  waitingListRuns,
} from '../testing/simulate-differential.js';
import { useCaseKit } from '../testing/use-case-kit.js';

describe("the domain's simulate and the service agree (in memory)", () => {
  it('for random sequences of create, update, confirm, reject, cancel and admit: same refusals, reservations and loads', async () => {
    const seen = { confirmed: 0, rejected: 0, cancelled: 0, refusals: 0 };
    await fc.assert(
      fc.asyncProperty(differentialSteps(40), fc.integer({ min: 1, max: 3 }), async (steps, chunk) => {
        const kit = await useCaseKit(new InMemoryStore(), {
          capacity: 10,
          maxChanges: 2,
          admissionChunk: chunk,
        });
        const simulated = await expectServiceMatchesSimulate(kit, steps);
        for (const r of simulated.reservations.values()) if (r.status !== 'pending') seen[r.status]++;
        seen.refusals += simulated.refusalCount;
      }),
      { numRuns: 150 },
    );
    // The runs exercised every outcome, not only refusals.
    expect(
      Object.values(seen).every((n) => n > 20),
      JSON.stringify(seen),
    ).toBe(true);
  });

  it('with the waiting list on (fifo): same refusals, reservations, loads and promotions (by the system, reason "waiting list")', async () => {
    const runs = 100;
    const promoting = await waitingListRuns(() => new InMemoryStore(), runs);
    // The waiting list decided something in a good share of the runs (about half), not only in a few.
    expect(promoting).toBeGreaterThan(runs * 0.3);
  });
});
