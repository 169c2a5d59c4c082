// The one way a Durable Object publishes to KV. KV allows one write per second to a key, may refuse
// or fail a write, and is not transactional; so an object records what must be published in its own
// SQLite, in the same transaction as the change it reflects, and its alarm delivers it: at most once
// a second per entry, the latest state only, retried with backoff until KV takes it.
//
// An entry is either a queued write (its value decided now: a licence record) or a dirty key whose
// writes the owner builds from its SQLite when the entry is due (a section's feeds, built from the
// archive as it is then). Both share the pacing, backoff and generation guard below.

/** One KV write a publisher makes. */
export interface KvWrite {
  key: string;
  /** null deletes the key. */
  value: string | null;
  metadata?: Record<string, unknown>;
  expirationTtl?: number;
}

/** KV allows one write per second to a key. */
export const KV_KEY_INTERVAL_MS = 1000;
const MAX_RETRY_DELAY_MS = 60_000;
/** Workers allow 1,000 KV operations per invocation; a publish run stays well under it. */
const KV_OPERATIONS_PER_RUN = 500;
/** KV writes a run keeps in flight at once. */
const KV_WRITES_IN_FLIGHT = 4;

/**
 * The publisher's tables, for an owner's migration step. Frozen as written: a later change to them is
 * a new step in each owner's list.
 * - `kv_outbox`: what is waiting, per entry `key`: `writes` (JSON KvWrite[]) for a queued write, or
 *   NULL for a dirty key the owner builds when due; `gen` grows with every change, so a run clears
 *   only the state it published; `attempts` and `not_before_ms` are the backoff after a failure.
 * - `kv_written`: when each entry was last written (its 1 write/s spacing); pruned after a minute.
 */
export const KV_PUBLISHER_TABLES = `
  CREATE TABLE kv_outbox (key TEXT PRIMARY KEY, writes TEXT, gen INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE kv_written (key TEXT PRIMARY KEY, written_ms INTEGER NOT NULL);
`;

export interface KvPublisherOptions {
  /**
   * Builds a dirty key's writes when it is due, synchronously from the owner's SQLite. It runs in a
   * transaction of its own: if it throws, its SQL is rolled back and the key retried with backoff,
   * while other keys publish.
   */
  build?: (key: string, now: number) => KvWrite[];
  /**
   * Key prefixes of heavy builds (synchronous work that takes long), most urgent first: a run publishes the
   * first due key of the first prefix that has one before any light key, and no other heavy key, so other
   * calls interleave.
   */
  heavy?: readonly string[];
  /** Called once every write of an entry has landed (the owner may tell others that it has). */
  landed?: (key: string) => void;
}

interface Entry {
  key: string;
  writes: string | null;
  gen: number;
  attempts: number;
  [column: string]: SqlStorageValue;
}

