/**
 * Runs `produce`, which hands parts to `take` as they come (a push), and
 * gives them to the caller as a generator (a pull) that returns what
 * `produce` resolved to, or throws what it rejected with. Parts not yet
 * pulled wait in memory, so `produce` must bound how many it hands over.
 * When the caller stops early, later parts are dropped, and the generator
 * still waits for `produce` to end before it finishes.
 */
export async function* pulledParts<T>(
  produce: (take: (part: string) => void) => Promise<T>,
): AsyncGenerator<string, T, undefined> {
  let parts: string[] = [];
  let wake: (() => void) | null = null;
  let stopped = false;
  let settled = false;
  const run = produce((part) => {
    if (stopped) return;
    parts.push(part);
    wake?.();
  }).finally(() => {
    settled = true;
    wake?.();
  });
  // Its failure is met below; until then it must not count as unhandled.
  run.catch(() => undefined);
  try {
    for (;;) {
      if (parts.length > 0) {
        const ready = parts;
        parts = [];
        for (const part of ready) yield part;
      } else if (settled) {
        return await run;
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    }
  } finally {
    stopped = true;
    parts = [];
    await run.catch(() => undefined);
  }
}
