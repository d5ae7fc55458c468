import { ForbiddenError, IdempotencyInProgressError, ValidationError } from '@exam-reservation/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admitReservations, previewAdmission } from '../composition/reservation-actions.js';
import { InMemoryStore } from '../fakes/in-memory-store.js';
import { type Metrics, NO_METRICS, type UnitOfWork } from '../ports/index.js';
import { rejectionOf } from '../testing/fixtures.js';
import { encodeAnswer, keyedAnswer } from '../testing/keyed.js';
import { NOW, useCaseKit } from '../testing/use-case-kit.js';
import type { Decided } from '../wrappers/action.js';
import type { AdmissionResult } from './admit-reservations.js';

/** The Seoul day of at(0..89). */
const DAY = '2026-12-10';

/** `store`, counting the units of work begun on it: a dry run must begin none. */
function watched(store: InMemoryStore): UnitOfWork & { units: number } {
  const watch: UnitOfWork & { units: number } = {
    units: 0,
    run(work) {
      watch.units++;
      return store.run(work);
    },
    read: (work) => store.read(work),
  };
  return watch;
}

/** Everything an admission could change: reservations, ledger, history, the webhook outbox. */
async function snapshot(store: InMemoryStore, endpointId: number) {
  const reservations = store.reservationsSnapshot().sort((a, b) => a.id - b.id);
  return {
    reservations,
    ledger: [...store.ledgerSnapshot()].sort((a, b) => a[0] - b[0]),
    history: await store.read((s) => Promise.all(reservations.map((r) => s.events.listFor(r.id)))),
    outbox: await store.read((s) => s.outbox.depth(NOW)),
    deliveries: await store.read((s) => s.webhookEndpoints.deliveries(endpointId, 10_000)),
  };
}

/** A kit over a watched in-memory store, with a webhook endpoint subscribed to every change. */
async function kitWith(options: { capacity?: number; admissionChunk?: number } = {}) {
  const store = new InMemoryStore();
  const uow = watched(store);
  const kit = await useCaseKit(uow, { capacity: options.capacity ?? 100, ...options });
  const endpoint = await store.run((s) =>
    s.webhookEndpoints.insert({
      url: 'https://hooks.example.com/in',
      events: ['reservation.confirmed', 'reservation.rejected'],
      secret: 'whsec_dGVzdA==',
      createdAt: NOW,
    }),
  );
  return { kit, store, uow, endpointId: endpoint.id };
}

/**
 * A dry run, then a real run with the same command right after: the dry run
 * began no unit of work and left everything as it was, and both answered
 * the same.
 */
async function dryThenReal(
  setup: Awaited<ReturnType<typeof kitWith>>,
  rejectRest: boolean,
  admitters = { dry: setup.kit.previewAdmit, real: setup.kit.admit },
): Promise<{ dry: AdmissionResult; real: AdmissionResult }> {
  const { kit, store, uow, endpointId } = setup;
  const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest };
  const before = await snapshot(store, endpointId);
  const units = uow.units;
  const dry = await admitters.dry.execute(command);
  expect(uow.units).toBe(units);
  expect(await snapshot(store, endpointId)).toEqual(before);
  const real = await admitters.real.execute(command);
  expect(dry).toEqual(real);
  return { dry, real };
}

