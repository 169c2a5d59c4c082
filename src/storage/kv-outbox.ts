// A Durable Object's queue of KV writes. KV allows one write per second to a key and may refuse
// or fail a write, so a Durable Object that must publish to KV records the write in its own SQLite,
// in the same transaction as the change it reflects, and its alarm delivers it: at most once a
// second per key, the latest value only, retried with backoff until KV takes it.

const KV_KEY_INTERVAL_MS = 1000;
const MAX_RETRY_DELAY_MS = 60_000;

export class KvOutbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly kv: () => KVNamespace,
  ) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS kv_outbox (key TEXT PRIMARY KEY, value TEXT, gen INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS kv_written (key TEXT PRIMARY KEY, written_ms INTEGER NOT NULL);
    `);
  }

  /** Queues `value` for `key` (null deletes it), replacing anything queued before. Synchronous: call it inside the change's transaction. */
  enqueue(key: string, value: string | null): void {
    this.sql.exec(
      `INSERT INTO kv_outbox (key, value, gen) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, gen = kv_outbox.gen + 1, attempts = 0, not_before_ms = 0`,
      key,
      value,
    );
  }

  /** When the next write is due (ms), or null when nothing is queued. */
  nextDue(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(MAX(o.not_before_ms, COALESCE(w.written_ms, 0) + ?)) AS at FROM kv_outbox o LEFT JOIN kv_written w ON w.key = o.key`,
        KV_KEY_INTERVAL_MS,
      )
      .one().at;
  }

  /** Delivers every write that is due; returns when the next one is due (for the alarm), or null. */
  async flush(now: number): Promise<number | null> {
    const due = this.sql
      .exec<{ key: string; value: string | null; gen: number; attempts: number }>(
        `SELECT o.key, o.value, o.gen, o.attempts FROM kv_outbox o LEFT JOIN kv_written w ON w.key = o.key
         WHERE o.not_before_ms <= ? AND COALESCE(w.written_ms, 0) + ? <= ?`,
        now,
        KV_KEY_INTERVAL_MS,
        now,
      )
      .toArray();
    const kv = this.kv();
    const settled = await Promise.allSettled(due.map((w) => (w.value === null ? kv.delete(w.key) : kv.put(w.key, w.value))));
    const written = Date.now();
    settled.forEach((outcome, i) => {
      const w = due[i]!;
      if (outcome.status === "fulfilled") {
        // Only if nothing newer was queued while we wrote.
        this.sql.exec("DELETE FROM kv_outbox WHERE key = ? AND gen = ?", w.key, w.gen);
        this.sql.exec("INSERT OR REPLACE INTO kv_written (key, written_ms) VALUES (?, ?)", w.key, written);
      } else {
        const delay = Math.min(MAX_RETRY_DELAY_MS, KV_KEY_INTERVAL_MS * 2 ** w.attempts);
        console.error(`KV write of ${w.key} failed (attempt ${w.attempts + 1}), retrying in ${delay} ms:`, String(outcome.reason));
        this.sql.exec("UPDATE kv_outbox SET attempts = attempts + 1, not_before_ms = ? WHERE key = ?", written + delay, w.key);
      }
    });
    this.sql.exec("DELETE FROM kv_written WHERE written_ms < ?", written - 60_000);
    return this.nextDue();
  }
}
