// Content distribution, the hub's side: which pushes are due (each of its topic's newest body), and what
// a callback's answer does: 2xx delivered, 410 ends the subscription, anything else retries with
// exponential backoff while the lease lasts (a newer body superseding the one waiting starts afresh).
import { pushBody } from "./callback-requests";
import { BATCH, CLAIM_MS, type HostLanes } from "./host-lanes";
import type { SignatureMethod } from "./signature";

/** Retries after a failed delivery: 2 s, 4 s, 8 s… at most an hour apart, while the lease lasts. */
const RETRY_BASE_MS = 2000;
const RETRY_MAX_MS = 3600_000;

/** A push claimed by this instance: which subscriber; what to send is read when its host's slot frees. */
interface Claimed {
  topic: string;
  callback: string;
  host: string;
}

type ClaimedRow = Claimed & Record<string, SqlStorageValue>;

/** What is owed when the push starts: the newest generation, its attempts so far, and the subscriber's secret and lease. */
interface Owed {
  gen: number;
  attempts: number;
  secret: string | null;
  expires_ms: number;
}

interface TopicBody {
  bytes: Uint8Array;
  contentType: string;
  etag: string;
}

/**
 * Each topic's newest body as this instance last read it, by topic: a push reads the topic's ETag (a few
 * bytes) and the body (~60–70 KB) only when that changed, not once per subscriber.
 */
export class TopicBodies {
  private readonly held = new Map<string, TopicBody>();

  /** The topic's newest body, or null when it has none. */
  newest(sql: SqlStorage, topic: string): TopicBody | null {
    const etag = sql.exec<{ etag: string | null }>("SELECT etag FROM topics WHERE topic = ?", topic).toArray()[0]?.etag ?? null;
    const held = this.held.get(topic);
    if (held && etag !== null && held.etag === etag) return held;
    const t = sql
      .exec<{ body: ArrayBuffer | null; content_type: string | null; etag: string | null }>(
        "SELECT body, content_type, etag FROM topics WHERE topic = ?",
        topic,
      )
      .toArray()[0];
    if (!t?.body || !t.content_type) {
      this.held.delete(topic);
      return null;
    }
    const body = { bytes: new Uint8Array(t.body), contentType: t.content_type, etag: t.etag ?? "" };
    // Bounded: a shard's topics are few, but filtered topics are unbounded in principle.
    if (this.held.size >= 256) this.held.clear();
    this.held.set(topic, body);
    return body;
  }
}

const deliveryKey = (d: { topic: string; callback: string }) => `delivery:${d.topic} ${d.callback}`;

/** Due pushes, claimed (in SQLite and in `lanes`) up to `room`. */
export function claimDeliveries(sql: SqlStorage, lanes: HostLanes, now: number, room: number): Claimed[] {
  if (room <= 0) return [];
  const rows = sql
    .exec<ClaimedRow>("SELECT topic, callback, host FROM deliveries WHERE due_ms <= ? ORDER BY due_ms LIMIT ?", now, BATCH * 4)
    .toArray();
  const claimed = lanes.pick(rows, room, deliveryKey);
  for (const r of claimed) {
    sql.exec("UPDATE deliveries SET due_ms = ? WHERE topic = ? AND callback = ?", now + CLAIM_MS, r.topic, r.callback);
  }
  return claimed.map(({ topic, callback, host }) => ({ topic, callback, host }));
}

/**
 * POSTs the topic's newest body and records the outcome. What is sent is decided when the host's slot frees, not
 * when the push was claimed: a body that a newer one superseded meanwhile is never sent, the newer one is.
 */
export async function deliverClaimed(
  hub: { sql: SqlStorage; lanes: HostLanes; bodies: TopicBodies },
  c: Claimed,
  method: SignatureMethod,
): Promise<void> {
  const { sql, lanes } = hub;
  const outcome = await lanes.run(c.host, async () => {
    const owed = startPush(hub, c);
    if (!owed) return null;
    const { body, secret } = owed;
    const answer = await pushBody({
      callback: c.callback,
      topic: c.topic,
      body: body.bytes,
      contentType: body.contentType,
      secret,
      method,
    });
    return { ...answer, owed };
  });
  if (!outcome) {
    lanes.release(deliveryKey(c));
    return;
  }
  const { status, error } = outcome;
  const d = { ...c, ...outcome.owed };
  lanes.release(deliveryKey(d));
  const now = Date.now();
  if (status >= 200 && status < 300) {
    sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ? AND gen = ?", d.topic, d.callback, d.gen);
    sql.exec(
      "UPDATE subscriptions SET last_delivery_ms = ?, last_status = ?, last_error = NULL, failures = 0 WHERE topic = ? AND callback = ?",
      now,
      status,
      d.topic,
      d.callback,
    );
    return;
  }
  if (status === 410) {
    sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ?", d.topic, d.callback);
    sql.exec("DELETE FROM subscriptions WHERE topic = ? AND callback = ?", d.topic, d.callback);
    return;
  }
  sql.exec(
    "UPDATE subscriptions SET last_status = ?, last_error = ?, failures = failures + 1 WHERE topic = ? AND callback = ?",
    status || null,
    error,
    d.topic,
    d.callback,
  );
  const retryAt = now + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** d.attempts);
  if (retryAt >= d.expires_ms) {
    sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ? AND gen = ?", d.topic, d.callback, d.gen);
  } else {
    // Only if no newer body superseded it meanwhile (that one is due at once).
    sql.exec(
      "UPDATE deliveries SET attempts = attempts + 1, due_ms = ? WHERE topic = ? AND callback = ? AND gen = ?",
      retryAt,
      d.topic,
      d.callback,
      d.gen,
    );
  }
}

/**
 * The push about to start: what is owed now (its newest generation, with the topic's newest body), claimed
 * from now; or null when nothing is (the subscription ended, or the topic has no body: the row goes).
 */
function startPush(hub: { sql: SqlStorage; bodies: TopicBodies }, c: Claimed): (Owed & { body: TopicBody }) | null {
  const { sql } = hub;
  const owed = sql
    .exec<Owed & Record<string, SqlStorageValue>>(
      `SELECT d.gen, d.attempts, s.secret, s.expires_ms FROM deliveries d
       JOIN subscriptions s ON s.topic = d.topic AND s.callback = d.callback
       WHERE d.topic = ? AND d.callback = ?`,
      c.topic,
      c.callback,
    )
    .toArray()[0];
  if (!owed) return null;
  const body = hub.bodies.newest(sql, c.topic);
  if (!body) {
    sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ?", c.topic, c.callback);
    return null;
  }
  // Claimed from now: it may have waited for its host's slot.
  sql.exec("UPDATE deliveries SET due_ms = ? WHERE topic = ? AND callback = ?", Date.now() + CLAIM_MS, c.topic, c.callback);
  return { gen: owed.gen, attempts: owed.attempts, secret: owed.secret, expires_ms: owed.expires_ms, body };
}
