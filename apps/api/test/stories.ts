import { expect } from 'vitest';

/** A date `days` from now in Seoul, as YYYY-MM-DD. */
export function seoulDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/** One call of {@link jsonClient}: status, headers and the parsed body. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
  readonly body: any;
}

export type Call = (
  method: string,
  path: string,
  options?: { token?: string; body?: unknown },
) => Promise<Answer>;

/** A tiny JSON client for the API at `origin` (one process, or a load balancer in front of several). */
export function jsonClient(origin: string): Call {
  return async (method, path, options = {}) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

/**
 * The whole story of one candidate, checked step by step: register, log in,
 * see a free day, book (pending: the day stays free), an admin confirms (the
 * hour shows 10,000 fewer places), the candidate may not cancel a confirmed
 * booking, the admin may (the day is free again). Needs an API that reads
 * schedules live (SCHEDULE_MAX_STALENESS_MS=0) and an admin account.
 */
export async function userStory(
  call: Call,
  options: { email: string; admin: { email: string; password: string }; daysAhead: number },
): Promise<void> {
  const day = seoulDate(options.daysAhead);
  const nextDay = seoulDate(options.daysAhead + 1);
  const wholeDay = [
    { start: `${day}T00:00:00+09:00`, end: `${nextDay}T00:00:00+09:00`, available_capacity: 50_000 },
  ];

  const registered = await call('POST', '/users/register', {
    body: { email: options.email, password: 'password-1', user_name: 'Kim' },
  });
  expect(registered.status).toBe(201);
  const login = await call('POST', '/users/login', {
    body: { email: options.email, password: 'password-1' },
  });
  expect(login.status).toBe(200);
  const user = login.body.access_token as string;

  const schedules = () => call('GET', `/reservations/schedules?start=${day}&end=${day}`, { token: user });
  expect((await schedules()).body).toEqual(wholeDay);

  const booked = await call('POST', '/reservations', {
    token: user,
    body: { reservation_name: 'TOEIC', start: `${day} 10:00`, end: `${day} 11:00`, number_of_people: 10_000 },
  });
  expect(booked.status).toBe(201);
  expect(booked.body.status).toBe('pending');
  expect((await schedules()).body).toEqual(wholeDay);

  const adminLogin = await call('POST', '/users/login', { body: options.admin });
  expect(adminLogin.status).toBe(200);
  const admin = adminLogin.body.access_token as string;
  const confirmed = await call('POST', `/reservations/${booked.body.id}/confirm`, { token: admin });
  expect(confirmed.status).toBe(200);
  expect(confirmed.body.status).toBe('confirmed');
  expect((await schedules()).body).toEqual([
    { start: `${day}T00:00:00+09:00`, end: `${day}T10:00:00+09:00`, available_capacity: 50_000 },
    { start: `${day}T10:00:00+09:00`, end: `${day}T11:00:00+09:00`, available_capacity: 40_000 },
    { start: `${day}T11:00:00+09:00`, end: `${nextDay}T00:00:00+09:00`, available_capacity: 50_000 },
  ]);

  const refused = await call('POST', `/reservations/${booked.body.id}/cancel`, { token: user });
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('invalid_state');
  const cancelled = await call('POST', `/reservations/${booked.body.id}/cancel`, { token: admin });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('cancelled');
  expect((await schedules()).body).toEqual(wholeDay);
}

/**
 * 100 pending bookings of 5,000 people for one half hour, then 100
 * confirmations at once, spread over `calls` (several processes, or one load
 * balancer): exactly 10 fit; the other 90 get 409 capacity_exceeded; the
 * schedule shows the half hour full. Needs an admin account.
 */
export async function confirmRace(
  calls: readonly Call[],
  options: { email: string; admin: { email: string; password: string }; daysAhead: number },
): Promise<void> {
  const pick = (i: number): Call => calls[i % calls.length]!;
  await pick(0)('POST', '/users/register', {
    body: { email: options.email, password: 'password-1', user_name: 'Many' },
  });
  const user = (
    await pick(1)('POST', '/users/login', { body: { email: options.email, password: 'password-1' } })
  ).body.access_token as string;
  const admin = (await pick(0)('POST', '/users/login', { body: options.admin })).body.access_token as string;
  const day = seoulDate(options.daysAhead);
  const ids: number[] = [];
  for (let i = 0; i < 100; i++) {
    const res = await pick(i)('POST', '/reservations', {
      token: user,
      body: {
        reservation_name: `exam ${i}`,
        start: `${day} 09:00`,
        end: `${day} 09:30`,
        number_of_people: 5_000,
      },
    });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  const answers = await Promise.all(
    ids.map((id, i) => pick(i)('POST', `/reservations/${id}/confirm`, { token: admin })),
  );
  expect(answers.filter((r) => r.status === 200)).toHaveLength(10);
  const refused = answers.filter((r) => r.status !== 200);
  expect(refused).toHaveLength(90);
  for (const r of refused) expect([r.status, r.body.code]).toEqual([409, 'capacity_exceeded']);
  const schedule = await pick(1)('GET', `/reservations/schedules?start=${day}&end=${day}`, { token: user });
  expect(schedule.body.map((s: { start: string }) => s.start)).not.toContain(`${day}T09:00:00+09:00`);
  expect(schedule.body[0]).toMatchObject({ end: `${day}T09:00:00+09:00`, available_capacity: 50_000 });
  expect(schedule.body[1]).toMatchObject({ start: `${day}T09:30:00+09:00`, available_capacity: 50_000 });
}
