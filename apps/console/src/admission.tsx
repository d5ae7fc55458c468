import { type components, unwrap } from '@exam-reservation/client';
import { useState } from 'preact/hooks';
import type { ConsoleContext } from './context.js';
import { count } from './format.js';
import { ErrorLine } from './parts.js';

type Outcome = components['schemas']['Admission'];

/** What a preview was made for: a run is offered only for exactly that. */
interface Previewed {
  readonly start: string;
  readonly end: string;
  readonly rejectRest: boolean;
  readonly outcome: Outcome;
  /** Sent with the run, so a repeated click (or a retry) runs it once. */
  readonly key: string;
}

/** First come, first served over the range: a dry run first, then the run itself. */
export function Admission({ ctx }: { ctx: ConsoleContext }) {
  const { client, range, fail } = ctx;
  const [rejectRest, setRejectRest] = useState(false);
  const [preview, setPreview] = useState<Previewed>();
  const [result, setResult] = useState<Outcome>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const current =
    preview &&
    preview.start === range.start &&
    preview.end === range.end &&
    preview.rejectRest === rejectRest;

  const admit = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = { start: range.start, end: range.end, reject_rest: rejectRest, dry_run: dryRun };
      if (dryRun) {
        const outcome = await unwrap(client.api.POST('/reservations/admit', { body }));
        setResult(undefined);
        setPreview({ ...range, rejectRest, outcome, key: crypto.randomUUID() });
      } else if (preview) {
        const outcome = await unwrap(
          client.api.POST('/reservations/admit', {
            body,
            params: { header: { 'Idempotency-Key': preview.key } },
          }),
        );
        setResult(outcome);
      }
    } catch (e) {
      setError(fail(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id="admission" aria-labelledby="admission-title">
      <h2 id="admission-title">Admission</h2>
      <p class="hint">
        Confirms the pending reservations of {range.start} to {range.end} in booking order while they fit.
        Preview first: it changes nothing.
      </p>
      <div class="toolbar">
        <label>
          <input
            type="checkbox"
            checked={rejectRest}
            onChange={(e) => {
              setRejectRest(e.currentTarget.checked);
            }}
          />{' '}
          Reject what does not fit (otherwise it stays pending)
        </label>
        <button type="button" disabled={busy} onClick={() => admit(true)}>
          Preview
        </button>
        <button
          type="button"
          class="danger"
          disabled={busy || !current || result !== undefined}
          onClick={() => admit(false)}
        >
          Run admission
        </button>
      </div>
      <ErrorLine error={error} />
      {preview ? (
        <Counts
          title={`Preview (dry run) of ${preview.start} to ${preview.end}`}
          outcome={preview.outcome}
          testid="preview"
        />
      ) : null}
      {preview && !current ? (
        <p class="notice">The range or the option changed since the preview: preview again.</p>
      ) : null}
      {result && preview ? (
        <>
          <Counts title="Admission done" outcome={result} testid="result" />
          <p class="notice" role="status">
            {same(result, preview.outcome)
              ? 'It did what the preview said.'
              : 'It differs from the preview: the queue or the load changed in between.'}
          </p>
        </>
      ) : null}
    </section>
  );
}

const same = (a: Outcome, b: Outcome) =>
  a.confirmed === b.confirmed && a.rejected === b.rejected && a.left_pending === b.left_pending;

function Counts(props: { title: string; outcome: Outcome; testid: string }) {
  const { outcome } = props;
  return (
    <figure class="counts" data-testid={props.testid}>
      <figcaption>{props.title}</figcaption>
      <dl>
        <div>
          <dt>Confirmed</dt>
          <dd data-count="confirmed">{count.format(outcome.confirmed)}</dd>
        </div>
        <div>
          <dt>Rejected</dt>
          <dd data-count="rejected">{count.format(outcome.rejected)}</dd>
        </div>
        <div>
          <dt>Left pending</dt>
          <dd data-count="left_pending">{count.format(outcome.left_pending)}</dd>
        </div>
        <div>
          <dt>Whole range</dt>
          <dd data-count="complete">{outcome.complete ? 'yes' : 'no: run again to go on'}</dd>
        </div>
      </dl>
    </figure>
  );
}
