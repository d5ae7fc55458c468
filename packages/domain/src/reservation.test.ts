import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingPolicy } from './booking-policy.js';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from './errors.js';
import {
  type Actor,
  assertCanRead,
  cancel,
  confirm,
  confirmedLoadDelta,
  newReservation,
  type Reservation,
  type ReservationStatus,
  rangeOf,
  reject,
  update,
  validateReason,
} from './reservation.js';
import { SlotGrid } from './slot-grid.js';
import { parseRequestTime } from './time-zone.js';

const SEOUL = 'Asia/Seoul';
const policy = bookingPolicy();
const grid = policy.grid;
const local = (text: string): number => parseRequestTime(text, SEOUL, 'time');
/** 2026-12-01 09:00 in Seoul: bookable from 2026-12-04 00:00. */
const NOW = local('2026-12-01 09:00');
const LATER = NOW + 60_000;

const owner: Actor = { userId: 7, role: 'user' };
const stranger: Actor = { userId: 8, role: 'user' };
const admin: Actor = { userId: 1, role: 'admin' };

function reservation(fields: Partial<Reservation> = {}): Reservation {
  return {
    id: 1,
    userId: owner.userId,
    reservationName: 'Mock exam',
    start: local('2026-12-10 09:00'),
    end: local('2026-12-10 10:00'),
    numberOfPeople: 100,
    status: 'pending',
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 3_600_000,
    ...fields,
  };
}

/** What `fn` throws; fails the test when it throws nothing. */
function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected an error to be thrown');
}

function validationPaths(fn: () => unknown): string[] {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe('validation_error');
  return (error as ValidationError).errors.map((e) => e.path);
}

function expectInvalidState(fn: () => unknown, status: ReservationStatus, action: string): void {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(InvalidStateError);
  expect(error).toMatchObject({ code: 'invalid_state', status, action });
}

function expectNotFound(fn: () => unknown): void {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(NotFoundError);
  expect((error as NotFoundError).code).toBe('not_found');
}

describe('assertCanRead', () => {
  it('lets the owner and admins read', () => {
    expect(() => assertCanRead(owner, reservation())).not.toThrow();
    expect(() => assertCanRead(admin, reservation())).not.toThrow();
  });

  it('tells anyone else the reservation does not exist', () => {
    expectNotFound(() => assertCanRead(stranger, reservation()));
  });
});

describe('confirm', () => {
  it('is for admins only: a user, even the owner, gets ForbiddenError', () => {
    for (const actor of [owner, stranger]) {
      const error = errorOf(() => confirm(actor, reservation(), LATER));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).code).toBe('forbidden');
    }
  });

  it('moves pending to confirmed and stamps updatedAt', () => {
    const before = reservation();
    const t = confirm(admin, before, LATER);
    expect(t.changed).toBe(true);
    expect(t.before).toBe(before);
    expect(t.after).toEqual({ ...before, status: 'confirmed', updatedAt: LATER });
    expect(before.status).toBe('pending');
  });

  it('is a no-op on a confirmed reservation', () => {
    const before = reservation({ status: 'confirmed' });
    const t = confirm(admin, before, LATER);
    expect(t.changed).toBe(false);
    expect(t.after).toBe(before);
    expect(t.after.updatedAt).toBe(before.updatedAt);
  });

  it('refuses a cancelled reservation with invalid_state', () => {
    expectInvalidState(
      () => confirm(admin, reservation({ status: 'cancelled' }), LATER),
      'cancelled',
      'confirm',
    );
  });
});

describe('reject', () => {
  it('moves pending to rejected and stamps updatedAt; the reason is optional', () => {
    const before = reservation();
    for (const reason of [undefined, 'the room is full']) {
      const t = reject(admin, before, LATER, reason);
      expect(t.changed).toBe(true);
      expect(t.after).toEqual({ ...before, status: 'rejected', updatedAt: LATER });
    }
    expect(before.status).toBe('pending');
  });

  it('is for admins only, checked before the reason and the status', () => {
    for (const actor of [owner, stranger]) {
      const error = errorOf(() => reject(actor, reservation({ status: 'confirmed' }), LATER, ''));
      expect(error).toBeInstanceOf(ForbiddenError);
    }
  });

  it('refuses a reason that is empty, over 500 characters, or holds a NUL or an unpaired surrogate', () => {
    for (const reason of ['', 'x'.repeat(501), 'a\0b', 'broken \uD800 pair', '\uDC00 reversed \uD800']) {
      expect(validationPaths(() => reject(admin, reservation(), LATER, reason))).toEqual(['reason']);
    }
  });

  it('counts the reason in characters: 500 emoji (1,000 UTF-16 units) are allowed', () => {
    expect(() => validateReason('😀'.repeat(500))).not.toThrow();
    expect(() => validateReason('x'.repeat(500))).not.toThrow();
    expect(() => validateReason('line one\nline two\t✓')).not.toThrow();
    expect(validationPaths(() => validateReason('😀'.repeat(501)))).toEqual(['reason']);
  });
});

