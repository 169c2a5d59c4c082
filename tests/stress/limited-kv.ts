// A KV stand-in with production's write limit (one write per second per key; production
// answers 429 beyond it, miniflare does not enforce it), for the stress tests in the workers project.

/** KV as production limits it: a write (put or delete) to a key less than `windowMs` after the last one throws. */
export class LimitedKv {
  readonly lastWrite = new Map<string, number>();
  /** Every value that landed, per key, in order. */
  readonly landed = new Map<string, string[]>();
  /** When each value in `landed` landed (ms). */
  readonly landedAt = new Map<string, number[]>();
  attempts = 0;
  refused = 0;
  /** Writes that started while an earlier write to the same key was still in flight (two publishers at once). */
  overlapping = 0;
  private inFlight = new Map<string, number>();
  /** Probability of refusing an otherwise allowed write (a flaky KV). */
  flakiness = 0;
  private random = seeded(42);

  constructor(
    readonly inner: KVNamespace,
    readonly windowMs = 1000,
  ) {}

  /** A write the Newsroom did not make (another writer, or a write that landed just before a crash). */
  touch(key: string): void {
    this.lastWrite.set(key, Date.now());
  }

  private admit(key: string): void {
    this.attempts++;
    const now = Date.now();
    const last = this.lastWrite.get(key);
    if ((last !== undefined && now - last < this.windowMs) || this.random() < this.flakiness) {
      this.refused++;
      throw new Error(`KV PUT failed: 429 Too Many Requests (${key})`);
    }
    this.lastWrite.set(key, now);
  }

  async put(key: string, value: string, options?: KVNamespacePutOptions): Promise<void> {
    if (this.inFlight.get(key)) this.overlapping++;
    this.admit(key);
    this.landed.set(key, [...(this.landed.get(key) ?? []), value]);
    this.landedAt.set(key, [...(this.landedAt.get(key) ?? []), Date.now()]);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      await this.inner.put(key, value, options);
    } finally {
      this.inFlight.set(key, this.inFlight.get(key)! - 1);
    }
  }

  async delete(key: string): Promise<void> {
    this.admit(key);
    await this.inner.delete(key);
  }

  get(...args: Parameters<KVNamespace["get"]>) {
    return (this.inner.get as (...a: unknown[]) => unknown)(...args);
  }
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
