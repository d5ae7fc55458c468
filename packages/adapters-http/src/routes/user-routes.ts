import { Router } from 'express';
import { z } from 'zod';
import { requireAuth, signedIn } from '../auth/require-auth.js';
import { throttlingAddress } from '../client-address.js';
import { clientGoneSignal } from '../client-gone.js';
import type { HttpDeps } from '../http-deps.js';
import { type ApiDocs, body, json, problem, retryAfter } from '../openapi-parts.js';
import { bodyOf, parseInput, refuseQuery } from '../parse.js';
import { present } from '../presenters.js';
import { responseTime } from './common-schemas.js';

/** `POST /users/register` body. */
export const RegisterBody = z
  .strictObject({
    email: z.string().max(320).openapi({ format: 'email', example: 'kim@example.com' }),
    password: z.string().max(1024).openapi({ description: '8–128 characters.', example: 'correct horse' }),
    user_name: z.string().max(1024).openapi({ description: '1–100 characters.', example: 'Kim' }),
    role: z.string().max(32).optional().openapi({
      description: 'Optional; only `"user"` is accepted. `"admin"` is refused with 403 forbidden.',
      example: 'user',
    }),
  })
  .openapi('RegisterRequest');

/** `POST /users/login` body. */
export const LoginBody = z
  .strictObject({
    email: z.string().max(320).openapi({ example: 'kim@example.com' }),
    password: z.string().max(1024).openapi({ example: 'correct horse' }),
  })
  .openapi('LoginRequest');

/** A user account as the API shows it. */
export const UserSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    user_name: z.string(),
    role: z.enum(['user', 'admin']),
    created_at: responseTime,
  })
  .openapi('User');

/** The answer to a successful log-in. */
export const TokenSchema = z
  .object({
    access_token: z.string().openapi({ description: 'A JWT (HS256); send it as `Authorization: Bearer …`.' }),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().openapi({ description: 'Seconds until the token expires.' }),
  })
  .openapi('Token');

/** `/users`: registration, log-in and the caller's own account. */
export function userRoutes(deps: HttpDeps): Router {
  const { registerUser, logIn, authenticate } = deps.useCases;
  const zone = deps.policy.timeZone;
  const router = Router();

  router.post('/register', async (req, res) => {
    refuseQuery(req);
    const body = parseInput(RegisterBody, bodyOf(req));
    const user = await registerUser.execute({
      email: body.email,
      password: body.password,
      userName: body.user_name,
      role: body.role,
      address: throttlingAddress(req.ip ?? req.socket.remoteAddress),
      signal: clientGoneSignal(res),
    });
    res.status(201).json(present.user(user, zone));
  });

  router.post('/login', async (req, res) => {
    refuseQuery(req);
    const body = parseInput(LoginBody, bodyOf(req));
    const token = await logIn.execute({
      email: body.email,
      password: body.password,
      address: throttlingAddress(req.ip ?? req.socket.remoteAddress),
      signal: clientGoneSignal(res),
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ access_token: token.accessToken, token_type: 'bearer', expires_in: token.expiresIn });
  });

  router.get('/me', requireAuth(authenticate), (req, res) => {
    refuseQuery(req);
    res.json(present.user(signedIn(res).user, zone));
  });

  return router;
}

/** The operations of {@link userRoutes} in the OpenAPI document. */
export function documentUserRoutes({ registry, secured, common, authed }: ApiDocs): void {
  /** Routes that hash a password: their 503 may also be `overloaded`. */
  const hashing = {
    503: {
      ...problem(
        503,
        '`overloaded`: too many passwords to hash at once; this one would have waited longer than ' +
          'HASH_QUEUE_MAX_WAIT_MS (default 2 s), so it was refused at once and nothing was done or counted. ' +
          '`Retry-After` is the expected wait in seconds. Or `unavailable`: the database does not answer, ' +
          'or not in time (`Retry-After: 1`).',
      ),
      headers: retryAfter,
    },
  };

  registry.registerPath({
    method: 'post',
    path: '/users/register',
    tags: ['users'],
    summary: 'Register an account',
    description:
      'Anyone may register a `user` account. E-mails compare case-insensitively. At most ' +
      'REGISTRATIONS_PER_ADDRESS_PER_HOUR (default 20) registrations per client address in an hour, counted ' +
      'in the database across every API process: a created account and an e-mail already taken (409) count; ' +
      'invalid input (400, 403), a refusal (429, 503) and a client that left count nothing. Past the limit, ' +
      '429 with `Retry-After`. An IPv6 client is counted by its /64; behind a proxy set TRUST_PROXY.',
    request: { body: body(RegisterBody) },
    responses: {
      201: json('The new account.', UserSchema),
      400: problem(400),
      403: problem(403, '`forbidden`: an account cannot register itself as admin.'),
      409: problem(409, '`conflict`: the e-mail is already registered.'),
      429: {
        ...problem(
          429,
          '`rate_limited`: too many registrations from this address in the last hour; `Retry-After` gives ' +
            'the seconds until one more is allowed.',
        ),
        headers: retryAfter,
      },
      ...common,
      ...hashing,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/users/login',
    tags: ['users'],
    summary: 'Log in',
    description:
      'A wrong e-mail and a wrong password get the same 401. Failed log-ins are counted in the database ' +
      '(the limits hold across every API process, and for requests sent in parallel: each attempt is counted ' +
      'before its password is checked, and taken back when it was right): at most 5 failures per account ' +
      'and client address and 50 per client address in 15 minutes, and 100 per account from all addresses ' +
      'in an hour. Past a limit, 429 with `Retry-After`. A stranger’s failures do not lock the owner out ' +
      'from the owner’s own address. An IPv6 client is counted by its /64; behind a proxy set TRUST_PROXY ' +
      'so that the client’s address is seen. A log-in refused with 503 `overloaded` is not counted.',
    request: { body: body(LoginBody) },
    responses: {
      200: json('An access token.', TokenSchema),
      400: problem(400),
      401: problem(401, '`unauthorized`: wrong e-mail or password.'),
      429: { ...problem(429), headers: retryAfter },
      ...common,
      ...hashing,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/users/me',
    tags: ['users'],
    summary: 'The signed-in account',
    security: secured,
    responses: { 200: json('The caller, with the role as stored now.', UserSchema), ...authed },
  });
}
