import type { IncomingMessage } from 'node:http';

/** A Host value: a name, an IPv4 address or a bracketed IPv6 one, with an optional port (RFC 3986 authority without userinfo). */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_~!$&'()*+,;=%]*)(?::\d*)?$/;

/**
 * Why a request's Host header is refused (RFC 9112 §3.2: a 400 for an HTTP/1.1
 * request without one, and for any request with more than one or with an
 * invalid value), or undefined when it is fine. Node keeps only the first of
 * several, so the raw lines are counted.
 */
export function hostRefusal(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined)
    return req.httpVersion === '1.1' ? 'an HTTP/1.1 request needs a Host header' : undefined;
  let lines = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') lines++;
  if (lines > 1) return 'a request carries one Host header';
  return HOST.test(host) ? undefined : 'the Host header is not a host name or address with an optional port';
}
