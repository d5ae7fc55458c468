import type { IncomingHttpHeaders } from 'node:http';

const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * RFC 9110 §13.1.2: whether `If-None-Match` names `etag` (weak comparison,
 * a list, or `*`), so the answer is `304`. Unlike Express's `req.fresh`, a
 * request's `Cache-Control: no-cache` is not a reason to send the body again:
 * it asks caches to revalidate with the origin, and this is the origin.
 * Browsers add it to every fetch that sets `If-None-Match` itself.
 */
export function notModified(headers: IncomingHttpHeaders, etag: string): boolean {
  const condition = headers['if-none-match'];
  if (condition === undefined) return false;
  if (condition.trim() === '*') return true;
  const wanted = opaque(etag);
  return condition.split(',').some((tag) => opaque(tag.trim()) === wanted);
}
