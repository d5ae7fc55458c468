import type { DeliverWebhooks } from '@exam-reservation/application';
import type { Logger } from 'pino';

/** Settings of {@link WebhookPoller}. */
export interface WebhookPollerOptions {
  /** How often to look for due messages when nothing happens (default 1 s). */
  readonly idleMs?: number;
  /**
   * After a nudge, how long to gather more before looking (default 20 ms):
   * during a rush, changes are committed hundreds of times a second, and one
   * look serves all of those that came within it.
   */
  readonly gatherMs?: number;
  /**
   * True while this process is busy answering requests (a registration
   * rush): requests come first, so deliveries then go on at a trickle of
   * `busyLimit` messages every `busyPauseMs`, and catch up once it is over.
   */
  readonly busy?: () => boolean;
  /** Messages per round while busy (default 16). */
  readonly busyLimit?: number;
  /** Pause between rounds while busy (default 250 ms). */
  readonly busyPauseMs?: number;
  readonly logger: Logger;
}

/**
 * Runs the webhook deliveries of this process, after its requests: rounds of
 * {@link DeliverWebhooks.round}, back to back while there is more due than
 * room, else every `idleMs`, or sooner when nudged (this process committed
 * a change that queued messages). Polling only: no LISTEN, nothing kept on a
 * database connection, so it works through PgBouncer in transaction mode;
 * every process sharing the database polls, and each message goes to the
 * one that claims it. Database errors back off, up to 30 s.
 */
export class WebhookPoller {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private gathering = false;
  /** Nudged while a round ran: what it committed may have come after the round looked. */
  private nudgedBusy = false;
  /** In a pause for a busy process: nudges do not cut it short. */
  private pausing = false;
  private readonly idleMs: number;
  private readonly gatherMs: number;

  constructor(
    private readonly deliver: DeliverWebhooks,
    private readonly options: WebhookPollerOptions,
  ) {
    this.idleMs = options.idleMs ?? 1000;
    this.gatherMs = options.gatherMs ?? 20;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Something was queued: look soon (within `gatherMs`), not at the next idle poll. */
  nudge(): void {
    if (this.pausing) return;
    if (!this.wake) {
      this.nudgedBusy = true;
      return;
    }
    if (this.gathering) return;
    this.gathering = true;
    const timer = setTimeout(() => this.wake?.(), this.gatherMs);
    timer.unref();
  }

  /** Stops claiming, and waits up to `graceMs` for attempts in flight to end and be recorded. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.deliver.settled(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let saturated = false;
      this.nudgedBusy = false;
      const busy = this.options.busy?.() ?? false;
      try {
        ({ saturated } = await this.deliver.round(busy ? (this.options.busyLimit ?? 16) : undefined));
        if (failures > 0) this.options.logger.info('webhook deliveries resumed');
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 20 === 0) {
          this.options.logger.warn({ err: error, failures }, 'looking for due webhooks failed');
        }
      }
      if (this.stopped) break;
      if (busy && failures === 0) {
        this.pausing = true;
        await this.sleep(this.options.busyPauseMs ?? 250).finally(() => {
          this.pausing = false;
        });
        continue;
      }
      if (saturated && failures === 0) {
        // More may be due than there was room for: go on once attempts end,
        // gathering a few ends so that one claim takes several messages.
        await this.deliver.anAttemptEnded();
        await this.sleep(this.gatherMs / 4);
        continue;
      }
      const wait = failures > 0 ? Math.min(30_000, this.idleMs * 2 ** failures) : this.idleMs;
      await this.sleep(this.nudgedBusy && failures === 0 ? this.gatherMs : wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      const wake = () => done();
      this.wake = wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.wake = null;
      this.gathering = false;
    });
  }
}
