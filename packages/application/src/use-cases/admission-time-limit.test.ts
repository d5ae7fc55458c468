import type { ReservationStatus } from '@exam-reservation/domain';
import { describe, expect, it } from 'vitest';
import { admitReservations, type ReservationDeps } from '../composition/reservation-actions.js';
import { FixedClock } from '../fakes/clocks.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import type { Clock } from '../ports/index.js';
import { encodeAnswer, keyedAnswer } from '../testing/keyed.js';
import { NOW, useCaseKit } from '../testing/use-case-kit.js';
import type { Decided } from '../wrappers/action.js';
import type { Once } from '../wrappers/idempotent.js';
import type { AdmissionResult } from './admit-reservations.js';

/** Admission as the service composes it, with its chunk size and time limit. */
const admitter = (deps: ReservationDeps & { chunkSize: number; maxMs?: number }) =>
  admitReservations(deps, { chunkSize: deps.chunkSize, maxMs: deps.maxMs });

/** The Seoul day of at(0..89). */
const DAY = '2026-12-10';

/** A clock that moves one millisecond each time it is read: every chunk takes time. */
class TickingClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    this.current += 1;
    return this.current;
  }
}

/** 20 pending bookings over slots 0..5, some created in the same millisecond, none in id order. */
async function seeded() {
  const kit = await useCaseKit(new InMemoryStore(), { capacity: 100 });
  for (let i = 0; i < 20; i++) {
    kit.clock.set(NOW + ((i * 7) % 9));
    const from = i % 5;
    await kit.book(i % 2 ? kit.alice : kit.bob, from, from + 1 + (i % 2), 15 + ((i * 13) % 30));
  }
  kit.clock.set(NOW);
  return kit;
}

const statuses = async (kit: Awaited<ReturnType<typeof seeded>>): Promise<ReservationStatus[]> =>
  (await kit.uow.read((s) => s.reservations.list({ offset: 0, limit: 100 }))).items.map((r) => r.status);

const decided = (r: AdmissionResult) => r.confirmed + r.rejected;

describe('AdmitReservations under ADMISSION_MAX_MS', () => {
  it.each([false, true])(
    'a run out of time answers complete: false; repeats end where one run ends (rejectRest %s)',
    async (rejectRest) => {
      const command = (kit: Awaited<ReturnType<typeof seeded>>) => ({
        actor: kit.admin,
        startDate: DAY,
        endDate: DAY,
        rejectRest,
      });
      const whole = await seeded();
      const once = await admitter({ ...whole, chunkSize: 2 }).execute(command(whole));
      expect(once.complete).toBe(true);

      const cut = await seeded();
      const admission = admitter({
        uow: cut.uow,
        policy: cut.policy,
        clock: new TickingClock(NOW),
        chunkSize: 2,
        // Ones left pending stay at the head of the queue and every repeat reads them again,
        // so without rejectRest a run needs the time to get past them.
        maxMs: rejectRest ? 5 : 12,
      });
      const runs: AdmissionResult[] = [];
      do runs.push(await admission.execute(command(cut)));
      while (!runs[runs.length - 1]!.complete && runs.length < 50);
      expect(runs.length).toBeGreaterThan(1);
      expect(runs.slice(0, -1).every((r) => !r.complete)).toBe(true);
      expect(runs[runs.length - 1]!.complete).toBe(true);
      // Each cut run stopped early: it decided less than the whole queue.
      expect(decided(runs[0]!) + runs[0]!.leftPending).toBeLessThan(20);
      expect(await statuses(cut)).toEqual(await statuses(whole));
      const sum = (pick: (r: AdmissionResult) => number) => runs.reduce((n, r) => n + pick(r), 0);
      expect(sum((r) => r.confirmed)).toBe(once.confirmed);
      expect(sum((r) => r.rejected)).toBe(once.rejected);
    },
  );

  it('with no time at all, every run still decides one chunk, and the last says complete', async () => {
    const kit = await seeded();
    const admission = admitter({ ...kit, chunkSize: 7, maxMs: 0 });
    const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: true };
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await admission.execute(command));
    expect(runs.map((r) => [decided(r), r.complete])).toEqual([
      [7, false],
      [7, false],
      [6, true],
    ]);
    expect((await statuses(kit)).filter((s) => s === 'pending')).toEqual([]);
  });

  it('a keyed run cut short stores no answer and gives its key up: a repeat with the key admits again', async () => {
    const kit = await seeded();
    const admission = admitter({ ...kit, clock: new FixedClock(NOW), chunkSize: 7, maxMs: 0 });
    const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: true };
    const once: Once<AdmissionResult> = {
      key: 'admit-1',
      fingerprint: 'fp',
      render: (d: Decided<AdmissionResult>) =>
        encodeAnswer({
          status: 200,
          headers: {},
          body: JSON.stringify('ok' in d ? d.ok : { code: d.error.code }),
        }),
    };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await keyedAnswer(admission.execute(command, once)));
    expect(answers.map((a) => [JSON.parse(a.response.body), a.replayed])).toEqual([
      [
        { confirmed: expect.any(Number), rejected: expect.any(Number), leftPending: 0, complete: false },
        false,
      ],
      [
        { confirmed: expect.any(Number), rejected: expect.any(Number), leftPending: 0, complete: false },
        false,
      ],
      [
        { confirmed: expect.any(Number), rejected: expect.any(Number), leftPending: 0, complete: true },
        false,
      ],
      // Only the complete answer was stored.
      [JSON.parse(answers[2]!.response.body), true],
    ]);
    expect(answers.slice(0, 3).map((a) => decided(JSON.parse(a.response.body)))).toEqual([7, 7, 6]);
  });
});
