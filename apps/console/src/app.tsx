import { type User, unwrap } from '@exam-reservation/client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { Admission } from './admission.js';
import type { ConsoleContext, DateRange } from './context.js';
import { ExportButton } from './export-button.js';
import { HeatMap } from './heatmap.js';
import { PendingQueue } from './pending-queue.js';
import {
  dayFromToday,
  describeError,
  isForbidden,
  isUnauthorized,
  keepToken,
  openClient,
} from './session.js';
import { SignIn } from './sign-in.js';
import { Users } from './users.js';
import { Webhooks } from './webhooks.js';

/** Where the console stands: no token, checking one, an admin's, or one the API refused. */
type Phase =
  | { readonly kind: 'signed-out'; readonly notice?: string }
  | { readonly kind: 'checking' }
  | { readonly kind: 'admin'; readonly me: User }
  | { readonly kind: 'refused'; readonly who: string; readonly detail: string };

const SECTIONS = [
  ['load', 'Slot load'],
  ['queue', 'Pending queue'],
  ['admission', 'Admission'],
  ['users', 'Users'],
  ['webhooks', 'Webhooks'],
] as const;

/** The console: sign-in, then the sections, each over the API's own routes. */
export function App() {
  const [client] = useState(openClient);
  const [phase, setPhase] = useState<Phase>(client.token ? { kind: 'checking' } : { kind: 'signed-out' });
  const [range, setRange] = useState<DateRange>({ start: dayFromToday(3), end: dayFromToday(9) });

  const signOut = useCallback(
    (notice?: string) => {
      client.logout();
      keepToken(undefined);
      setPhase(notice ? { kind: 'signed-out', notice } : { kind: 'signed-out' });
    },
    [client],
  );

  // Whether the account may see the data is the API's decision: the console asks an admin-only
  // route and shows its refusal, rather than trusting the role it reads.
  const check = useCallback(async () => {
    setPhase({ kind: 'checking' });
    try {
      const me = await unwrap(client.api.GET('/users/me'));
      try {
        await unwrap(client.api.GET('/users', { params: { query: { limit: 1 } } }));
        setPhase({ kind: 'admin', me });
      } catch (error) {
        if (!isForbidden(error)) throw error;
        setPhase({ kind: 'refused', who: me.email, detail: describeError(error) });
      }
    } catch (error) {
      signOut(isUnauthorized(error) ? 'Your session has ended: sign in again.' : describeError(error));
    }
  }, [client, signOut]);

  useEffect(() => {
    if (client.token) void check();
  }, [client, check]);

  // The sign-in form goes away under the keyboard's focus: move it to the content that replaced it.
  const main = useRef<HTMLElement>(null);
  const settled = phase.kind === 'admin' || phase.kind === 'refused';
  useEffect(() => {
    if (settled) main.current?.focus();
  }, [settled]);

  const fail = useCallback(
    (error: unknown): string => {
      if (isUnauthorized(error)) signOut('Your session has ended: sign in again.');
      else if (isForbidden(error)) {
        setPhase((p) => ({
          kind: 'refused',
          who: p.kind === 'admin' ? p.me.email : 'this account',
          detail: describeError(error),
        }));
      }
      return describeError(error);
    },
    [signOut],
  );

  const signedIn = async (email: string, password: string) => {
    const token = await client.login({ email, password });
    keepToken(token.access_token);
    await check();
  };

  return (
    <>
      <header class="top">
        <h1>Exam reservations · admin console</h1>
        {phase.kind === 'admin' || phase.kind === 'refused' ? (
          <div class="who">
            <span>
              {phase.kind === 'admin' ? `Signed in as ${phase.me.email}` : `Signed in as ${phase.who}`}
            </span>
            <button type="button" onClick={() => signOut()}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      {phase.kind === 'admin' ? (
        <nav class="sections" aria-label="Sections">
          <ul>
            {SECTIONS.map(([id, title]) => (
              <li key={id}>
                <a href={`#${id}`}>{title}</a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1} ref={main}>
        {phase.kind === 'signed-out' ? <SignIn onSubmit={signedIn} notice={phase.notice} /> : null}
        {phase.kind === 'checking' ? <p aria-live="polite">Checking the account…</p> : null}
        {phase.kind === 'refused' ? (
          <section class="refused" role="alert" aria-labelledby="refused-title">
            <h2 id="refused-title">Admins only</h2>
            <p>
              The API refused {phase.who} the console’s data: <code>{phase.detail}</code>.
            </p>
            <p>Sign out and sign in with an administrator’s account.</p>
          </section>
        ) : null}
        {phase.kind === 'admin' ? <Sections ctx={{ client, range, fail }} onRange={setRange} /> : null}
      </main>
    </>
  );
}

function Sections({ ctx, onRange }: { ctx: ConsoleContext; onRange: (range: DateRange) => void }) {
  const [start, setStart] = useState(ctx.range.start);
  const [end, setEnd] = useState(ctx.range.end);
  return (
    <>
      <form
        class="range"
        aria-label="Date range"
        onSubmit={(e) => {
          e.preventDefault();
          onRange({ start, end });
        }}
      >
        <label>
          From{' '}
          <input
            type="date"
            name="start"
            required
            value={start}
            onInput={(e) => setStart(e.currentTarget.value)}
          />
        </label>
        <label>
          to{' '}
          <input type="date" name="end" required value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
        </label>
        <button type="submit">Show range</button>
        <ExportButton ctx={ctx} />
      </form>
      <HeatMap ctx={ctx} />
      <PendingQueue ctx={ctx} />
      <Admission ctx={ctx} />
      <Users ctx={ctx} />
      <Webhooks ctx={ctx} />
    </>
  );
}
