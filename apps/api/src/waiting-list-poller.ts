import type { PromoteWaitingList } from '@exam-reservation/application';
import type { Logger } from 'pino';

/**
 * Runs the waiting list's promotion step in this process every `everyMs`
 * (a quarter of AUTO_ADMIT_DELAY_MS), one step at a time, and again at once
 * after a step that walked a room. Every process
 * sharing the database polls; a room goes to the one that claims it (row
 * claims under a lease: nothing kept on a connection, so PgBouncer's
 * transaction pooling is fine). Failures are logged and retried at the next
 * poll, backing off up to 30 s.
 */
export class WaitingListPoller {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly promote: Pick<PromoteWaitingList, 'execute'>,
    private readonly options: { readonly everyMs: number; readonly logger: Logger },
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops polling and waits for a step in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let busy = false;
      try {
        const done = await this.promote.execute();
        if (done.confirmed > 0) this.options.logger.info(done, 'waiting list: reservations confirmed');
        // Rooms freed while it walked wait behind it: look again at once.
        busy = done.rooms > 0;
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 20 === 0) {
          this.options.logger.warn({ err: error, failures }, 'waiting list: promotion failed');
        }
      }
      if (this.stopped) break;
      if (busy) continue;
      await this.sleep(
        failures > 0 ? Math.min(30_000, this.options.everyMs * 2 ** failures) : this.options.everyMs,
      );
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.wake = null;
    });
  }
}
