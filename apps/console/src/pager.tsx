import { unwrap } from '@exam-reservation/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { pageOf, parseLinks } from './links.js';

/** What a paged answer says about its neighbours: the `Link` relations and `X-Total-Count`. */
export interface PageInfo {
  readonly links: Map<string, URLSearchParams>;
  readonly total: number;
}

/** Reads the paging headers of an answer. */
export function pageInfo(response: Response): PageInfo {
  return {
    links: parseLinks(response.headers.get('link')),
    total: Number(response.headers.get('x-total-count') ?? '0'),
  };
}

const RELATIONS = [
  ['first', 'First'],
  ['prev', 'Previous'],
  ['next', 'Next'],
  ['last', 'Last'],
] as const;

/** Buttons for the pages the answer links to (a missing relation is a disabled button), and where we are. */
export function Pager(props: {
  label: string;
  page: number;
  info: PageInfo;
  onPage: (page: number) => void;
}) {
  const { info } = props;
  const last = pageOf(info.links.get('last'));
  return (
    <nav class="pager" aria-label={props.label}>
      {RELATIONS.map(([rel, text]) => {
        const target = info.links.get(rel);
        return (
          <button
            key={rel}
            type="button"
            disabled={!target || pageOf(target) === props.page}
            onClick={() => props.onPage(pageOf(target))}
          >
            {text}
          </button>
        );
      })}
      <span class="status" aria-live="polite">
        Page {props.page} of {last} · {info.total} in all
      </span>
    </nav>
  );
}

/** What a list call of the typed client resolves to. */
type ListAnswer<T> = Promise<{ data?: T[]; error?: unknown; response: Response }>;

/**
 * One page of a list route and its paging headers, asked again whenever
 * `key` (the query, written out) changes; an answer to an older key is dropped.
 */
export function usePage<T>(
  list: () => ListAnswer<T>,
  key: string,
  onError: (error: unknown) => void,
): { items: T[]; info: PageInfo } | undefined {
  const [page, setPage] = useState<{ items: T[]; info: PageInfo }>();
  const latest = useRef({ list, onError });
  latest.current = { list, onError };
  useEffect(() => {
    let stale = false;
    void key;
    const call = latest.current.list();
    unwrap(call)
      .then(async (items) => {
        if (!stale) setPage({ items, info: pageInfo((await call).response) });
      })
      .catch((error: unknown) => {
        if (!stale) latest.current.onError(error);
      });
    return () => {
      stale = true;
    };
  }, [key]);
  return page;
}
