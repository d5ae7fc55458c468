import type { Request, Response } from 'express';

/** Where a page sits in a list: 1-based `page`, `limit` items a page, `total` items in all. */
export interface PagePosition {
  readonly page: number;
  readonly limit: number;
  readonly total: number;
}

/**
 * The RFC 8288 `Link` header of one page: `first` and `last` always (an
 * empty list has one, empty, page), `prev` unless on the first page (from
 * past the end, it names the last page), `next` unless on or past the last.
 * Targets are relative references to `path` with the request's other query
 * parameters kept as sent, so they hold behind any proxy without trusting
 * `Host` or `X-Forwarded-*`.
 * @param query the request's query string, without `?`
 */
export function linkHeader(path: string, query: string, position: PagePosition): string {
  const { page, limit, total } = position;
  const last = Math.max(1, Math.ceil(total / limit));
  const target = (n: number): string => {
    const params = new URLSearchParams(query);
    params.set('page', String(n));
    params.set('limit', String(limit));
    return `<${path}?${params.toString()}>`;
  };
  const links = [`${target(1)}; rel="first"`];
  if (page > 1) links.push(`${target(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) links.push(`${target(page + 1)}; rel="next"`);
  links.push(`${target(last)}; rel="last"`);
  return links.join(', ');
}

/**
 * Sets what every paged answer carries: `X-Total-Count` and `Link`.
 * @param path the list's path, e.g. `/reservations/7/history`
 */
export function setPageHeaders(req: Request, res: Response, path: string, position: PagePosition): void {
  const at = req.originalUrl.indexOf('?');
  const query = at === -1 ? '' : req.originalUrl.slice(at + 1);
  res.setHeader('X-Total-Count', String(position.total));
  res.setHeader('Link', linkHeader(path, query, position));
}
