import type { Clock, UseCases } from '@exam-reservation/application';
import type { BookingPolicy } from '@exam-reservation/domain';
import type { Logger } from 'pino';
import type { HashQueueLoad } from './hash-gate.js';
import type { HttpMetrics } from './metrics/prometheus-metrics.js';

/** Transport settings of the HTTP adapter. */
export interface HttpOptions {
  /** Origins allowed by CORS; `['*']` allows any; empty sends no CORS headers. */
  readonly corsOrigins?: readonly string[];
  /** Largest accepted request body, in the `bytes` notation of Express (`'16kb'`). */
  readonly bodyLimit?: string;
  /** Express `trust proxy` setting: which hops may set X-Forwarded-For (matters for login rate limits). */
  readonly trustProxy?: boolean | number | string;
  /**
   * How old a schedule answer may be (default 0: always read live). Within
   * it, identical requests share one computation and its JSON.
   */
  readonly scheduleMaxStalenessMs?: number;
  /**
   * Bearer token that opens `GET /metrics` (METRICS_TOKEN); without one the
   * route does not exist (404).
   */
  readonly metricsToken?: string | undefined;
  /** The admin console's built files, served at `/admin`; without, `/admin` is a 404. */
  readonly consoleDir?: string | undefined;
}

/** Everything {@link createApp} needs: the use cases, the policy, a clock, a logger and a readiness probe. */
export interface HttpDeps {
  readonly useCases: UseCases;
  readonly policy: BookingPolicy;
  /**
   * The clock the use cases read: for how old a cached answer is, and to date
   * the examples of the OpenAPI document (from the first bookable day).
   */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Resolves when the service can serve requests (the database answers); rejects otherwise. */
  readonly ready: () => Promise<void>;
  readonly options?: HttpOptions;
  /**
   * The password-hashing queue the use cases hash in: with it, a server made
   * by the app's `listen()` sheds registrations and log-ins before reading
   * their bodies while the queue is full (hash-gate.ts).
   */
  readonly hashQueue?: HashQueueLoad | undefined;
  /** Where requests are counted and timed, and what `GET /metrics` shows; nothing is recorded without. */
  readonly metrics?: HttpMetrics | undefined;
}
