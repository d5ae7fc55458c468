import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** The security headers of every answer: helmet's, and the same list written out for the fast path. */
export interface SecurityHeaders {
  /** Sets them on a response of the app. */
  readonly middleware: RequestHandler;
  /** What {@link middleware} sets, in its order, `[name, value, name, value…]`: the same for every answer. */
  readonly fixed: readonly string[];
}

/** helmet's headers, set up once for the app and for the schedule fast path. */
export function securityHeaders(): SecurityHeaders {
  const middleware = helmet({
    contentSecurityPolicy: {
      // Swagger UI loads its own scripts and styles from this origin and draws icons from data: URIs,
      // which helmet's defaults allow; only the upgrade directive is dropped, so the docs work over
      // plain HTTP on a developer's machine (TLS is the reverse proxy's job).
      directives: { upgradeInsecureRequests: null },
    },
  });
  return { middleware, fixed: headersSetBy(middleware) };
}

/**
 * The admin console's Content-Security-Policy (`/admin`), stricter than the
 * app's: its page loads one script and one style sheet of this origin and
 * talks only to this API, so nothing inline, nothing from elsewhere, and it
 * is never framed.
 */
export function consoleSecurityPolicy(): RequestHandler {
  const policy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      connectSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  });
  // The app's X-Frame-Options is SAMEORIGIN; browsers that read it rather than frame-ancestors must not frame the console at all.
  return (req, res, next) => {
    res.setHeader('X-Frame-Options', 'DENY');
    policy(req, res, next);
  };
}

/**
 * The headers a middleware that only sets headers sets, in its order, for a
 * request with no headers: helmet's; and CORS's for a request without an
 * `Origin` (what every such answer of the app carries).
 */
export function headersSetBy(middleware: RequestHandler): string[] {
  const headers: string[] = [];
  const res = {
    setHeader: (name: string, value: unknown) => {
      const at = headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === name.toLowerCase());
      if (at >= 0) headers.splice(at, 2);
      headers.push(name, String(value));
    },
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  middleware({ headers: {}, method: 'GET' } as Request, res as unknown as Response, () => undefined);
  return headers;
}
