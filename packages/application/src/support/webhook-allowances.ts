/** Settings of {@link WebhookAllowances}. */
export interface WebhookAllowancesOptions {
  /** The most attempts in flight an endpoint may have. */
  readonly max: number;
  /**
   * What an endpoint this process has not sent to lately may have at first:
   * an endpoint that turns out to hang then holds only this many attempts
   * until they time out, not `max`.
   */
  readonly start: number;
  /** An endpoint with nothing in flight for this long is forgotten (back to `start`). */
  readonly forgetAfterMs: number;
}

interface EndpointState {
  inFlight: number;
  allowance: number;
  /** Cut by a failure, and not grown back to `max` since. */
  throttled: boolean;
  /** When its last attempt ended (epoch ms). */
  lastEndedAt: number;
}

/**
 * How many attempts each endpoint may have in flight in this process, by
 * AIMD: halved (down to 1) by each failed attempt, one more for each
 * delivered one (up to `max`). An endpoint that hangs or keeps failing so
 * holds few attempts, and the process's room goes to the endpoints that
 * answer. Counted per process, in memory: several processes each keep their
 * own, which bounds an endpoint's attempts at once by the number of processes.
 */
export class WebhookAllowances {
  private readonly endpoints = new Map<number, EndpointState>();

  constructor(private readonly options: WebhookAllowancesOptions) {
    const { max, start, forgetAfterMs } = options;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
    if (!Number.isSafeInteger(start) || start < 1 || start > max)
      throw new RangeError('start must be a positive integer, at most max');
    if (!(forgetAfterMs >= 0)) throw new RangeError('forgetAfterMs must not be negative');
  }

  /** How many attempts `endpointId` may have in flight now. */
  allowance(endpointId: number): number {
    return this.endpoints.get(endpointId)?.allowance ?? this.options.start;
  }

  /** Attempts in flight for `endpointId`. */
  inFlight(endpointId: number): number {
    return this.endpoints.get(endpointId)?.inFlight ?? 0;
  }

  /** Attempts in flight per endpoint, for a claim. */
  busy(): Map<number, number> {
    const busy = new Map<number, number>();
    for (const [id, s] of this.endpoints) if (s.inFlight > 0) busy.set(id, s.inFlight);
    return busy;
  }

  /** Endpoints allowed fewer than `max`, for a claim. */
  allowances(): Map<number, number> {
    const allowances = new Map<number, number>();
    for (const [id, s] of this.endpoints) if (s.allowance < this.options.max) allowances.set(id, s.allowance);
    return allowances;
  }

  /** Endpoints whose allowance a failure cut and that have not grown back to `max`. */
  get throttledCount(): number {
    let n = 0;
    for (const s of this.endpoints.values()) if (s.throttled) n++;
    return n;
  }

  started(endpointId: number): void {
    let s = this.endpoints.get(endpointId);
    if (!s) {
      s = { inFlight: 0, allowance: this.options.start, throttled: false, lastEndedAt: 0 };
      this.endpoints.set(endpointId, s);
    }
    s.inFlight++;
  }

  /**
   * An attempt ended: `delivered` grows the allowance by one, `failed` (an
   * answer other than 2xx, or none in time) halves it, `gone` (the endpoint
   * is disabled) forgets it.
   */
  ended(endpointId: number, result: 'delivered' | 'failed' | 'gone', now: number): void {
    const s = this.endpoints.get(endpointId);
    if (!s) return;
    s.inFlight = Math.max(0, s.inFlight - 1);
    s.lastEndedAt = now;
    if (result === 'delivered') {
      s.allowance = Math.min(this.options.max, s.allowance + 1);
      if (s.allowance === this.options.max) s.throttled = false;
    } else if (result === 'failed') {
      s.allowance = Math.max(1, Math.floor(s.allowance / 2));
      s.throttled = s.allowance < this.options.max;
    } else {
      s.allowance = 1;
      s.throttled = false;
      if (s.inFlight === 0) this.endpoints.delete(endpointId);
    }
  }

  /**
   * Forgets endpoints idle for `forgetAfterMs` (removed ones among them), so the state stays small.
   * @returns whether it forgot any
   */
  sweep(now: number): boolean {
    let forgot = false;
    for (const [id, s] of this.endpoints) {
      if (s.inFlight === 0 && now - s.lastEndedAt >= this.options.forgetAfterMs) {
        this.endpoints.delete(id);
        forgot = true;
      }
    }
    return forgot;
  }
}
