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
