import type { Clock, Metrics, UnitOfWork, WebhookTransport } from '../ports/index.js';

/** Settings of `DeliverWebhooks`. */
export interface DeliverWebhooksDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly transport: WebhookTransport;
  readonly metrics?: Metrics | undefined;
  /** How long a claimed message is this process's alone: longer than the transport's timeout. */
  readonly leaseMs: number;
  /** Waits between attempts (default: the Standard Webhooks schedule). */
  readonly retryDelaysMs?: readonly number[] | undefined;
  /** Most attempts in flight in this process (default 64). */
  readonly maxInFlight?: number | undefined;
  /** Most attempts in flight per endpoint in this process (default 16). */
  readonly perEndpoint?: number | undefined;
  /** Attempts in flight an endpoint may have before it has answered (default 4; see `WebhookAllowances`). */
  readonly startPerEndpoint?: number | undefined;
  /** [0, 1), for jitter (default Math.random). */
  readonly random?: (() => number) | undefined;
  /** Told about failures that have no caller to go to (recording an attempt failed). */
  readonly onError?: ((error: unknown) => void) | undefined;
}