describe('cancel', () => {
  it('lets the owner cancel a pending reservation', () => {
    const t = cancel(owner, reservation(), LATER);
    expect(t.changed).toBe(true);
    expect(t.after.status).toBe('cancelled');
    expect(t.after.updatedAt).toBe(LATER);
  });

  it('refuses the owner cancelling a confirmed reservation with invalid_state', () => {
    expectInvalidState(
      () => cancel(owner, reservation({ status: 'confirmed' }), LATER),
      'confirmed',
      'cancel',
    );
  });

  it('lets an admin cancel a pending or confirmed reservation of anyone', () => {
    for (const status of ['pending', 'confirmed'] as const) {
      const t = cancel(admin, reservation({ status }), LATER);
      expect(t.changed).toBe(true);
      expect(t.after.status).toBe('cancelled');
    }
  });

  it('is a no-op on a cancelled reservation, for the owner and for an admin', () => {
    for (const actor of [owner, admin]) {
      const before = reservation({ status: 'cancelled' });
      const t = cancel(actor, before, LATER);
      expect(t.changed).toBe(false);
      expect(t.after).toBe(before);
    }
  });

  it('tells another user the reservation does not exist, whatever its status', () => {
    for (const status of ['pending', 'confirmed', 'cancelled'] as const) {
      expectNotFound(() => cancel(stranger, reservation({ status }), LATER));
    }
  });
});

describe('update', () => {
  it('refuses an empty patch with validation_error', () => {
    expect(validationPaths(() => update(owner, reservation(), {}, policy, LATER))).toHaveLength(1);
    expect(
      validationPaths(() =>
        update(admin, reservation(), { start: undefined, end: undefined }, policy, LATER),
      ),
    ).toHaveLength(1);
  });

  it('lets the owner change a pending reservation', () => {
    const before = reservation();
    const t = update(
      owner,
      before,
      { reservationName: 'Final exam', start: local('2026-12-11 13:00'), end: local('2026-12-11 15:30') },
      policy,
      LATER,
    );
    expect(t.changed).toBe(true);
    expect(t.after).toEqual({
      ...before,
      reservationName: 'Final exam',
      start: local('2026-12-11 13:00'),
      end: local('2026-12-11 15:30'),
      updatedAt: LATER,
    });
  });

  it('refuses the owner changing a confirmed or cancelled reservation with invalid_state', () => {
    expectInvalidState(
      () => update(owner, reservation({ status: 'confirmed' }), { numberOfPeople: 5 }, policy, LATER),
      'confirmed',
      'update',
    );
    expectInvalidState(
      () => update(owner, reservation({ status: 'cancelled' }), { numberOfPeople: 5 }, policy, LATER),
      'cancelled',
      'update',
    );
  });

  it('lets an admin change a pending or confirmed reservation, keeping its status', () => {
    for (const status of ['pending', 'confirmed'] as const) {
      const t = update(admin, reservation({ status }), { numberOfPeople: 5 }, policy, LATER);
      expect(t.changed).toBe(true);
      expect(t.after.numberOfPeople).toBe(5);
      expect(t.after.status).toBe(status);
      expect(t.after.userId).toBe(owner.userId);
    }
  });

  it('refuses an admin changing a cancelled reservation with invalid_state', () => {
    expectInvalidState(
      () => update(admin, reservation({ status: 'cancelled' }), { numberOfPeople: 5 }, policy, LATER),
      'cancelled',
      'update',
    );
  });

  it('tells another user the reservation does not exist', () => {
    expectNotFound(() => update(stranger, reservation(), { numberOfPeople: 5 }, policy, LATER));
  });

  it('a patch that changes nothing is not a change', () => {
    const before = reservation();
    const t = update(owner, before, { numberOfPeople: 100, reservationName: 'Mock exam' }, policy, LATER);
    expect(t.changed).toBe(false);
    expect(t.after).toBe(before);
  });

  describe('validates the result', () => {
    const patchPaths = (patch: Parameters<typeof update>[2]) =>
      validationPaths(() => update(admin, reservation(), patch, policy, LATER));

    it('refuses times off the grid', () => {
      expect(patchPaths({ start: local('2026-12-10 09:05') })).toEqual(['start']);
      expect(patchPaths({ end: local('2026-12-10 10:01') })).toEqual(['end']);
      expect(patchPaths({ end: local('2026-12-10 10:00') + 1 })).toEqual(['end']);
    });

    it('refuses start >= end, including a new start after the old end', () => {
      expect(patchPaths({ end: local('2026-12-10 09:00') })).toEqual(['end']);
      expect(patchPaths({ start: local('2026-12-10 11:00') })).toEqual(['end']);
    });

    it('refuses a start before the lead-time boundary', () => {
      const end = local('2026-12-04 10:00');
      expect(patchPaths({ start: local('2026-12-03 23:50'), end })).toEqual(['start']);
      expect(
        update(admin, reservation(), { start: local('2026-12-04 00:00'), end }, policy, LATER).after.start,
      ).toBe(local('2026-12-04 00:00'));
    });

    it('refuses a result longer than maxReservationHours', () => {
      expect(patchPaths({ end: local('2026-12-11 10:00') })).toEqual(['end']);
      expect(update(admin, reservation(), { end: local('2026-12-11 09:00') }, policy, LATER).changed).toBe(
        true,
      );
    });

    it('refuses people outside 1..capacity', () => {
      expect(patchPaths({ numberOfPeople: 0 })).toEqual(['number_of_people']);
      expect(patchPaths({ numberOfPeople: 50_001 })).toEqual(['number_of_people']);
      expect(patchPaths({ numberOfPeople: 2.5 })).toEqual(['number_of_people']);
      expect(
        update(admin, reservation(), { numberOfPeople: 50_000 }, policy, LATER).after.numberOfPeople,
      ).toBe(50_000);
    });

    it('refuses an empty or too long name', () => {
      expect(patchPaths({ reservationName: '' })).toEqual(['reservation_name']);
      expect(patchPaths({ reservationName: '   ' })).toEqual(['reservation_name']);
      expect(patchPaths({ reservationName: 'x'.repeat(101) })).toEqual(['reservation_name']);
    });

    it('checks the whole result even when the patch touches one field', () => {
      // A reservation that has fallen inside the lead time can no longer be changed.
      const old = reservation({ start: local('2026-12-02 09:00'), end: local('2026-12-02 10:00') });
      expect(
        validationPaths(() => update(admin, old, { reservationName: 'Renamed' }, policy, LATER)),
      ).toEqual(['start']);
    });
  });
});

