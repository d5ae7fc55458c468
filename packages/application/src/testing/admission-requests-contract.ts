import { TimeRange } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import type { PendingCursor } from '../ports/index.js';
import { at, type MakeStore, T0 } from './fixtures.js';

const room = (from: number, to: number, freedAt = T0) => ({ range: TimeRange.of(at(from), at(to)), freedAt });
const LEASE = 10_000;

/** The waiting list's queue: recorded with the change, claimed under a lease, finished by its holder. */
export function describeAdmissionRequestsContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: AdmissionRequests`, () => {
    it('queues rooms only when the unit of work commits', async () => {
      const store = await makeStore();
      await expect(
        store.run(async (s) => {
          await s.admissionRequests.record([room(0, 2)]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await store.run((s) => s.admissionRequests.record([room(4, 6, T0 + 5)]));
      const claimed = await store.run((s) =>
        s.admissionRequests.claim({ now: T0 + 10, leaseMs: LEASE, limit: 10, token: 'a' }),
      );
      expect(claimed.map((c) => [c.range.start, c.range.end, c.freedAt, c.after])).toEqual([
        [at(4), at(6), T0 + 5, null],
      ]);
    });

    it('a claim takes only rooms freed by its own time', async () => {
      const store = await makeStore();
      await store.run((s) => s.admissionRequests.record([room(0, 1, T0 + 50), room(3, 4, T0 + 10)]));
      const claim = (now: number) =>
        store.run((s) => s.admissionRequests.claim({ now, leaseMs: LEASE, limit: 10, token: `t${now}` }));
      expect((await claim(T0 + 20)).map((c) => c.range.start)).toEqual([at(3)]);
      expect((await claim(T0 + 50)).map((c) => c.range.start)).toEqual([at(0)]);
    });

    it('a claim skips rooms held, or touching a room held, until the lease runs out or is finished', async () => {
      const store = await makeStore();
      await store.run((s) =>
        s.admissionRequests.record([room(0, 2), room(2, 3, T0 + 1), room(5, 6, T0 + 2)]),
      );
      const claim = (token: string, now: number, limit = 1) =>
        store.run((s) => s.admissionRequests.claim({ now, leaseMs: LEASE, limit, token }));
      const [first] = await claim('a', T0 + 10);
      expect(first?.range.start).toBe(at(0));
      // Room 2-3 touches the held 0-2: skipped; 5-6 is free.
      const second = await claim('b', T0 + 20, 10);
      expect(second.map((c) => c.range.start)).toEqual([at(5)]);
      expect(await claim('c', T0 + 30, 10)).toEqual([]);
      // Renewed by its holder only.
      await store.run((s) => s.admissionRequests.renew([first!.id], 'c', T0 + 1));
      expect(await claim('c', T0 + 40, 10)).toEqual([]);
      // Past the lease of `a` (a process that died): both of its neighbourhood are due again.
      const retaken = await claim('d', T0 + 10 + LEASE, 10);
      expect(retaken.map((c) => c.range.start)).toEqual([at(0), at(2)]);
      // `a` lost it: its finish does nothing; `d` finishes both.
      await store.run((s) => s.admissionRequests.finish([first!.id], 'a'));
      await store.run((s) =>
        s.admissionRequests.finish(
          retaken.map((c) => c.id),
          'd',
        ),
      );
      await store.run((s) =>
        s.admissionRequests.finish(
          second.map((c) => c.id),
          'b',
        ),
      );
      expect(await claim('e', T0 + 100 * LEASE, 10)).toEqual([]);
    });

    it('finishing with a rest queues it again, due at once, with where the walk stopped', async () => {
      const store = await makeStore();
      await store.run((s) => s.admissionRequests.record([room(0, 2)]));
      const [held] = await store.run((s) =>
        s.admissionRequests.claim({ now: T0, leaseMs: LEASE, limit: 5, token: 'a' }),
      );
      const after = 'cursor-1' as PendingCursor;
      await store.run((s) => s.admissionRequests.finish([held!.id], 'a', { ...room(0, 3, T0 - 1), after }));
      const [rest] = await store.run((s) =>
        s.admissionRequests.claim({ now: T0 + 1, leaseMs: LEASE, limit: 5, token: 'b' }),
      );
      expect([rest?.range.end, rest?.freedAt, rest?.after]).toEqual([at(3), T0 - 1, after]);
      expect(rest?.id).not.toBe(held?.id);
    });
  });
}
