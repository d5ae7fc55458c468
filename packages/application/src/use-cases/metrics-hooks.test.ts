import { describe, expect, it } from 'vitest';
import * as actions from '../composition/reservation-actions.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import type { Metrics } from '../ports/index.js';
import { encodeAnswer, keyedAnswer } from '../testing/keyed.js';
import { useCaseKit } from '../testing/use-case-kit.js';
import type { Decided } from '../wrappers/action.js';
import type { Once } from '../wrappers/idempotent.js';

class RecordingMetrics implements Metrics {
  readonly confirmations: string[] = [];
  readonly batches: number[] = [];
  readonly admissions: unknown[] = [];
  bookingRefusals = 0;
  confirmation(outcome: string): void {
    this.confirmations.push(outcome);
  }
  bookingRefusedForCapacity(): void {
    this.bookingRefusals++;
  }
  confirmationBatch(size: number): void {
    this.batches.push(size);
  }
  admission(result: unknown): void {
    this.admissions.push(result);
  }
  waitingListPromotion(): void {}
  webhookAttempt(): void {}
  webhookEndpointsThrottled(): void {}
}

const once = <T>(key: string): Once<T> => ({
  key,
  fingerprint: `fp-${key}`,
  render: (decided: Decided<T>) =>
    encodeAnswer({
      status: 'ok' in decided ? 200 : 409,
      headers: {},
      body: '{}',
    }),
});

async function setUp() {
  const kit = await useCaseKit(new InMemoryStore(), { capacity: 100 });
  const metrics = new RecordingMetrics();
  const deps = { uow: kit.uow, clock: kit.clock, policy: kit.policy, metrics };
  return { kit, metrics, deps };
}

describe('what the use cases count', () => {
  it('counts each confirmation once by its final answer, keyed ones too, but not replays', async () => {
    const { kit, metrics, deps } = await setUp();
    const confirm = actions.confirmReservation(deps);
    const fits = await kit.book(kit.alice, 0, 6, 60);
    const tooMany = await kit.book(kit.alice, 0, 6, 60);
    const keyed = await kit.book(kit.alice, 6, 7, 10);
    await confirm.execute({ actor: kit.admin, id: fits.id });
    await expect(confirm.execute({ actor: kit.admin, id: tooMany.id })).rejects.toMatchObject({
      code: 'capacity_exceeded',
    });
    await expect(confirm.execute({ actor: kit.admin, id: 999 })).rejects.toMatchObject({ code: 'not_found' });
    await keyedAnswer(confirm.execute({ actor: kit.admin, id: keyed.id }, once('k1')));
    await keyedAnswer(confirm.execute({ actor: kit.admin, id: keyed.id }, once('k1')));
    await keyedAnswer(confirm.execute({ actor: kit.admin, id: tooMany.id }, once('k2')));
    await expect(confirm.execute({ actor: kit.alice, id: fits.id })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(metrics.confirmations).toEqual([
      'confirmed',
      'capacity_exceeded',
      'not_found',
      'confirmed',
      'capacity_exceeded',
    ]);
    expect(metrics.batches.every((size) => size >= 1)).toBe(true);
  });

  it('reports the size of each batch of confirmations that arrive together', async () => {
    const { kit, metrics, deps } = await setUp();
    const confirm = actions.confirmReservation(deps);
    const booked = [];
    for (let i = 0; i < 10; i++) booked.push(await kit.book(kit.alice, i, i + 1, 1));
    await Promise.all(booked.map((r) => confirm.execute({ actor: kit.admin, id: r.id })));
    expect(metrics.batches).toEqual([1, 9]);
    expect(metrics.confirmations).toEqual(Array(10).fill('confirmed'));
  });

  it('counts bulk confirmations per id, capacity refusals of bookings, and admissions', async () => {
    const { kit, metrics, deps } = await setUp();
    const a = await kit.book(kit.alice, 0, 1, 70);
    const b = await kit.book(kit.alice, 0, 1, 70);
    await actions.bulkConfirmReservations(deps).execute({ actor: kit.admin, ids: [a.id, b.id, 12345] });
    expect(metrics.confirmations).toEqual(['confirmed', 'capacity_exceeded', 'not_found']);
    expect(metrics.batches).toEqual([3]);
    const create = actions.createReservation(deps);
    await expect(
      create.execute({
        actor: kit.alice,
        draft: { reservationName: 'x', start: a.start, end: a.end, numberOfPeople: 40 },
      }),
    ).rejects.toMatchObject({ code: 'capacity_exceeded' });
    expect(metrics.bookingRefusals).toBe(1);
    await actions.admitReservations(deps).execute({
      actor: kit.admin,
      startDate: '2026-12-10',
      endDate: '2026-12-10',
      rejectRest: true,
    });
    expect(metrics.admissions).toEqual([{ confirmed: 0, rejected: 1, leftPending: 0, complete: true }]);
  });
});
