/** A value and when the computation that made it began (epoch ms). */
interface Entry<V> {
  readonly startedAt: number;
  readonly value: Promise<V>;
  /** Known once settled: what the entry weighs against the cache's budget. */
  size: number;
  /** The value, once the computation has succeeded. */
  settled?: V;
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
    if (found !== undefined && now - found.startedAt < this.options.maxAgeMs) return found.value;
    if (found !== undefined) this.remove(key, found);
    const value = compute();
    if (this.options.maxAgeMs === 0) return value;
    const entry: Entry<V> = { startedAt: now, value, size: 0 };
    this.entries.set(key, entry);
    value.then(
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
    return value;
  }

  /**
   * The value of `key` if one is computed and still fresh, without waiting
   * and without starting a computation; undefined otherwise.
   */
  peek(key: string): V | undefined {
    const found = this.entries.get(key);
    if (found === undefined || found.settled === undefined) return undefined;
    return this.options.now() - found.startedAt < this.options.maxAgeMs ? found.settled : undefined;
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
