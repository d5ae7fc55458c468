import { pino } from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/** Where the API's log lines go: stdout, written asynchronously, never in the way of a shutdown. */
export interface LogDestination {
  readonly stream: Destination;
  /**
   * Waits until the lines written so far have gone out, at most `ms`; what the
   * reader has not taken by then is dropped, so exiting does not wait on it.
   */
  settle(ms: number): Promise<void>;
}

/**
 * stdout as pino's asynchronous destination: while one write is in flight the
 * next lines gather and go out together, instead of one blocking write(2) per
 * request line; whatever is still buffered is written synchronously as the
 * process exits, so no last line is lost.
 *
 * A reader that has gone away (EPIPE) or stopped reading must not hold the
 * process: the synchronous flush at exit retries a failed write forever
 * (sonic-boom sleeps and tries again on any error but EAGAIN's give-up), which
 * once kept a server deaf to SIGTERM and SIGINT — the exit had begun, in a
 * loop that never yields. So any error on stdout ends the logging (pino's own
 * guard does so only for EPIPE, and only once the failed write has called
 * back), and a shutdown gives the log a bounded time before it exits.
 */
export function stdoutDestination(): LogDestination {
  const stream = pino.destination({ dest: 1, sync: false });
  let gone = false;
  let idle = true;
  /** Who waits for the lines so far to be written (or dropped). */
  const waiting = new Set<() => void>();
  const wake = (): void => {
    for (const resolve of waiting) resolve();
    waiting.clear();
  };
  const drop = (): void => {
    if (gone) return;
    gone = true;
    stream.write = () => true;
    stream.flushSync = () => undefined;
    wake();
  };
  stream.on('error', drop);
  stream.on('drain', () => {
    idle = true;
    wake();
  });
  const write = stream.write.bind(stream);
  stream.write = (line: string): boolean => {
    idle = false;
    return write(line);
  };
  process.on('exit', () => {
    try {
      stream.flushSync();
    } catch {
      // stdout is gone: nothing left to write to.
    }
  });
  return {
    stream,
    settle: (ms) =>
      new Promise<void>((resolve) => {
        if (gone || idle) return resolve();
        const timer = setTimeout(drop, ms);
        waiting.add(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
