import { describe, expect, expectTypeOf, it } from 'vitest';
import { createExamReservationClient, type paths, type Reservation } from './index.js';
import type { components } from './schema.js';

/*
 * The ids a client holds are numbers (`Reservation.id`, `Webhook.id`), and the
 * `{id}` of a path must take them as they are, with no `String(…)`. The
 * document says so (the server reads the segment as strict decimal text, but
 * documents it as an integer); these types check it, for every `{id}` path
 * the document has now or gets later. The type checks run in `tsc -b`
 * (tsconfig.test.json); the calls below also run, against a fake fetch.
 */

/** Every path of the document with an `{id}` in it. */
type IdPath = Extract<keyof paths, `${string}{id}${string}`>;

/** The `{id}` type of each operation of `P`, by method (`never` for the methods `P` lacks). */
type PathIdsOf<P extends IdPath> = {
  [M in keyof paths[P]]-?: [paths[P][M]] extends [never]
    ? never
    : paths[P][M] extends { parameters: { path: { id: infer Id } } }
      ? Id
      : never;
};

/** Every `{id}` type, one per operation: `'/reservations/{id}' | 'get'` → its `{id}`. */
type OperationIds = { [P in IdPath]: { [M in keyof PathIdsOf<P>]: PathIdsOf<P>[M] } };

/**
 * The operations whose `{id}` does not take an `Id`, as `'get /reservations/{id}'`;
 * `never` when all take it. Checked one operation at a time, so that one
 * method cannot stand in for another of the same path.
 */
type Refusing<Id, Paths extends IdPath = IdPath> = {
  [P in Paths]: {
    [M in keyof OperationIds[P] & string]: [OperationIds[P][M]] extends [never]
      ? never
      : [Id] extends [OperationIds[P][M]]
        ? never
        : `${M} ${P}`;
  }[keyof OperationIds[P] & string];
}[Paths];

/** Every operation on an `{id}` path, as `'get /reservations/{id}'`. */
type IdOperation = {
  [P in IdPath]: {
    [M in keyof OperationIds[P] & string]: [OperationIds[P][M]] extends [never] ? never : `${M} ${P}`;
  }[keyof OperationIds[P] & string];
}[IdPath];

type WebhookPath = Extract<IdPath, `/webhooks/${string}`>;
type UserPath = Extract<IdPath, `/users/${string}`>;
type ReservationPath = Exclude<IdPath, WebhookPath | UserPath>;

describe('path ids (types)', () => {
  it('covers the {id} operations there are', () => {
    // Not vacuous: the helper types find every operation. A new `{id}` operation is checked
    // below without changing this file; this list only proves the helpers still look.
    expectTypeOf<IdOperation>().toEqualTypeOf<
      | 'get /reservations/{id}'
      | 'patch /reservations/{id}'
      | 'delete /reservations/{id}'
      | 'post /reservations/{id}/confirm'
      | 'post /reservations/{id}/reject'
      | 'get /reservations/{id}/history'
      | 'post /reservations/{id}/cancel'
      | 'delete /webhooks/{id}'
      | 'get /webhooks/{id}/deliveries'
      | 'patch /users/{id}'
      | 'post /users/{id}/unlock'
    >();
  });

  it("takes a Reservation['id'] on every reservation {id}, a Webhook['id'] on every webhook one, a User['id'] on every user one", () => {
    expectTypeOf<Refusing<Reservation['id'], ReservationPath>>().toEqualTypeOf<never>();
    expectTypeOf<Refusing<components['schemas']['Webhook']['id'], WebhookPath>>().toEqualTypeOf<never>();
    expectTypeOf<Refusing<components['schemas']['User']['id'], UserPath>>().toEqualTypeOf<never>();
  });

  it('takes a number literal on every {id}, and not the text of one', () => {
    expectTypeOf<Refusing<1>>().toEqualTypeOf<never>();
    expectTypeOf<Refusing<2147483647>>().toEqualTypeOf<never>();
    expectTypeOf<Refusing<'1'>>().toEqualTypeOf<IdOperation>();
  });
});

describe('path ids (calls)', () => {
  it('puts a number id into the URL as its decimal digits', async () => {
    const urls: string[] = [];
    const api = createExamReservationClient({
      baseUrl: 'http://api.test',
      fetch: async (request) => {
        urls.push(request.url);
        return Response.json({}, { status: 200 });
      },
    });
    const reservation = { id: 2147483647 } as Reservation;
    await api.api.GET('/reservations/{id}', { params: { path: { id: 1 } } });
    await api.api.POST('/reservations/{id}/confirm', { params: { path: { id: reservation.id } } });
    await api.api.GET('/reservations/{id}/history', { params: { path: { id: 42 } } });
    await api.api.GET('/webhooks/{id}/deliveries', { params: { path: { id: 7 } } });
    // @ts-expect-error the document's {id} is an integer: the text of one is refused
    await api.api.GET('/reservations/{id}', { params: { path: { id: '1' } } });
    expect(urls).toEqual([
      'http://api.test/reservations/1',
      'http://api.test/reservations/2147483647/confirm',
      'http://api.test/reservations/42/history',
      'http://api.test/webhooks/7/deliveries',
      'http://api.test/reservations/1',
    ]);
  });
});
