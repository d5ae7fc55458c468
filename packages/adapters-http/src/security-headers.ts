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

/** The headers a middleware that only sets headers (helmet) sets, in its order. */
function headersSetBy(middleware: RequestHandler): string[] {
  const headers: string[] = [];
  const res = {
    setHeader: (name: string, value: unknown) => headers.push(name, String(value)),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  middleware({ headers: {} } as Request, res as unknown as Response, () => undefined);
  return headers;
}
