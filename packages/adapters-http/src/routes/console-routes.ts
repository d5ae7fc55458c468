import express, { type IRouter } from 'express';
import { sendProblem } from '../problem.js';
import { mountedAt } from '../request-log.js';
import { consoleSecurityPolicy } from '../security-headers.js';

/**
 * The admin console at `/admin`: the static files the build makes
 * (apps/console), served from `dir` under their own strict
 * Content-Security-Policy. Its data comes from the API's own routes, which
 * decide who may see it; the files themselves are public.
 * @param dir the built files (`index.html`, `console.js`, `console.css`); without one, `/admin` is a 404
 */
export function consoleRoutes(app: IRouter, dir: string | undefined): void {
  const files = dir ? [express.static(dir, { index: 'index.html', redirect: true, fallthrough: true })] : [];
  app.use('/admin', mountedAt('/admin'), consoleSecurityPolicy(), ...files, (req, res) => {
    // The static files pass on every method but GET and HEAD: those are a route the API lacks, not a missing build.
    const read = req.method === 'GET' || req.method === 'HEAD';
    sendProblem(res, {
      status: 404,
      code: 'not_found',
      detail: !dir
        ? 'this process serves no admin console'
        : read
          ? `no console file ${req.path}: the console is built by \`node scripts/build.mjs\` (\`npm start\` runs it)`
          : `no route for ${req.method} ${req.baseUrl}${req.path}`,
    });
  });
}
