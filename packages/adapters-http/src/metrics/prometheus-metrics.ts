import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metrics, OutboxDepth, WebhookAttemptOutcome } from '@exam-reservation/application';
import type { ErrorCode } from '@exam-reservation/domain';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** A pool's connections, as a store reports them. */
export interface PoolGauge {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

/** Where the gauges read at scrape time come from. */
export interface MetricSources {
  /** The database pool now; null when there is none (the embedded store). */
  readonly pool?: () => PoolGauge | null;
  /** The webhook outbox now (one query per scrape). */
  readonly outbox?: () => Promise<OutboxDepth>;
  /** epoch ms, for the age of the oldest due message. */
  readonly now?: () => number;
}

/** What the HTTP adapter records per request, and how it shows everything. */
export interface HttpMetrics {
  /** One finished request; `route` is a template (`/reservations/:id/confirm`) or `unmatched`. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The Prometheus text exposition of everything. */
  exposition(): Promise<{ contentType: string; body: string }>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const STANDARD_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

/**
 * The `method` label of a request: a standard method, or `OTHER`. Node
 * accepts dozens of methods (PROPFIND, MKCOL, …), and each one a client
 * sends would otherwise add a series per route and status.
 */
export function methodLabel(method: string): string {
  return STANDARD_METHODS.has(method) ? method : 'OTHER';
}

/**
 * The application's {@link Metrics} and the HTTP adapter's request metrics
 * in one prom-client registry of its own (several apps in one process, as
 * in tests, do not mix), with node's default process metrics. Cheap on the
 * hot path: the labelled children of each series are looked up once and
 * kept, so recording is a map lookup and an increment.
 */
export class PrometheusMetrics implements Metrics, HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route' | 'status'>;
  private readonly perRequest = new Map<string, { count: Counter; seconds: Histogram }>();
  private readonly confirmations: Counter<'outcome'>;
  private readonly capacityRefusals: Counter<'action'>;
  private readonly batchSize: Histogram;
  private readonly admissionRuns: Counter<'result'>;
  private readonly admissionDecisions: Counter<'decision'>;
  private readonly admissionSeconds: Histogram;
  private readonly promotions: Counter;
  private readonly promotionLag: Histogram;
  private readonly webhookAttempts: Counter<'outcome'>;
  private readonly webhookSeconds: Histogram;
  private readonly webhookThrottled: Gauge;
  private readonly confirmedChild: Counter;

