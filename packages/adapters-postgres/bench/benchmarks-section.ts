/** The BENCHMARKS.md section `pnpm bench:db` writes from its measurements. */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type hotWindow, LATENCY_SAMPLES, type latency } from './confirm-runs.js';

const SECTION = '## Adapter level (pnpm bench:db)';

export async function writeBenchmarks(r: {
  hot: Awaited<ReturnType<typeof hotWindow>>;
  hotMulti: Awaited<ReturnType<typeof hotWindow>>;
  hotSingle: Awaited<ReturnType<typeof hotWindow>>;
  hotAsync: Awaited<ReturnType<typeof hotWindow>>;
  small: Awaited<ReturnType<typeof latency>>;
  large: Awaited<ReturnType<typeof latency>>;
  commitMs: number;
  machine: Record<string, string>;
  statements: string[];
}): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const file = join(root, 'BENCHMARKS.md');
  const f = (n: number, d = 2) => n.toFixed(d);
  const section = `${SECTION}

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`pnpm bench:db\`
(\`tsx --conditions=@exam-reservation/source packages/adapters-postgres/bench/confirm.bench.ts\`).
It drives the real \`ConfirmReservation\` use case over \`PostgresStore\` (Kysely + pg, a pool of
64 connections): 64 callers confirm concurrently, each waiting for its answer before the next.
Capacity 50,000 per 10-minute slot.

Machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB RAM;
${r.machine.postgres}; ${r.machine.settings}; server: ${r.machine.source}.

### Hot window: confirmations per second

4,000 pending reservations of 5–25 people, all in one 1-hour window (6 slots), confirmed by
64 concurrent callers. The first row is the figure; the others change one thing each.

| run | callers | confirmed/s | attempts/s | confirmed | refused (capacity) | deadlocks | seconds | max slot load |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${[r.hot, r.hotMulti, r.hotSingle, r.hotAsync]
  .map(
    (h) =>
      `| ${h.label} | ${h.concurrency} | ${Math.round(h.confirmationsPerSecond)} | ${Math.round(h.attemptsPerSecond)} | ${h.confirmed} | ${h.refused} | ${h.deadlocks} | ${f(h.seconds)} | ${h.maxLoad} |`,
  )
  .join('\n')}

After each run the invariant was recomputed from the \`reservations\` table (generate_series over
every confirmed reservation's slots): no slot over capacity, ledger equal to the recomputation.

### Single confirmation latency vs. overlapping reservations

Sequential confirmations (${LATENCY_SAMPLES - 20} samples after 20 warm-up) of 1-person reservations in a window
that N other reservations overlap (same window, starting before, ending after).

| overlapping reservations | p50 ms | p95 ms | p99 ms | mean ms |
| ---: | ---: | ---: | ---: | ---: |
${[r.small, r.large].map((l) => `| ${l.overlapping.toLocaleString('en')} | ${f(l.p50)} | ${f(l.p95)} | ${f(l.p99)} | ${f(l.mean)} |`).join('\n')}

### Query plans with ${r.large.overlapping.toLocaleString('en')} overlapping reservations

Locking the reservation (\`getForUpdate\`):

\`\`\`
${r.large.plans.lock.join('\n')}
\`\`\`

Reading the loads of its slots (\`SlotLedger.apply\`'s early check):

\`\`\`
${r.large.plans.loads.join('\n')}
\`\`\`

Neither touches the overlapping reservations: one primary-key lookup, one range scan of the
ledger's primary key over the reservation's own slots.

### What one confirmation costs

${r.statements.length} round trips (messages to the server); the statements of each, abridged:

${r.statements
  .map(
    (message, i) =>
      `${i + 1}. ${message
        .split(/;\s+(?=begin|select|update|insert|with|commit)/)
        .map((statement) => `\`${statement.length > 70 ? `${statement.slice(0, 70)}…` : statement}\``)
        .join(' + ')}`,
  )
  .join('\n')}

The first carries BEGIN; the last carries the held-back reservation update and audit insert, the
slot-ledger upsert and COMMIT, so the slot rows are locked only while the server runs it.

A sequential one-row \`UPDATE\` + commit on the same server takes ${f(r.commitMs, 3)} ms: the WAL
flush every durable commit waits for.

### What bounds the hot window

Figures move by about ±15 % between runs: other work shares this machine.

Target: 2,000 confirmations/s at the adapter level, 0 deadlocks. Measured: about
${Math.round(r.hot.confirmationsPerSecond)}/s with batching (the default), 0 deadlocks in every row.

- Every confirmation in the hot window adds to the same 6 slot rows, and PostgreSQL releases a
  row lock only after the commit record is flushed. One transaction per confirmation is
  therefore strictly serial on those rows: about ${Math.round(r.hotSingle.confirmationsPerSecond)}/s here (third row), and
  ${Math.round(r.hotAsync.confirmationsPerSecond)}/s even with the flush taken out of the lock (fourth row, synchronous_commit = off,
  for information only; the product never does this).
- So \`ConfirmReservation\` batches: confirmations that arrive while one transaction is running
  are decided together in the next one (natural batching, at most 64; an idle system adds no
  delay). The transaction locks the reservations (ascending id) and their slot rows (one
  upsert in ascending slot order), the domain decides each confirmation in arrival order
  against the locked loads, and all accepted ones are written with one ledger upsert and one
  COMMIT, so one WAL flush serves many confirmations. Each caller still gets its own answer.
  If a batch fails as a whole, nothing of it is kept and each confirmation is retried alone.
- Several API processes each batch on their own; their batches lock slot rows in the same
  ascending order, so they serialize on the hot rows but cannot deadlock (second row: four
  confirmers, ${Math.round(r.hotMulti.confirmationsPerSecond)}/s, 0 deadlocks).
- How the unbatched figure was improved during development: the first version (Kysely
  \`transaction().execute\`, 7 round trips) did **469/s**; sending the ledger upsert in the same
  message as COMMIT gave **~1,110/s**; holding back the reservation and audit writes into that
  message and sending BEGIN with the first statement (3 round trips) gave the third row.
- A single confirmation stays flat as overlapping reservations grow (table above): it touches one
  reservation row and its own slot rows, never the overlapping reservations.
`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const startAt = text.indexOf(SECTION);
  if (startAt >= 0) {
    const nextAt = text.indexOf('\n## ', startAt + SECTION.length);
    text = text.slice(0, startAt) + section + (nextAt >= 0 ? text.slice(nextAt + 1) : '');
  } else {
    text = `${text.trimEnd()}\n\n${section}`;
  }
  await writeFile(file, text);
  console.log(`\nwrote ${file}`);
}
