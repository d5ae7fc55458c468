import { Router } from 'express';
import { requireAuth, signedIn } from '../auth/require-auth.js';
import { throttlingAddress } from '../client-address.js';
import { clientGoneSignal } from '../client-gone.js';
import type { HttpDeps } from '../http-deps.js';
import { bodyOf, parseInput, refuseQuery } from '../parse.js';
import { present } from '../presenters.js';
import { LoginBody, RegisterBody } from '../schemas.js';

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
