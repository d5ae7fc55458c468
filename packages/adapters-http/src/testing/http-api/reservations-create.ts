import { describe, expect, it } from 'vitest';
import { bookableDay, expectFieldError, expectProblem, type MakeStore, useHttpApi } from './fixtures.js';

/** POST /reservations. */
export function describeReservationsCreate(makeStore: MakeStore): void {
  describe('POST /reservations', () => {
    const { http, signUp, signUpAdmin, book, bookOk } = useHttpApi(makeStore);

    it('books a pending reservation: 201, Location, times in the zone offset', async () => {
      const user = await signUp();
      const D = bookableDay(5);
      const res = await book(user.token, {
        reservation_name: 'JLPT N2',
        start: `${D}T00:00:00Z`,
        end: `${D} 10:00`,
        number_of_people: 1,
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        user_id: user.id,
        reservation_name: 'JLPT N2',
        start_time: `${D}T09:00:00+09:00`,
        end_time: `${D}T10:00:00+09:00`,
        number_of_people: 1,
        status: 'pending',
        created_at: '2026-11-20T12:00:00+09:00',
        updated_at: '2026-11-20T12:00:00+09:00',
      });
      expect(res.headers.location).toBe(`/reservations/${res.body.id}`);
    });

    it.each([
      ['start', { start: '2026-12-01 10:05' }],
      ['start', { start: '2026-02-30 10:00' }],
      ['start', { start: '2026-12-01T10:00:00' }],
      ['start', { start: 'tomorrow' }],
      ['end', { start: '2026-12-01 11:00', end: '2026-12-01 11:00' }],
      ['end', { start: '2026-12-01 12:00', end: '2026-12-01 11:00' }],
      ['start', { start: '2026-11-22 23:50', end: '2026-11-23 01:00' }],
      ['number_of_people', { number_of_people: 0 }],
      ['number_of_people', { number_of_people: 50_001 }],
      ['number_of_people', { number_of_people: 1.5 }],
      ['number_of_people', { number_of_people: '10' }],
      ['reservation_name', { reservation_name: '' }],
      ['reservation_name', { reservation_name: 'x'.repeat(101) }],
      ['reservation_name', { reservation_name: 'TOEIC\u0000' }],
      ['reservation_name', { reservation_name: 'TOEIC\u001b[2J' }],
      ['reservation_name', { reservation_name: 'TOEIC \ud800' }],
      ['reservation_name', { reservation_name: ' \u3000\t' }],
      ['role', { role: 'admin' }],
      ['end', { start: '2026-12-01 10:00', end: '2026-12-02 10:10' }],
      ['end', { start: '2027-01-01 00:00', end: '9999-12-30 00:00' }],
      ['start', { start: '0001-01-01 00:00', end: '2026-12-01 11:00' }],
      ['end', { start: '2026-12-01 10:00', end: '9999-12-31T00:00:00Z' }],
      ['start', { start: '1969-12-31T23:50:00Z' }],
    ])('refuses a bad %s with 400 and books nothing', async (path, override) => {
      const user = await signUp();
      const res = await book(user.token, {
        start: '2026-12-01 10:00',
        end: '2026-12-01 11:00',
        ...override,
      });
      expectFieldError(res, path);
      const list = await http().get('/reservations').auth(user.token, { type: 'bearer' });
      expect(list.headers['x-total-count']).toBe('0');
    });

    it('refuses a body missing a field, naming it', async () => {
      const user = await signUp();
      const res = await http()
        .post('/reservations')
        .auth(user.token, { type: 'bearer' })
        .send({ reservation_name: 'T', start: '2026-12-01 10:00', end: '2026-12-01 11:00' });
      expectFieldError(res, 'number_of_people');
    });

    it('says in plain words what is wrong and what is allowed, not in the validator’s terms', async () => {
      const user = await signUp();
      const res = await http()
        .post('/reservations')
        .auth(user.token, { type: 'bearer' })
        .send({ reservation_name: 7, end: 42, number_of_people: 2.5 });
      expectProblem(res, 400, 'validation_error');
      expect(res.body.errors).toEqual([
        { path: 'reservation_name', message: 'must be text' },
        { path: 'start', message: 'required (a time, YYYY-MM-DD HH:MM, or ISO 8601 with an offset)' },
        { path: 'end', message: 'must be a time, YYYY-MM-DD HH:MM, or ISO 8601 with an offset' },
        { path: 'number_of_people', message: 'must be a whole number' },
      ]);
      // A string the schema lets through is read by the domain, which says it in the same words.
      const word = await book(user.token, {
        reservation_name: 'T',
        start: 'tomorrow',
        end: '2026-12-01 11:00',
        number_of_people: 1,
      });
      expect(word.body.errors).toEqual([
        { path: 'start', message: 'must be a time, YYYY-MM-DD HH:MM, or ISO 8601 with an offset' },
      ]);
      expect(res.body.detail).not.toMatch(/Invalid input|expected \w+, received|Too (big|small)/);
      // A name too long says the name's rule, whether the domain or the transport's cap refuses it.
      for (const length of [101, 1025]) {
        const long = await book(user.token, {
          reservation_name: 'n'.repeat(length),
          start: `${bookableDay(50)} 10:00`,
          end: `${bookableDay(50)} 11:00`,
        });
        expect(long.body.errors, String(length)).toEqual([
          { path: 'reservation_name', message: 'must be 1–100 characters' },
        ]);
      }
    });

    it('accepts a reservation of exactly MAX_RESERVATION_HOURS (24), across midnight', async () => {
      const user = await signUp();
      const res = await book(user.token, {
        start: `${bookableDay(50)} 10:00`,
        end: `${bookableDay(51)} 10:00`,
      });
      expect(res.status).toBe(201);
    });

    it('refuses a body that is not JSON, or cannot be decoded, with 400 problem+json', async () => {
      const user = await signUp();
      const fields = JSON.stringify({
        reservation_name: 'T',
        start: '2026-12-01 10:00',
        end: '2026-12-01 11:00',
        number_of_people: 1,
      });
      const post = () => http().post('/reservations').auth(user.token, { type: 'bearer' });
      expectProblem(await post().set('Content-Type', 'text/plain').send(fields), 400, 'validation_error');
      for (const encoding of ['gzip', 'deflate', 'br', 'compress', 'x-unknown']) {
        expectProblem(
          await post().set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(fields),
          400,
          'validation_error',
        );
      }
      const list = await http().get('/reservations').auth(user.token, { type: 'bearer' });
      expect(list.headers['x-total-count']).toBe('0');
    });

    it('accepts a reservation that starts exactly at the lead-time boundary', async () => {
      const user = await signUp();
      const res = await book(user.token, { start: '2026-11-23 00:00', end: '2026-11-23 00:10' });
      expect(res.status).toBe(201);
    });

    it('names the first bookable instant, with its offset, when the lead time is not met', async () => {
      const user = await signUp();
      const res = await book(user.token, { start: '2026-11-22 23:50', end: '2026-11-23 01:00' });
      expectProblem(res, 400, 'validation_error');
      const message =
        'must be on or after 2026-11-23T00:00:00+09:00 (the first bookable instant: 00:00 in Asia/Seoul, 3 days from today)';
      expect(res.body.errors).toEqual([{ path: 'start', message }]);
      expect(res.body.detail).toBe(`start: ${message}`);
      expect(res.body.first_bookable).toBe('2026-11-23T00:00:00+09:00');
      // Only a lead-time refusal carries it.
      const other = await book(user.token, { number_of_people: 0 });
      expectProblem(other, 400, 'validation_error');
      expect(other.body).not.toHaveProperty('first_bookable');
    });

    it('answers 409 capacity_exceeded when the confirmed load leaves no room', async () => {
      const D = bookableDay(6);
      const user = await signUp();
      const admin = await signUpAdmin();
      const { id } = await bookOk(user.token, D, '10:00', '11:00', 45_000);
      await http().post(`/reservations/${id}/confirm`).auth(admin.token, { type: 'bearer' }).expect(200);
      const res = await book(user.token, {
        start: `${D} 10:50`,
        end: `${D} 12:00`,
        number_of_people: 5_001,
      });
      expectProblem(res, 409, 'capacity_exceeded');
      const fits = await book(user.token, {
        start: `${D} 10:50`,
        end: `${D} 12:00`,
        number_of_people: 5_000,
      });
      expect(fits.status).toBe(201);
    });
  });
}
