import { useState } from 'preact/hooks';
import type { ConsoleContext } from './context.js';
import { count, wallTime } from './format.js';
import { Pager, usePage } from './pager.js';
import { ErrorLine, ListTable } from './parts.js';

const LIMIT = 20;

/** The reservations waiting for a decision, by start time, paged by the API's `Link` headers. */
export function PendingQueue({ ctx }: { ctx: ConsoleContext }) {
  const { client, range, fail } = ctx;
  const [inRange, setInRange] = useState(true);
  const [userId, setUserId] = useState('');
  const [applied, setApplied] = useState<{ inRange: boolean; userId: string }>({ inRange: true, userId: '' });
  const [page, setPage] = useState(1);
  const [reloads, setReloads] = useState(0);
  const [error, setError] = useState<string>();
  const query = {
    status: 'pending',
    page,
    limit: LIMIT,
    ...(applied.inRange ? { start: range.start, end: range.end } : {}),
    ...(applied.userId ? { user_id: Number(applied.userId) } : {}),
  };
  const listed = usePage(
    () => {
      setError(undefined);
      return client.api.GET('/reservations', { params: { query } });
    },
    `${JSON.stringify(query)} ${reloads}`,
    (e) => setError(fail(e)),
  );
  const items = listed?.items;
  const info = listed?.info;

  return (
    <section id="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">Pending queue</h2>
      <form
        class="filters"
        aria-label="Queue filters"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setApplied({ inRange, userId });
          setReloads((n) => n + 1);
        }}
      >
        <label>
          <input type="checkbox" checked={inRange} onChange={(e) => setInRange(e.currentTarget.checked)} />{' '}
          Only the range {range.start} to {range.end}
        </label>
        <label>
          User id{' '}
          <input
            type="number"
            min={1}
            inputMode="numeric"
            name="user_id"
            value={userId}
            onInput={(e) => setUserId(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Filter and refresh</button>
      </form>
      <ErrorLine error={error} />
      {items ? (
        <ListTable
          testid="queue"
          caption="Pending reservations"
          columns={['Id', 'User', 'Name', 'Start', 'End', 'People', 'Booked']}
          items={items}
          empty="Nothing pending."
          row={(r) => (
            <tr key={r.id}>
              <td>{r.id}</td>
              <td>{r.user_id}</td>
              <td>{r.reservation_name}</td>
              <td>{wallTime(r.start_time)}</td>
              <td>{wallTime(r.end_time)}</td>
              <td class="num">{count.format(r.number_of_people)}</td>
              <td>{wallTime(r.created_at)}</td>
            </tr>
          )}
        />
      ) : null}
      {info ? <Pager label="Queue pages" page={page} info={info} onPage={setPage} /> : null}
    </section>
  );
}
