import { assertAdmin, isEmailAddress, normalizeEmail } from '@exam-reservation/domain';
import { type Response, Router } from 'express';
import { z } from 'zod';
import { requireAuth, signedIn } from '../auth/require-auth.js';
import { throttlingAddress } from '../client-address.js';
import { clientGoneSignal } from '../client-gone.js';
import type { HttpDeps } from '../http-deps.js';
import { type ApiDocs, body, json, noFields, pageHeaders, problem, retryAfter } from '../openapi-parts.js';
import { setPageHeaders } from '../paging.js';
import { bodyOf, parseInput, parseQuery, refuseQuery } from '../parse.js';
import { present } from '../presenters.js';
import { EmptyBody, IdParams, limitParam, pageParam, responseTime } from './common-schemas.js';

/** `POST /users/register` body. */
export const RegisterBody = z
  .strictObject({
    email: z.string().max(320).openapi({ format: 'email', example: 'kim@example.com' }),
    password: z
      .string()
      .max(1024, 'must be 8–128 characters')
      .openapi({ description: '8–128 characters.', example: 'correct horse' }),
    user_name: z
      .string()
      .max(1024, 'must be 1–100 characters')
      .openapi({ description: '1–100 characters.', example: 'Kim' }),
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

/** `GET /users` query (admins). */
export const ListUsersQuery = z.strictObject({
  email: z
    .string()
    .max(320)
    .refine((text) => isEmailAddress(normalizeEmail(text)), 'must be an e-mail address')
    .optional()
    .openapi({
      description:
        'Only the account with this e-mail (compared case-insensitively, as registration stores it).',
      example: 'kim@example.com',
    }),
  role: z
    .enum(['user', 'admin'])
    .optional()
    .openapi({ description: 'Only accounts of this role.', example: 'admin' }),
  page: pageParam,
  limit: limitParam(10),
});

/** `{id}` of an account. */
export const UserIdParams = z.strictObject({
  id: IdParams.shape.id.openapi({
    description: 'Account id, in plain decimal digits (no sign, leading zero, point or exponent).',
    example: 1,
  }),
});

/** `PATCH /users/{id}` body (admins). */
export const ChangeRoleBody = z
  .strictObject({
    role: z.enum(['user', 'admin']).openapi({ example: 'admin' }),
  })
  .openapi('ChangeRoleRequest');

/** `POST /users/me/password` body. */
export const ChangePasswordBody = z
  .strictObject({
    current_password: z.string().max(1024).openapi({ example: 'correct horse' }),
    new_password: z
      .string()
      .max(1024, 'must be 8–128 characters')
      .openapi({ description: '8–128 characters, as at registration.', example: 'battery staple' }),
  })
  .openapi('ChangePasswordRequest');

/** `/users`: registration, log-in, the caller's own account and password, and accounts for admins. */
export function userRoutes(deps: HttpDeps): Router {
  const { registerUser, logIn, authenticate, changePassword, listUsers, changeUserRole, unlockUser } =
    deps.useCases;
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

  router.post('/me/password', requireAuth(authenticate), async (req, res) => {
    refuseQuery(req);
    const body = parseInput(ChangePasswordBody, bodyOf(req));
    const { actor, user, tokenVersion } = signedIn(res);
    await changePassword.execute({
      actor,
      user,
      tokenVersion,
      currentPassword: body.current_password,
      newPassword: body.new_password,
      address: throttlingAddress(req.ip ?? req.socket.remoteAddress),
      signal: clientGoneSignal(res),
    });
    res.setHeader('Cache-Control', 'no-store');
    res.status(204).end();
  });

  /** A user is refused before the request is even parsed, let alone looked up. */
  const admin = (res: Response, action: string) => {
    const { actor } = signedIn(res);
    assertAdmin(actor, action);
    return actor;
  };
  const idOf = (params: unknown): number => Number(parseInput(UserIdParams, params).id);

  router.get('/', requireAuth(authenticate), async (req, res) => {
    const actor = admin(res, 'list accounts');
    const query = parseQuery(ListUsersQuery, req);
    const page = await listUsers.execute({ actor, ...query });
    setPageHeaders(req, res, req.baseUrl, { page: query.page, limit: query.limit, total: page.total });
    res.setHeader('Cache-Control', 'no-store');
    res.json(page.items.map((u) => present.user(u, zone)));
  });

  router.patch('/:id', requireAuth(authenticate), async (req, res) => {
    const actor = admin(res, 'change roles');
    const id = idOf(req.params);
    refuseQuery(req);
    const body = parseInput(ChangeRoleBody, bodyOf(req));
    const user = await changeUserRole.execute({ actor, id, role: body.role });
    res.json(present.user(user, zone));
  });

  router.post('/:id/unlock', requireAuth(authenticate), async (req, res) => {
    const actor = admin(res, 'unlock accounts');
    const id = idOf(req.params);
    refuseQuery(req);
    parseInput(EmptyBody, bodyOf(req));
    await unlockUser.execute({ actor, id });
    res.status(204).end();
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
  registry.registerPath({
    method: 'post',
    path: '/users/me/password',
    tags: ['users'],
    summary: 'Change your password',
    description:
      'The current password is checked as at log-in and counts against the same limits: a wrong one is a ' +
      'failed log-in of the account from the client’s address (401), and past a limit the change is refused ' +
      'with 429 and `Retry-After` before anything is checked. The new password follows the registration rules ' +
      '(8–128 characters). Afterwards every token issued to the account before the change, the one that sent ' +
      'it included, is refused with 401 on every route and by every API process: log in again with the new ' +
      'password.',
    security: secured,
    request: { body: body(ChangePasswordBody) },
    responses: {
      204: { description: 'Changed; the account’s earlier tokens no longer work.' },
      400: problem(
        400,
        '`validation_error`: a missing or unknown field, or a new password outside 8–128 characters.',
      ),
      401: problem(
        401,
        '`unauthorized`: a missing, malformed, expired or forged token, or one issued before a password ' +
          'change; or a wrong current password (counted as a failed log-in).',
      ),
      429: {
        ...problem(429, '`rate_limited`: too many failed log-ins of this account (see POST /users/login).'),
        headers: retryAfter,
      },
      ...common,
      ...hashing,
    },
  });

  const usersAdmin = {
    403: problem(403, '`forbidden`: admins only (refused before anything is looked up).'),
  };
  registry.registerPath({
    method: 'get',
    path: '/users',
    tags: ['users'],
    summary: 'List accounts (admin)',
    description:
      'Accounts ordered by id, never with a password hash or anything secret; filtered by `email` and ' +
      '`role` when given. Paged like GET /reservations: `X-Total-Count` and a `Link` header; a page past the ' +
      'end is an empty list.',
    security: secured,
    request: { query: ListUsersQuery },
    responses: {
      200: { ...json('One page of accounts.', z.array(UserSchema)), headers: pageHeaders },
      400: problem(
        400,
        '`validation_error`: an unknown query parameter, or a bad `role`, `page` or `limit`.',
      ),
      ...usersAdmin,
      ...authed,
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/users/{id}',
    tags: ['users'],
    summary: 'Make an account an admin or a user (admin)',
    description:
      'Takes effect on the account’s next request (the role is read on every request). Giving an account ' +
      'the role it has is a no-op. There is always an admin: demoting the last one, yourself included, is ' +
      'refused with 409 `last_admin`, also when two admins demote each other at the same moment.',
    security: secured,
    request: { params: UserIdParams, body: body(ChangeRoleBody) },
    responses: {
      200: json('The account, with its new role.', UserSchema),
      400: problem(400),
      ...usersAdmin,
      404: problem(404, '`not_found`: no such account.'),
      409: problem(409, '`last_admin`: this is the last admin account; make another account an admin first.'),
      ...authed,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/users/{id}/unlock',
    tags: ['users'],
    summary: 'Clear an account’s log-in throttling (admin)',
    description:
      'Forgets the account’s failed log-ins (and password changes) from every address, so it may log in ' +
      'again at once. The per-address count across accounts (50 in 15 minutes) is the address’s and stays.',
    security: secured,
    request: { params: UserIdParams, body: noFields },
    responses: {
      204: { description: 'Cleared.' },
      400: problem(400),
      ...usersAdmin,
      404: problem(404, '`not_found`: no such account.'),
      ...authed,
    },
  });
}