export class KvPublisher {
  private readonly sql: SqlStorage;
  /** True while a run awaits KV: one run at a time (a test may run an alarm beside the scheduled one). */
  private running = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly kv: () => KVNamespace,
    private readonly options: KvPublisherOptions = {},
  ) {
    this.sql = storage.sql;
  }

  /** Queues `write` under its own key, replacing anything queued there. Synchronous: call it inside the change's transaction. */
  enqueue(write: KvWrite): void {
    this.upsert(write.key, JSON.stringify([write]));
  }

  /** Marks `key` dirty: `build` makes its writes when it is due. Synchronous: call it inside the change's transaction. */
  markDirty(key: string): void {
    this.upsert(key, null);
  }

  /** Marks `key` dirty unless it already waits, keeping any backoff it is in: for a rebuild that only refreshes what it would build anyway. */
  ensureDirty(key: string): void {
    this.sql.exec("INSERT INTO kv_outbox (key, writes, gen) VALUES (?, NULL, 1) ON CONFLICT (key) DO NOTHING", key);
  }

  private upsert(key: string, writes: string | null): void {
    this.sql.exec(
      `INSERT INTO kv_outbox (key, writes, gen) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET writes = excluded.writes, gen = kv_outbox.gen + 1, attempts = 0, not_before_ms = 0`,
      key,
      writes,
    );
  }

  /** When the next entry is due (ms), or null when nothing waits. */
  nextDue(): number | null {
    // While a backlog drains, some entry is due already: found in the first rows, not by scanning the outbox.
    const now = Date.now();
    if (this.sql.exec(`SELECT 1 FROM ${DUE} LIMIT 1`, now, KV_KEY_INTERVAL_MS, now).toArray().length > 0) return now;
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(MAX(o.not_before_ms, COALESCE(w.written_ms, 0) + ?)) AS at FROM kv_outbox o LEFT JOIN kv_written w ON w.key = o.key`,
        KV_KEY_INTERVAL_MS,
      )
      .one().at;
  }

  /** Arms the alarm for the next due entry, or for `also` (ms) when that is sooner. */
  async schedule(also: number | null = null): Promise<void> {
    const due = this.nextDue();
    const next = due === null ? also : also === null ? due : Math.min(due, also);
    if (next === null) return;
    const current = await this.storage.getAlarm();
    if (current === null || next < current) await this.storage.setAlarm(Math.max(next, Date.now()));
  }

  /** True while a run is publishing (its owner's alarm re-arms once it ends). */
  get busy(): boolean {
    return this.running;
  }

  /** Publishes every entry that is due. Entries that fail (to build or to write) back off; the rest are unaffected. */
  async publishDue(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.run(Date.now());
    } finally {
      this.running = false;
    }
  }

  private async run(now: number): Promise<void> {
    // Only what this run can publish is read (a backlog may hold a hundred thousand entries): the first due
    // heavy key by rank, then light keys in key order, at most one per operation of the budget.
    const heavy = (this.options.heavy ?? []).map((prefix) => ({ prefix, end: prefixEnd(prefix) }));
    const select = (where: string, params: SqlStorageValue[], limit: number) =>
      this.sql
        .exec<Entry>(
          `SELECT o.key, o.writes, o.gen, o.attempts FROM ${DUE} ${where} ORDER BY o.key LIMIT ?`,
          now,
          KV_KEY_INTERVAL_MS,
          now,
          ...params,
          limit,
        )
        .toArray();
    const due: Entry[] = [];
    for (const { prefix, end } of heavy) {
      due.push(...select("AND o.key >= ? AND o.key < ?", [prefix, end], 1));
      if (due.length > 0) break;
    }
    due.push(
      ...select(
        heavy.map(() => "AND NOT (o.key >= ? AND o.key < ?)").join(" "),
        heavy.flatMap(({ prefix, end }) => [prefix, end]),
        KV_OPERATIONS_PER_RUN,
      ),
    );

    // Each entry is built synchronously (its own transaction) and its writes start at once; between builds the
    // thread is handed back, so a push or a read waits for at most one build, never for a whole run. Writes go a
    // few at a time: a burst of them is one long wait for whatever else shares the thread (the local KV simulator
    // takes ~1 ms of it per write). At most KV_OPERATIONS_PER_RUN writes a run; the rest wait moments.
    const kv = this.kv();
    const limit = inFlight(KV_WRITES_IN_FLIGHT);
    // Each batch settles to null once every write landed, or to why one failed (handled at once: a run that
    // yields must not leave a rejection unhandled meanwhile).
    const batches: { entry: Entry; failure: Promise<{ reason: unknown } | null> }[] = [];
    let operations = 0;
    for (const entry of due) {
      if (operations >= KV_OPERATIONS_PER_RUN) break;
      // Hands the thread to whatever waits for it (a request, another call into the object), then continues.
      if (batches.length > 0) await scheduler.wait(0);
      const writes = this.writesOf(entry, now);
      if (!writes) continue;
      operations += writes.length;
      const failure = Promise.all(writes.map((w) => limit(() => put(kv, w)))).then(
        () => null,
        (reason: unknown) => ({ reason }),
      );
      batches.push({ entry, failure });
    }

    const failures = await Promise.all(batches.map((b) => b.failure));
    const written = Date.now();
    failures.forEach((failure, i) => {
      const { entry } = batches[i]!;
      // Some of a failed batch's writes may have landed: space the next attempt from this one either way.
      this.sql.exec("INSERT OR REPLACE INTO kv_written (key, written_ms) VALUES (?, ?)", entry.key, written);
      // Only clear the entry if nothing changed it while we were writing.
      if (failure === null) {
        this.sql.exec("DELETE FROM kv_outbox WHERE key = ? AND gen = ?", entry.key, entry.gen);
        this.options.landed?.(entry.key);
      } else this.backOff(entry, written, "write", failure.reason);
    });
    this.sql.exec("DELETE FROM kv_written WHERE written_ms < ?", written - 60_000);
  }

  /** The entry's writes: queued, or built now; null when the build failed (the entry then backs off). */
  private writesOf(entry: Entry, now: number): KvWrite[] | null {
    if (entry.writes !== null) return JSON.parse(entry.writes) as KvWrite[];
    const build = this.options.build;
    try {
      if (!build) throw new Error("this publisher builds no dirty keys");
      return this.storage.transactionSync(() => build(entry.key, now));
    } catch (error) {
      this.backOff(entry, now, "build", error);
      return null;
    }
  }

  private backOff(entry: Entry, at: number, what: string, reason: unknown): void {
    const delay = Math.min(MAX_RETRY_DELAY_MS, KV_KEY_INTERVAL_MS * 2 ** entry.attempts);
    console.error(`publish ${entry.key}: ${what} failed (attempt ${entry.attempts + 1}), retrying in ${delay} ms:`, String(reason));
    this.sql.exec("UPDATE kv_outbox SET attempts = attempts + 1, not_before_ms = ? WHERE key = ?", at + delay, entry.key);
  }
}

/** The entries due at a time (parameters: now, KV_KEY_INTERVAL_MS, now): not backing off, and not written within the interval. */
const DUE = `kv_outbox o LEFT JOIN kv_written w ON w.key = o.key WHERE o.not_before_ms <= ? AND COALESCE(w.written_ms, 0) + ? <= ?`;

/** Runs the tasks given to it at most `max` at a time, in the order given. */
function inFlight(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finished task hands its slot straight to the next waiting one.
    if (running < max) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** The least string above every string that starts with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function put(kv: KVNamespace, w: KvWrite): Promise<void> {
  if (w.value === null) return kv.delete(w.key);
  return kv.put(w.key, w.value, {
    ...(w.metadata ? { metadata: w.metadata } : {}),
    ...(w.expirationTtl ? { expirationTtl: w.expirationTtl } : {}),
  });
}
