/** RFC 8288 `Link` headers as the API writes them on paged lists. */

/** Relation → the query of its target (`</reservations?page=2&limit=10>; rel="next"` → `next`: page=2…). */
export function parseLinks(header: string | null): Map<string, URLSearchParams> {
  const links = new Map<string, URLSearchParams>();
  if (!header) return links;
  for (const match of header.matchAll(/<([^>]*)>\s*;\s*rel="([^"]+)"/g)) {
    const target = match[1] ?? '';
    const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
    for (const rel of (match[2] ?? '').split(/\s+/)) links.set(rel, new URLSearchParams(query));
  }
  return links;
}

/** The page number a link's query names (1 when it names none). */
export function pageOf(query: URLSearchParams | undefined): number {
  const page = Number(query?.get('page') ?? '1');
  return Number.isInteger(page) && page >= 1 ? page : 1;
}
