import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingPolicy } from './booking-policy.js';
import { TooManyChangesError } from './errors.js';
import { type Actor, assertChangesLeft } from './reservation.js';

const user: Actor = { userId: 7, role: 'user' };
const admin: Actor = { userId: 1, role: 'admin' };

describe('assertChangesLeft', () => {
  it('defaults to 100 changes per reservation', () => {
    expect(bookingPolicy().maxChangesPerReservation).toBe(100);
    expect(() => assertChangesLeft(user, 99, bookingPolicy())).not.toThrow();
    expect(() => assertChangesLeft(user, 100, bookingPolicy())).toThrow(TooManyChangesError);
  });

  it('lets a user make exactly the cap of changes, and no more', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1100), (limit, made) => {
        const policy = bookingPolicy({ maxChangesPerReservation: limit });
        let refused: unknown;
        try {
          assertChangesLeft(user, made, policy);
        } catch (error) {
          refused = error;
        }
        if (made < limit) expect(refused).toBeUndefined();
        else expect(refused).toMatchObject({ code: 'too_many_changes', limit });
      }),
    );
  });

  it('never limits an admin', () => {
    const policy = bookingPolicy({ maxChangesPerReservation: 0 });
    expect(() => assertChangesLeft(admin, 1_000_000, policy)).not.toThrow();
  });

  it('refuses a cap that is not a whole number ≥ 0', () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => bookingPolicy({ maxChangesPerReservation: bad })).toThrow(RangeError);
    }
  });
});