describe('newReservation', () => {
  const draft = {
    reservationName: 'Mock exam',
    start: local('2026-12-10 09:00'),
    end: local('2026-12-10 10:00'),
    numberOfPeople: 30,
  };

  it('makes a pending reservation owned by the actor, stamped now', () => {
    expect(newReservation(owner, draft, policy, NOW)).toEqual({
      userId: owner.userId,
      ...draft,
      status: 'pending',
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('refuses a draft that breaks a booking rule', () => {
    expect(
      validationPaths(() => newReservation(owner, { ...draft, numberOfPeople: 0 }, policy, NOW)),
    ).toEqual(['number_of_people']);
    expect(
      validationPaths(() =>
        newReservation(
          owner,
          { ...draft, start: local('2026-12-03 09:00'), end: local('2026-12-03 10:00') },
          policy,
          NOW,
        ),
      ),
    ).toEqual(['start']);
  });
});

describe('rangeOf', () => {
  it('is the reservation’s [start, end)', () => {
    const r = rangeOf(reservation());
    expect(r.start).toBe(local('2026-12-10 09:00'));
    expect(r.end).toBe(local('2026-12-10 10:00'));
  });
});

describe('confirmedLoadDelta', () => {
  const slot = (hm: string): number => local(`2026-12-10 ${hm}`);

  it('an admin moving a confirmed reservation: old slots negative, new slots positive, overlap nets out', () => {
    const before = reservation({ status: 'confirmed', numberOfPeople: 100 });
    const after = { ...before, start: slot('09:30'), end: slot('10:30') };
    expect(confirmedLoadDelta(before, after, grid)).toEqual([
      { slotStart: slot('09:00'), delta: -100 },
      { slotStart: slot('09:10'), delta: -100 },
      { slotStart: slot('09:20'), delta: -100 },
      { slotStart: slot('10:00'), delta: 100 },
      { slotStart: slot('10:10'), delta: 100 },
      { slotStart: slot('10:20'), delta: 100 },
    ]);
  });

  it('a change of people on the overlap is the difference', () => {
    const before = reservation({ status: 'confirmed', numberOfPeople: 100 });
    const after = { ...before, start: slot('09:40'), end: slot('10:10'), numberOfPeople: 150 };
    expect(confirmedLoadDelta(before, after, grid)).toEqual([
      { slotStart: slot('09:00'), delta: -100 },
      { slotStart: slot('09:10'), delta: -100 },
      { slotStart: slot('09:20'), delta: -100 },
      { slotStart: slot('09:30'), delta: -100 },
      { slotStart: slot('09:40'), delta: 50 },
      { slotStart: slot('09:50'), delta: 50 },
      { slotStart: slot('10:00'), delta: 150 },
    ]);
  });

  it('is in ascending slot order even when the reservation moves earlier', () => {
    const before = reservation({ status: 'confirmed', start: slot('10:00'), end: slot('10:30') });
    const after = { ...before, start: slot('09:30'), end: slot('10:10') };
    expect(confirmedLoadDelta(before, after, grid)).toEqual([
      { slotStart: slot('09:30'), delta: 100 },
      { slotStart: slot('09:40'), delta: 100 },
      { slotStart: slot('09:50'), delta: 100 },
      { slotStart: slot('10:10'), delta: -100 },
      { slotStart: slot('10:20'), delta: -100 },
    ]);
  });

  it('confirming adds the load of every slot, not the end slot', () => {
    const t = confirm(admin, reservation(), LATER);
    const deltas = confirmedLoadDelta(t.before, t.after, grid);
    expect(deltas.map((d) => d.slotStart)).toEqual(grid.slotsOf(rangeOf(t.after)));
    expect(deltas.every((d) => d.delta === 100)).toBe(true);
    expect(deltas).toHaveLength(6);
  });

  it('cancelling a confirmed reservation frees its load; a pending one changes nothing', () => {
    const confirmed = cancel(admin, reservation({ status: 'confirmed' }), LATER);
    const freed = confirmedLoadDelta(confirmed.before, confirmed.after, grid);
    expect(freed).toHaveLength(6);
    expect(freed.every((d) => d.delta === -100)).toBe(true);
    const pending = cancel(owner, reservation(), LATER);
    expect(confirmedLoadDelta(pending.before, pending.after, grid)).toEqual([]);
  });

  it('omits zeros: an unmoved confirmed reservation or an update of a pending one has no delta', () => {
    const confirmed = reservation({ status: 'confirmed' });
    expect(confirmedLoadDelta(confirmed, { ...confirmed, reservationName: 'Renamed' }, grid)).toEqual([]);
    const pending = reservation();
    expect(confirmedLoadDelta(pending, { ...pending, start: slot('08:00') }, grid)).toEqual([]);
  });

  it('accepts null for no reservation before or after', () => {
    const confirmed = reservation({ status: 'confirmed', start: slot('09:00'), end: slot('09:20') });
    expect(confirmedLoadDelta(null, confirmed, grid)).toEqual([
      { slotStart: slot('09:00'), delta: 100 },
      { slotStart: slot('09:10'), delta: 100 },
    ]);
    expect(confirmedLoadDelta(confirmed, null, grid)).toEqual([
      { slotStart: slot('09:00'), delta: -100 },
      { slotStart: slot('09:10'), delta: -100 },
    ]);
    expect(confirmedLoadDelta(null, null, grid)).toEqual([]);
  });

  it('confirmed load delta is load(after) − load(before), slot by slot, ascending, without zeros', () => {
    const g = new SlotGrid(10);
    const base = slot('09:00');
    const reservations = fc
      .record({
        status: fc.constantFrom<ReservationStatus>('pending', 'confirmed', 'cancelled', 'rejected'),
        from: fc.integer({ min: 0, max: 20 }),
        length: fc.integer({ min: 1, max: 10 }),
        people: fc.integer({ min: 1, max: 5 }),
      })
      .map(({ status, from, length, people }) =>
        reservation({
          status,
          start: base + from * g.slotMs,
          end: base + (from + length) * g.slotMs,
          numberOfPeople: people,
        }),
      );
    const loadOf = (r: Reservation | null): Map<number, number> =>
      new Map(r?.status === 'confirmed' ? g.slotsOf(rangeOf(r)).map((s) => [s, r.numberOfPeople]) : []);
    fc.assert(
      fc.property(fc.option(reservations), fc.option(reservations), (before, after) => {
        const deltas = confirmedLoadDelta(before, after, g);
        const old = loadOf(before);
        const next = loadOf(after);
        const expected = [...new Set([...old.keys(), ...next.keys()])]
          .sort((a, b) => a - b)
          .map((s) => ({ slotStart: s, delta: (next.get(s) ?? 0) - (old.get(s) ?? 0) }))
          .filter((d) => d.delta !== 0);
        expect(deltas).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