  constructor(sources: MetricSources = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'exam_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'exam_http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being sent, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.confirmations = new Counter({
      name: 'exam_confirmations_total',
      help: 'Confirmations answered (single, batched, bulk), by outcome: confirmed or the refusal code.',
      labelNames: ['outcome'],
      registers,
    });
    this.confirmedChild = this.confirmations.labels('confirmed') as unknown as Counter;
    this.capacityRefusals = new Counter({
      name: 'exam_capacity_refusals_total',
      help: 'Bookings and confirmations refused because a slot had no room left.',
      labelNames: ['action'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'exam_confirmation_batch_size',
      help: 'Confirmations decided together in one transaction.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000],
      registers,
    });
    this.admissionRuns = new Counter({
      name: 'exam_admission_runs_total',
      help: 'Admissions run to the end (completed) or not (failed).',
      labelNames: ['result'],
      registers,
    });
    this.admissionDecisions = new Counter({
      name: 'exam_admission_decisions_total',
      help: 'Reservations an admission confirmed, rejected or left pending.',
      labelNames: ['decision'],
      registers,
    });
    this.admissionSeconds = new Histogram({
      name: 'exam_admission_duration_seconds',
      help: 'How long admissions took.',
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.promotions = new Counter({
      name: 'exam_waiting_list_promotions_total',
      help: 'Reservations the waiting list confirmed.',
      registers,
    });
    this.promotionLag = new Histogram({
      name: 'exam_waiting_list_promotion_lag_seconds',
      help: 'From the change that freed room to the waiting list confirming a reservation in it, per reservation.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
      registers,
    });
    this.webhookAttempts = new Counter({
      name: 'exam_webhook_attempts_total',
      help: 'Webhook attempts, by outcome: delivered (2xx), retry, failed (no attempt left), gone (410).',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookSeconds = new Histogram({
      name: 'exam_webhook_attempt_duration_seconds',
      help: 'How long webhook attempts took.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
      registers,
    });
    this.webhookThrottled = new Gauge({
      name: 'exam_webhook_endpoints_throttled',
      help: 'Webhook endpoints this process allows fewer attempts in flight because they kept failing or timing out.',
      registers,
    });
    const { pool, outbox, now = Date.now } = sources;
    if (pool) {
      new Gauge({
        name: 'exam_db_pool_connections',
        help: 'Database pool connections: open (total), idle, and the most the pool opens (max).',
        labelNames: ['state'],
        registers,
        collect() {
          const usage = pool();
          if (!usage) return;
          this.set({ state: 'total' }, usage.total);
          this.set({ state: 'idle' }, usage.idle);
          this.set({ state: 'max' }, usage.max);
        },
      });
      new Gauge({
        name: 'exam_db_pool_waiting_clients',
        help: 'Callers waiting for a database connection.',
        registers,
        collect() {
          this.set(pool()?.waiting ?? 0);
        },
      });
    }
    if (outbox) {
      // One query serves the three gauges of a scrape.
      let reading: Promise<OutboxDepth | null> | null = null;
      const read = () => {
        reading ??= outbox()
          .catch(() => null)
          .finally(() => setTimeout(() => (reading = null), 0));
        return reading;
      };
      const gauges: [name: string, help: string, value: (depth: OutboxDepth) => number][] = [
        [
          'exam_webhook_outbox_pending',
          'Webhook messages not yet delivered, failed or cancelled.',
          (depth) => depth.pending,
        ],
        [
          'exam_webhook_outbox_due',
          'Webhook messages due for an attempt now (a backlog when it keeps growing).',
          (depth) => depth.due,
        ],
        [
          'exam_webhook_outbox_oldest_due_seconds',
          'How long the oldest due webhook message has been waiting (0 when none is).',
          (depth) => (depth.oldestDueAt === null ? 0 : Math.max(0, (now() - depth.oldestDueAt) / 1000)),
        ],
      ];
      for (const [name, help, value] of gauges) {
        new Gauge({
          name,
          help,
          registers,
          async collect() {
            const depth = await read();
            if (depth) this.set(value(depth));
          },
        });
      }
    }
  }

  observeRequest(sentMethod: string, route: string, status: number, seconds: number): void {
    const method = methodLabel(sentMethod);
    const key = `${method} ${status} ${route}`;
    let series = this.perRequest.get(key);
    if (!series) {
      const labels = { method, route, status: String(status) };
      series = {
        count: this.requests.labels(labels) as unknown as Counter,
        seconds: this.latency.labels(labels) as unknown as Histogram,
      };
      this.perRequest.set(key, series);
    }
    series.count.inc();
    series.seconds.observe(seconds);
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  confirmation(outcome: 'confirmed' | ErrorCode): void {
    if (outcome === 'confirmed') {
      this.confirmedChild.inc();
      return;
    }
    this.confirmations.inc({ outcome });
    if (outcome === 'capacity_exceeded') this.capacityRefusals.inc({ action: 'confirm' });
  }

  bookingRefusedForCapacity(): void {
    this.capacityRefusals.inc({ action: 'create' });
  }

  confirmationBatch(size: number): void {
    this.batchSize.observe(size);
  }

  admission(
    result: { confirmed: number; rejected: number; leftPending: number } | null,
    seconds: number,
  ): void {
    this.admissionRuns.inc({ result: result ? 'completed' : 'failed' });
    this.admissionSeconds.observe(seconds);
    if (!result) return;
    this.admissionDecisions.inc({ decision: 'confirmed' }, result.confirmed);
    this.admissionDecisions.inc({ decision: 'rejected' }, result.rejected);
    this.admissionDecisions.inc({ decision: 'left_pending' }, result.leftPending);
  }

  waitingListPromotion(confirmed: number, lagSeconds: number): void {
    this.promotions.inc(confirmed);
    for (let i = 0; i < confirmed; i++) this.promotionLag.observe(lagSeconds);
  }

  webhookEndpointsThrottled(count: number): void {
    this.webhookThrottled.set(count);
  }

  webhookAttempt(outcome: WebhookAttemptOutcome, seconds: number): void {
    this.webhookAttempts.inc({ outcome });
    this.webhookSeconds.observe(seconds);
  }
}

/**
 * Whether an `Authorization` header carries `Bearer <token>`, compared in
 * constant time (digests of equal length, so neither the token's length
 * nor its first differing byte shows in the time taken).
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const sent = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(sent, expected) && match !== null;
}
