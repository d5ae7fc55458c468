import { ApiError } from '@exam-reservation/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleContext } from './context.js';
import { count } from './format.js';
import { type Cell, cellLabel, type DayRow, heatRows, SLOTS_PER_DAY, slotTime } from './heatmap-model.js';
import { ErrorLine } from './parts.js';

/** How often the map asks again; an unchanged answer is a bodiless 304 that keeps the drawn map. */
const REFRESH_MS = 3_000;

const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 });
const clock = () => new Date().toLocaleTimeString('en-GB');

/** The legend's bins: what share of capacity each colour stands for. */
const BINS = [
  'empty',
  'under 15 %',
  '15–24 %',
  '25–34 %',
  '35–44 %',
  '45–54 %',
  '55–64 %',
  '65–74 %',
  '75–84 %',
  '85–99 %',
  'full',
];

/** Slot load of the range, days × 10-minute slots, kept fresh with ETag / If-None-Match. */
export function HeatMap({ ctx }: { ctx: ConsoleContext }) {
  const { client, range, fail } = ctx;
  const [rows, setRows] = useState<DayRow[]>();
  const [status, setStatus] = useState('Loading…');
  const [error, setError] = useState<string>();
  const [live, setLive] = useState(true);
  const etag = useRef<string | undefined>(undefined);

  useEffect(() => {
    etag.current = undefined;
    setRows(undefined);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const ifNoneMatch = etag.current;
      const {
        data,
        error: problem,
        response,
      } = await client.api.GET('/reservations/load', {
        params: {
          query: { start: range.start, end: range.end },
          header: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {},
        },
        // A page's If-None-Match makes the browser add `Cache-Control: no-cache` unless one is given, and
        // with that Express's freshness check ignores the ETag: max-age=0 keeps the request conditional.
        headers: { 'cache-control': 'max-age=0' },
      });
      if (stopped) return;
      if (response.status === 304) {
        setStatus(`Unchanged at ${clock()} (304 Not Modified)`);
      } else if (response.ok && data) {
        etag.current = response.headers.get('etag') ?? undefined;
        setRows(heatRows(range.start, range.end, data));
        setError(undefined);
        setStatus(`Updated at ${clock()}`);
      } else {
        setError(fail(new ApiError(response.status, problem)));
        return;
      }
      if (live) timer = setTimeout(load, REFRESH_MS);
    };
    load().catch((e: unknown) => setError(fail(e)));
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, range.start, range.end, live, fail]);

  return (
    <section id="load" aria-labelledby="load-title">
      <h2 id="load-title">
        Slot load, {range.start} to {range.end}
      </h2>
      <p class="hint">
        Colour: confirmed people as a share of the slot’s capacity. Mark: pending demand (people of pending
        reservations covering the slot). Arrow keys move through the slots once the map has focus.
      </p>
      <div class="toolbar">
        <label>
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} /> Refresh
          every {REFRESH_MS / 1000} s
        </label>
        <span class="status" data-testid="load-status" aria-live="off">
          {status}
        </span>
      </div>
      <ErrorLine error={error} />
      <Legend />
      {rows ? <Grid rows={rows} /> : null}
    </section>
  );
}

function Legend() {
  return (
    <div class="legend">
      <h3 class="vh">Legend</h3>
      <ol class="scale">
        {BINS.map((label, bin) => (
          <li key={label}>
            <span class={`swatch b${bin}`} aria-hidden="true" />
            {label}
          </li>
        ))}
      </ol>
      <ul class="marks">
        <li>
          <span class="swatch b2 d-fits" aria-hidden="true" /> pending, fits in the room left
        </li>
        <li>
          <span class="swatch b2 d-over" aria-hidden="true" /> pending, more than the room left
        </li>
      </ul>
    </div>
  );
}

/** The map as a grid: one tab stop, arrow keys move; each cell's numbers in its label and below the map. */
function Grid({ rows }: { rows: DayRow[] }) {
  const [at, setAt] = useState<[number, number]>([0, 0]);
  const [shown, setShown] = useState<string>();
  const table = useRef<HTMLTableElement>(null);
  const moved = useRef(false);
  const [r, c] = [Math.min(at[0], rows.length - 1), at[1]];

  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    table.current?.querySelector<HTMLElement>(`[data-pos="${r}-${c}"]`)?.focus();
  }, [r, c]);

  const onKey = (e: KeyboardEvent) => {
    const step: Record<string, [number, number]> = {
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      Home: [0, -SLOTS_PER_DAY],
      End: [0, SLOTS_PER_DAY],
    };
    const move = step[e.key];
    if (!move) return;
    e.preventDefault();
    moved.current = true;
    setAt([
      Math.max(0, Math.min(rows.length - 1, r + move[0])),
      Math.max(0, Math.min(SLOTS_PER_DAY - 1, c + move[1])),
    ]);
  };

  return (
    <>
      <div class="heat-scroll">
        <table
          class="heat"
          // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the APG data grid on a native table (one tab stop, arrow keys move between cells)
          role="grid"
          aria-readonly="true"
          aria-label="Slot load by day and time"
          ref={table}
          onKeyDown={onKey}
        >
          <thead>
            <tr>
              <th scope="col">Day</th>
              {Array.from({ length: SLOTS_PER_DAY }, (_, i) => (
                <th key={i} scope="col" class={i % 6 === 0 ? 'hour' : 'tick'}>
                  <span class={i % 6 === 0 ? '' : 'vh'}>{slotTime(i)}</span>
                </th>
              ))}
              <th scope="col">Peak</th>
              <th scope="col">Max pending</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, ri) => (
              <tr key={row.day}>
                <th scope="row">{row.day}</th>
                {row.cells.map((cell, ci) => (
                  <HeatCell
                    key={slotTime(ci)}
                    day={row.day}
                    cell={cell}
                    pos={`${ri}-${ci}`}
                    active={ri === r && ci === c}
                    onShow={(label) => {
                      setShown(label);
                      setAt([ri, ci]);
                    }}
                  />
                ))}
                <td class="sum">{percent.format(row.peakShare)}</td>
                <td class="sum">{count.format(row.peakPending)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="cell-detail" aria-live="polite" data-testid="cell-detail">
        {shown ?? 'Point at or focus a slot to read its numbers.'}
      </p>
    </>
  );
}

function HeatCell(props: {
  day: string;
  cell: Cell | undefined;
  pos: string;
  active: boolean;
  onShow: (label: string) => void;
}) {
  const { cell, day } = props;
  const label = cell ? cellLabel(day, cell) : `${day}: no data`;
  return (
    <td
      class={cell ? `c b${cell.bin} d-${cell.demand}` : 'c none'}
      data-pos={props.pos}
      data-time={cell?.time}
      data-bin={cell?.bin}
      data-demand={cell?.demand}
      aria-label={label}
      title={label}
      tabIndex={props.active ? 0 : -1}
      onFocus={() => props.onShow(label)}
      onMouseEnter={() => props.onShow(label)}
    />
  );
}