describe('admission dry run (dry_run)', () => {
  it('answers what the run then does, left pending or rejected, and changes nothing', async () => {
    for (const rejectRest of [false, true]) {
      const setup = await kitWith({ capacity: 100 });
      const { kit } = setup;
      const confirmed = await kit.book(kit.alice, 0, 1, 30);
      await kit.confirm.execute({ actor: kit.admin, id: confirmed.id });
      await kit.book(kit.alice, 0, 2, 60); // fits next to the 30
      kit.clock.advance(1);
      await kit.book(kit.bob, 1, 3, 50); // does not fit next to the 60 at slot 1
      kit.clock.advance(1);
      await kit.book(kit.bob, 2, 3, 40); // fits: the 50 was left out
      await kit.book(kit.bob, 0, 1, 11); // does not fit: 30 + 60 + 11 > 100
      await kit.book(kit.alice, 200, 201, 10); // another day
      const { dry } = await dryThenReal(setup, rejectRest);
      expect(dry).toEqual(
        rejectRest
          ? { confirmed: 2, rejected: 2, leftPending: 0, complete: true }
          : { confirmed: 2, rejected: 0, leftPending: 2, complete: true },
      );
      // The real run made its changes and queued its webhooks: the snapshot above would have seen them.
      // (One message is the confirmation made before.)
      expect((await setup.store.read((s) => s.outbox.depth(NOW))).pending).toBe(1 + (rejectRest ? 4 : 2));
      // Nothing left that fits: the next dry run says so too.
      await dryThenReal(setup, rejectRest);
    }
  });

  it('carries what earlier pages admitted across pages, one reservation a page', async () => {
    const setup = await kitWith({ capacity: 100, admissionChunk: 1 });
    const { kit } = setup;
    // Each fits alone; together only the first two do, and only the page before knows it.
    await kit.book(kit.alice, 0, 2, 40);
    await kit.book(kit.bob, 1, 3, 40);
    await kit.book(kit.alice, 0, 3, 40);
    await kit.book(kit.bob, 2, 4, 20);
    const { dry } = await dryThenReal(setup, false);
    expect(dry).toEqual({ confirmed: 3, rejected: 0, leftPending: 1, complete: true });
  });

  it('property: over random queues, chunk sizes and confirmed loads, a dry run answers as the run after it', async () => {
    const specs = fc.array(
      fc.record({
        from: fc.integer({ min: 0, max: 8 }),
        length: fc.integer({ min: 1, max: 4 }),
        people: fc.integer({ min: 1, max: 60 }),
        confirmFirst: fc.boolean(),
        tick: fc.integer({ min: 0, max: 2 }),
      }),
      { minLength: 0, maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(
        specs,
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async (list, chunk, rejectRest) => {
          const setup = await kitWith({ capacity: 100, admissionChunk: chunk });
          const { kit } = setup;
          for (const spec of list) {
            kit.clock.advance(spec.tick);
            const created = await kit
              .book(spec.confirmFirst ? kit.bob : kit.alice, spec.from, spec.from + spec.length, spec.people)
              .catch(() => null);
            if (created && spec.confirmFirst) {
              await kit.confirm.execute({ actor: kit.admin, id: created.id }).catch(() => undefined);
            }
          }
          await dryThenReal(setup, rejectRest);
          // And again, over the queue the run left.
          await dryThenReal(setup, !rejectRest);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('stops after ADMISSION_MAX_MS as a run does: complete: false after the same chunk, and each repeat matches', async () => {
    for (const rejectRest of [false, true]) {
      const setup = await kitWith({ capacity: 100 });
      const { kit, uow } = setup;
      for (let i = 0; i < 9; i++) await kit.book(i % 2 ? kit.alice : kit.bob, i % 4, (i % 4) + 2, 10 + i * 3);
      // No time at all: every run, and every dry run, stops after its first chunk of 2.
      const deps = { uow, clock: kit.clock, policy: kit.policy };
      const options = { chunkSize: 2, maxMs: 0 };
      const admitters = { dry: previewAdmission(deps, options), real: admitReservations(deps, options) };
      const answers: AdmissionResult[] = [];
      for (let i = 0; i < 20; i++) {
        const { dry } = await dryThenReal(setup, rejectRest, admitters);
        answers.push(dry);
        if (dry.complete) break;
      }
      expect(answers.length).toBeGreaterThan(2);
      expect(answers.slice(0, -1).every((a) => !a.complete)).toBe(true);
      expect(answers.at(-1)?.complete).toBe(true);
    }
  });

  it('goes through while a keyed run holds its key, and leaves that run and its key as they were', async () => {
    const store = new InMemoryStore();
    // The keyed run's second unit of work (its first chunk) waits until released.
    let units = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let blocking = false;
    const uow: UnitOfWork = {
      async run(work) {
        if (blocking && ++units === 2) {
          reached();
          await held;
        }
        return store.run(work);
      },
      read: (work) => store.read(work),
    };
    const kit = await useCaseKit(uow, { capacity: 100 });
    await kit.book(kit.alice, 0, 2, 60);
    await kit.book(kit.bob, 1, 3, 50);
    await kit.book(kit.bob, 2, 3, 40);
    const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: true };
    const once = {
      key: 'admit-held',
      fingerprint: 'fp',
      render: (d: Decided<AdmissionResult>) =>
        encodeAnswer({ status: 200, headers: {}, body: JSON.stringify('ok' in d ? d.ok : d.error.code) }),
    };
    blocking = true;
    const running = keyedAnswer(kit.admit.execute(command, once));
    await waiting;
    // The key is held by the run (a keyed repeat is told so), yet a dry run answers at once.
    expect(await rejectionOf(kit.newAdmitter().execute(command, once))).toBeInstanceOf(
      IdempotencyInProgressError,
    );
    const dry = await kit.previewAdmit.execute(command);
    expect(dry).toEqual({ confirmed: 2, rejected: 1, leftPending: 0, complete: true });
    release();
    const real = await running;
    expect(real.replayed).toBe(false);
    expect(JSON.parse(real.response.body)).toEqual(dry);
    // The run stored its answer under its key, untouched by the dry run.
    const replay = await keyedAnswer(kit.newAdmitter().execute(command, once));
    expect(replay).toEqual({ ...real, replayed: true });
  });

  it('refuses a user and a bad range as a run does, before reading anything', async () => {
    const { kit } = await kitWith();
    const dry = (startDate: string, endDate: string, actor = kit.admin) =>
      kit.previewAdmit.execute({ actor, startDate, endDate, rejectRest: false });
    expect(await rejectionOf(dry(DAY, DAY, kit.alice))).toBeInstanceOf(ForbiddenError);
    expect(await rejectionOf(dry('2026-12-11', DAY))).toBeInstanceOf(ValidationError);
    expect(await rejectionOf(dry('2026-01-01', '2027-01-02'))).toBeInstanceOf(ValidationError);
  });

  it('counts nothing in the metrics, where a run counts its admission', async () => {
    const { kit, uow } = await kitWith();
    await kit.book(kit.alice, 0, 1, 10);
    const seen: string[] = [];
    const metrics: Metrics = {
      ...NO_METRICS,
      admission: () => seen.push('admission'),
      confirmation: () => seen.push('confirmation'),
      confirmationBatch: () => seen.push('confirmationBatch'),
    };
    const deps = { uow, clock: kit.clock, policy: kit.policy, metrics };
    const command = { actor: kit.admin, startDate: DAY, endDate: DAY, rejectRest: false };
    const dry = await previewAdmission(deps).execute(command);
    expect(seen).toEqual([]);
    expect(await admitReservations(deps).execute(command)).toEqual(dry);
    expect(dry.confirmed).toBe(1);
    expect(seen).toEqual(['admission']);
  });
});
