import { type Reservation, unwrap } from '@exam-reservation/client';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleContext } from './context.js';
import { type PageInfo, Pager, pageInfo } from './pager.js';

const LIMIT = 20;
const count = new Intl.NumberFormat('en');
/** `2026-12-10T09:00:00+09:00` → `2026-12-10 09:00` (the API's zone, as written). */
export const wallTime = (time: string) => `${time.slice(0, 10)} ${time.slice(11, 16)}`;

/** The reservations waiting for a decision, oldest booking first within each start time, paged by the API's links. */
export function PendingQueue({ ctx }: { ctx: ConsoleContext }) {
  const { client, range, fail } = ctx;
  const [inRange, setInRange] = useState(true);
  const [userId, setUserId] = useState('');
  const [applied, setApplied] = useState<{ inRange: boolean; userId: string }>({ inRange: true, userId: '' });
  const [page, setPage] = useState(1);
  const [items, setItems] = useState<Reservation[]>();
  const [info, setInfo] = useState<PageInfo>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stale = false;
    const query = {
      status: 'pending',
      page,
      limit: LIMIT,
      ...(applied.inRange ? { start: range.start, end: range.end } : {}),
      ...(applied.userId ? { user_id: Number(applied.userId) } : {}),
    };
    const call = client.api.GET('/reservations', { params: { query } });
    unwrap(call)
      .then(async (rows) => {
        if (stale) return;
        setItems(rows);
        setInfo(pageInfo((await call).response));
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (!stale) setError(fail(e));
      });
    return () => {
      stale = true;
    };
  }, [client, range.start, range.end, applied, page, fail]);

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
        <button type="submit">Filter</button>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {items ? (
        <table class="list" data-testid="queue">
          <caption class="vh">Pending reservations</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">User</th>
              <th scope="col">Name</th>
              <th scope="col">Start</th>
              <th scope="col">End</th>
              <th scope="col">People</th>
              <th scope="col">Booked</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 ? (
              <tr>
                <td colSpan={7}>Nothing pending.</td>
              </tr>
            ) : (
              items.map((r) => (
                <tr key={r.id}>
                  <td>{r.id}</td>
                  <td>{r.user_id}</td>
                  <td>{r.reservation_name}</td>
                  <td>{wallTime(r.start_time)}</td>
                  <td>{wallTime(r.end_time)}</td>
                  <td class="num">{count.format(r.number_of_people)}</td>
                  <td>{wallTime(r.created_at)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      ) : null}
      {info ? <Pager label="Queue pages" page={page} info={info} onPage={setPage} /> : null}
    </section>
  );
}
