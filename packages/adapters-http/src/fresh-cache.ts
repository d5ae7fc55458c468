/** A value and when the computation that made it began (epoch ms). */
interface Entry<V> {
  readonly startedAt: number;
  readonly value: Promise<V>;
  /** Known once settled: what the entry weighs against the cache's budget. */
  size: number;
  /** The value, once the computation has succeeded. */
  settled?: V;
  /** How the value was computed: how to compute it again ahead of time. */
  readonly compute: () => Promise<V>;
  /** A computation of the next value has started. */
  refreshing?: boolean;
}

/** Settings of {@link FreshCache}. */
export interface FreshCacheOptions {
  /** How old a value may be, counted from when its computation began; 0 turns caching off. */
  readonly maxAgeMs: number;
  /** Most entries kept (default 256). */
  readonly maxEntries?: number;
  /** Most total size kept, as `sizeOf` measures it (default 32 MiB of text). */
  readonly maxSize?: number;
  /** The clock, epoch ms. */
  readonly now: () => number;
  /**
   * Compute a value again once it is this old (less than `maxAgeMs`), in the
   * background, while it is still served: a busy key never waits for a
   * computation as it expires. Unset: only when asked for after it expired.
   */
  readonly refreshAfterMs?: number;
}

/**
 * Values that may be up to `maxAgeMs` old, by key: a value is reused while
 * its computation began less than `maxAgeMs` ago, and callers that ask for
 * a key while it is being computed share that computation (single flight).
 * Age counts from the start of the computation, so no caller ever gets data
 * read longer ago than the bound. Failures are not kept. Bounded in entries
 * and in total size, oldest out first.
 */
export class FreshCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private totalSize = 0;
  private readonly maxEntries: number;
  private readonly maxSize: number;

  constructor(
    private readonly options: FreshCacheOptions,
    private readonly sizeOf: (value: V) => number,
  ) {
    if (!Number.isSafeInteger(options.maxAgeMs) || options.maxAgeMs < 0) {
      throw new RangeError('maxAgeMs must be a whole number of milliseconds ≥ 0');
    }
    this.maxEntries = options.maxEntries ?? 256;
    this.maxSize = options.maxSize ?? 32 * 1024 * 1024;
  }

  get(key: string, compute: () => Promise<V>): Promise<V> {
    const now = this.options.now();
    const found = this.entries.get(key);
    if (found !== undefined && now - found.startedAt < this.options.maxAgeMs) {
      this.refreshIfDue(key, found, now);
      return found.value;
    }
    if (found !== undefined) this.remove(key, found);
    const value = compute();
    if (this.options.maxAgeMs === 0) return value;
    this.keep(key, { startedAt: now, value, size: 0, compute });
    return value;
  }

  /** Stores an entry, and its size once it is computed (a failure is dropped). */
  private keep(key: string, entry: Entry<V>): void {
    this.entries.set(key, entry);
    entry.value.then(
      (settled) => {
        if (this.entries.get(key) !== entry) return;
        entry.settled = settled;
        entry.size = this.sizeOf(settled);
        this.totalSize += entry.size;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.remove(key, entry);
      },
    );
    this.evict();
  }

  /**
   * Starts computing the next value of a settled entry that has reached
   * `refreshAfterMs`; it replaces the entry once computed, aged from when it
   * started. Until then the entry is served while it is fresh.
   */
  private refreshIfDue(key: string, entry: Entry<V>, now: number): void {
    const after = this.options.refreshAfterMs;
    if (
      after === undefined ||
      entry.refreshing ||
      entry.settled === undefined ||
      now - entry.startedAt < after
    ) {
      return;
    }
    entry.refreshing = true;
    const next = entry.compute();
    next.then(
      (settled) => {
        if (this.entries.get(key) !== entry) return;
        this.remove(key, entry);
        this.keep(key, { startedAt: now, value: next, size: 0, settled, compute: entry.compute });
      },
      () => {
        // Served until it expires; the next request after that computes as usual.
      },
    );
  }

  /**
   * The value of `key` if one is computed and still fresh, without waiting
   * and without starting a computation; undefined otherwise.
   */
  peek(key: string): V | undefined {
    const found = this.entries.get(key);
    if (found === undefined || found.settled === undefined) return undefined;
    const now = this.options.now();
    if (now - found.startedAt >= this.options.maxAgeMs) return undefined;
    this.refreshIfDue(key, found, now);
    return found.settled;
  }

  /** How many entries are kept now (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private remove(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.totalSize -= entry.size;
  }

  private evict(): void {
    // A Map iterates in insertion order: the first entries are the oldest.
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalSize <= this.maxSize) return;
      this.remove(key, entry);
    }
  }
}
