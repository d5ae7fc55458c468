import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { ApiError, createExamReservationClient, unwrap } from '@exam-reservation/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, buildOnce, startApi } from './api-process.js';

/** A date `days` from now in Seoul, as YYYY-MM-DD. */
function seoulDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

describe('@exam-reservation/client against the running API', () => {
  let database: TestDatabase;
  let api: ApiProcess;

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    api = await startApi({
      DATABASE_URL: database.url,
      JWT_SECRET: 'client-secret-client-secret-client-secret',
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'admin-password',
      SLOT_CAPACITY: '100',
    });
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('registers, logs in, books, has an admin confirm, and reads the schedule, all typed', async () => {
    const day = seoulDate(5);
    const kim = createExamReservationClient({ baseUrl: api.url });
    const admin = createExamReservationClient({ baseUrl: api.url });

    const user = await unwrap(
      kim.api.POST('/users/register', {
        body: { email: 'kim@example.com', password: 'password-1', user_name: 'Kim' },
      }),
    );
    expect(user).toMatchObject({ email: 'kim@example.com', role: 'user' });
    expect(kim.token).toBeUndefined();
    const token = await kim.login({ email: 'kim@example.com', password: 'password-1' });
    expect(kim.token).toBe(token.access_token);
    expect((await unwrap(kim.api.GET('/users/me'))).id).toBe(user.id);

    const booked = await unwrap(
      kim.api.POST('/reservations', {
        body: { reservation_name: 'TOEIC', start: `${day} 09:00`, end: `${day} 10:00`, number_of_people: 60 },
      }),
    );
    expect(booked).toMatchObject({
      status: 'pending',
      start_time: `${day}T09:00:00+09:00`,
      end_time: `${day}T10:00:00+09:00`,
    });

    // Only admins confirm: the user's try is a typed 403.
    const refused = await unwrap(
      kim.api.POST('/reservations/{id}/confirm', { params: { path: { id: booked.id } } }),
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 403, code: 'forbidden', errors: [] });

    await admin.login({ email: 'admin@example.com', password: 'admin-password' });
    const confirmed = await unwrap(
      admin.api.POST('/reservations/{id}/confirm', { params: { path: { id: booked.id } } }),
    );
    expect(confirmed.status).toBe('confirmed');
    // Filters are typed query parameters; the CSV export is read as text.
    const mine = await unwrap(
      admin.api.GET('/reservations', {
        params: { query: { user_id: user.id, status: 'confirmed,pending' } },
      }),
    );
    expect(mine.map((r) => r.id)).toEqual([booked.id]);
    const csv = await unwrap(
      admin.api.GET('/reservations/export', { params: { query: { start: day, end: day } }, parseAs: 'text' }),
    );
    expect(csv).toMatch(new RegExp(`^id,user_id,reservation_name,[^\\r]+\\r\\n${booked.id},${user.id},`));

    const schedules = await unwrap(
      kim.api.GET('/reservations/schedules', { params: { query: { start: day, end: day } } }),
    );
    const nextDay = seoulDate(6);
    expect(schedules).toEqual([
      { start: `${day}T00:00:00+09:00`, end: `${day}T09:00:00+09:00`, available_capacity: 100 },
      { start: `${day}T09:00:00+09:00`, end: `${day}T10:00:00+09:00`, available_capacity: 40 },
      { start: `${day}T10:00:00+09:00`, end: `${nextDay}T00:00:00+09:00`, available_capacity: 100 },
    ]);

    // A refusal of the rules comes back as an ApiError with the problem's fields.
    const full = await unwrap(
      kim.api.POST('/reservations', {
        body: { reservation_name: 'TOEFL', start: `${day} 09:30`, end: `${day} 10:30`, number_of_people: 50 },
      }),
    ).catch((error: unknown) => error);
    expect(full).toMatchObject({
      status: 409,
      code: 'capacity_exceeded',
      detail: `slot starting ${day}T09:30:00+09:00 has 40 places left, 50 requested`,
    });
    const invalid = await unwrap(
      kim.api.POST('/reservations', {
        body: { reservation_name: 'TOEFL', start: `${day} 09:05`, end: `${day} 10:00`, number_of_people: 1 },
      }),
    ).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_error' });
    expect((invalid as ApiError).errors.map((e) => e.path)).toContain('start');

    kim.logout();
    const anonymous = await unwrap(kim.api.GET('/users/me')).catch((error: unknown) => error);
    expect(anonymous).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});
