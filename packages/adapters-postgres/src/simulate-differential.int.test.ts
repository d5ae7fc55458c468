import {
  differentialSteps,
  expectServiceMatchesSimulate,
  useCaseKit,
  waitingListRuns,
} from '@exam-reservation/application/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KyselyStore } from './index.js';
import { resetSchema } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

// The domain's simulate against the service on PostgreSQL: the same random
// sequences as the in-memory differential test, fewer of them (each run
// starts from a fresh schema, so ids count from 1 as the simulator's do).

let store: KyselyStore;

storePerFile({ poolSize: 4 }, (opened) => {
  ({ store } = opened);
});

describe("the domain's simulate and the service agree (PostgreSQL)", () => {
  it('for random sequences of every action: same refusals, reservations and slot loads', async () => {
    let decided = 0;
    await fc.assert(
      fc.asyncProperty(differentialSteps(30), fc.integer({ min: 1, max: 3 }), async (steps, chunk) => {
        await resetSchema(store);
        const kit = await useCaseKit(store, { capacity: 10, maxChanges: 2, admissionChunk: chunk });
        const simulated = await expectServiceMatchesSimulate(kit, steps);
        for (const r of simulated.reservations.values()) if (r.status !== 'pending') decided++;
      }),
      { numRuns: 25 },
    );
    expect(decided).toBeGreaterThan(20);
  }, 300_000);

  it('with the waiting list on (fifo): same refusals, reservations, slot loads and promotions by the system', async () => {
    const promoting = await waitingListRuns(() => resetSchema(store), 15);
    // About half the runs promote someone; at least two of 15 (the in-memory test checks the share over more runs).
    expect(promoting).toBeGreaterThan(1);
  }, 300_000);
});
