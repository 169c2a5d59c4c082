// Isolate memory in front of the read path's KV reads, within the freshness KV already allows: reads of
// changing keys (indexes, validators, pre-rendered bodies, archive documents) ask KV's edge cache for
// values up to KV_MUTABLE_CACHE_TTL (30 s) old, so holding one for FEED_MEMO_MS more costs readers
// nothing KV did not already allow, while a hot feed then reads KV once per window instead of per request.
// Items are written once per article version and never change: they stay until the byte bound evicts them.

/**
 * How long an isolate may answer from a changing key's value, from when its KV read began (ms): the
 * `FEED_MEMO_MS` variable, at most MAX_FEED_MEMO_MS; "0" turns it off (the workerd tests run so, since
 * they publish and read back within milliseconds). Half a second adds at most that to the time an update
 * takes to show (KV's edge cache alone may add 30 s in production), and already covers every request but
 * one of a feed read more than twice a second, which is where the memo pays.
 */
export const MAX_FEED_MEMO_MS = 500;
export const memoWindowMs = (env: { FEED_MEMO_MS?: string }): number =>
  Math.max(0, Math.min(MAX_FEED_MEMO_MS, Number(env.FEED_MEMO_MS ?? 0) || 0));

/** Bytes held for changing keys: every section's bodies in both scripts (~4.5 MB) and indexes fit, and a few archive documents. */
export const RECENT_MAX_BYTES = 12 * 1024 * 1024;
/** Bytes held for items: the `all` window's 200 entries in three formats and two scripts (~8.5 MB). */
export const ITEMS_MAX_BYTES = 16 * 1024 * 1024;

/** What a changing key's read gave, and what it costs to hold (strings count two bytes per UTF-16 unit). */
export interface Sized<T> {
  value: T;
  bytes: number;
}

export const textBytes = (text: string | null) => (text === null ? 0 : text.length * 2);

interface Held {
  /** When its KV read began: the value is at least this fresh. */
  at: number;
  bytes: number;
  value: unknown;
}

/** One isolate's memory: module state is per isolate, shared by its requests. Exported as a class so tests can clock it. */
export class IsolateMemo {
  private readonly recentHeld = new Map<string, Held>();
  private recentBytes = 0;
  private readonly itemHeld = new Map<string, string>();
  private itemBytes = 0;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly limits = { recent: RECENT_MAX_BYTES, items: ITEMS_MAX_BYTES },
  ) {}

  /**
   * A changing key's value, read by `load` at most `windowMs` ago. Only values are held, never a read in flight:
   * a KV read belongs to the request that made it (Workers refuses its I/O to any other request), so requests
   * that miss together each read, and the read begun last is kept. A failed read is not held.
   */
  async recent<T>(key: string, windowMs: number, load: () => Promise<Sized<T>>): Promise<T> {
    if (windowMs <= 0) return (await load()).value;
    const started = this.now();
    const held = this.recentHeld.get(key);
    if (held && started - held.at < windowMs) return held.value as T;
    const read = await load();
    const current = this.recentHeld.get(key);
    if (!current || current.at <= started) {
      if (current) this.forget(key, current);
      const entry: Held = { at: started, bytes: read.bytes + key.length * 2, value: read.value };
      this.recentHeld.set(key, entry);
      this.recentBytes += entry.bytes;
      this.evictRecent();
    }
    return read.value;
  }

  /** An item held by this isolate (and now the most recently used), or undefined. */
  item(key: string): string | undefined {
    const value = this.itemHeld.get(key);
    if (value === undefined) return undefined;
    this.itemHeld.delete(key);
    this.itemHeld.set(key, value);
    return value;
  }

  /** Holds an item (immutable: its key names the article version and renderer), evicting the least recently used beyond the bound. */
  keepItem(key: string, value: string): void {
    if (this.itemHeld.has(key)) return;
    const bytes = textBytes(value) + key.length * 2;
    if (bytes > this.limits.items) return;
    this.itemHeld.set(key, value);
    this.itemBytes += bytes;
    for (const [oldest, held] of this.itemHeld) {
      if (this.itemBytes <= this.limits.items) break;
      this.itemHeld.delete(oldest);
      this.itemBytes -= textBytes(held) + oldest.length * 2;
    }
  }

  /** What is held, for tests and the bench. */
  size(): { recent: number; recentBytes: number; items: number; itemBytes: number } {
    return { recent: this.recentHeld.size, recentBytes: this.recentBytes, items: this.itemHeld.size, itemBytes: this.itemBytes };
  }

  private forget(key: string, held: Held): void {
    this.recentHeld.delete(key);
    this.recentBytes -= held.bytes;
  }

  /** Oldest reads go first (a Map iterates in insertion order, and a key re-read is re-inserted). */
  private evictRecent(): void {
    for (const [key, held] of this.recentHeld) {
      if (this.recentBytes <= this.limits.recent) break;
      this.forget(key, held);
    }
  }
}

/** The isolate's memo, used by every feed read (public, Simplified twin, archive, partner) through src/feeds/read.ts. */
export const isolateMemo = new IsolateMemo();
