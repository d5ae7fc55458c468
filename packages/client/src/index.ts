/**
 * A typed HTTP client for the exam reservation API: every route and body
 * typed from the API's OpenAPI document (openapi-typescript), calls made by
 * openapi-fetch, the bearer token kept after log-in, and error answers
 * (application/problem+json) turned into {@link ApiError}s.
 * @packageDocumentation
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';

/** A reservation as the API shows it. */
export type Reservation = components['schemas']['Reservation'];
/** A bookable stretch of time and the room left in it. */
export type Schedule = components['schemas']['Schedule'];
/** An account as the API shows it. */
export type User = components['schemas']['User'];
/** The answer to a log-in. */
export type Token = components['schemas']['Token'];
/** The body of every error answer (RFC 9457). */
export type Problem = components['schemas']['Problem'];
/** A stable error code of the API. */
export type ProblemCode = Problem['code'];
/** One offending field of a `validation_error`. */
export type FieldError = NonNullable<Problem['errors']>[number];

/**
 * An error answer of the API. `code` is the API's stable code
 * (`capacity_exceeded`, `validation_error`, …), or `http_error` when the
 * answer was not a problem document (a proxy's error page, say).
 */
export class ApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The API's error code. */
  readonly code: ProblemCode | 'http_error';
  /** What went wrong, for a person. */
  readonly detail: string;
  /** For `validation_error`: one entry per offending field; else empty. */
  readonly errors: readonly FieldError[];
  /** The whole problem document, when there was one. */
  readonly problem: Problem | undefined;

  constructor(status: number, body: unknown) {
    const problem = isProblem(body) ? body : undefined;
    const detail = problem?.detail ?? `HTTP ${status}`;
    super(`${status} ${problem?.code ?? 'http_error'}: ${detail}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code ?? 'http_error';
    this.detail = detail;
    this.errors = problem?.errors ?? [];
    this.problem = problem;
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { code, detail, status } = body as Record<string, unknown>;
  return typeof code === 'string' && typeof detail === 'string' && typeof status === 'number';
}

/**
 * The data of a successful call, or an {@link ApiError} thrown for an error
 * answer: `const r = await unwrap(client.api.POST('/reservations', { body }))`.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, error);
  return data as T;
}

/** How to reach the API. */
export interface ExamReservationClientOptions {
  /** The API's origin, e.g. `http://localhost:8000`. */
  readonly baseUrl: string;
  /** A `fetch` to call through (tests, proxies); the global one by default. */
  readonly fetch?: ClientOptions['fetch'];
  /** A token to start with (one from an earlier log-in). */
  readonly token?: string;
}

/** The client: typed calls, and the bearer token they carry. */
export interface ExamReservationClient {
  /**
   * Every route, typed (openapi-fetch): `api.GET('/reservations/schedules', { params: { query } })`
   * resolves to `{ data, error, response }`; wrap it in {@link unwrap} to get the data or an
   * {@link ApiError}. The kept token is sent as `Authorization: Bearer …`.
   */
  readonly api: Client<paths>;
  /** Logs in, keeps the token for every later call, and returns it. @throws ApiError */
  login(credentials: components['schemas']['LoginRequest']): Promise<Token>;
  /** Forgets the token. */
  logout(): void;
  /** The token calls carry now, if any. */
  readonly token: string | undefined;
}

/** A client for the API at `options.baseUrl`. */
export function createExamReservationClient(options: ExamReservationClientOptions): ExamReservationClient {
  let token = options.token;
  const api = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  api.use({
    onRequest({ request }) {
      // A header given for one call wins over the kept token.
      if (token !== undefined && !request.headers.has('authorization')) {
        request.headers.set('authorization', `Bearer ${token}`);
      }
      return request;
    },
  });
  return {
    api,
    async login(credentials) {
      const answer = await unwrap(api.POST('/users/login', { body: credentials }));
      token = answer.access_token;
      return answer;
    },
    logout() {
      token = undefined;
    },
    get token() {
      return token;
    },
  };
}
