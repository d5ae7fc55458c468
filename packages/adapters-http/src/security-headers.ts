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
