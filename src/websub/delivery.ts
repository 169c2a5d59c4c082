// Content distribution, the hub's side: which pushes are due (each of its topic's newest body), and what
// a callback's answer does: 2xx delivered, 410 ends the subscription, anything else retries with
// exponential backoff while the lease lasts (a newer body superseding the one waiting starts afresh).
import { pushBody } from "./callback-requests";
import { BATCH, CLAIM_MS, type HostLanes } from "./host-lanes";
import type { SignatureMethod } from "./signature";

/** Retries after a failed delivery: 2 s, 4 s, 8 s… at most an hour apart, while the lease lasts. */
const RETRY_BASE_MS = 2000;
const RETRY_MAX_MS = 3600_000;

interface Delivery {
  topic: string;
  callback: string;
  host: string;
  gen: number;
  attempts: number;
  secret: string | null;
  expires_ms: number;
}

type DeliveryRow = Delivery & Record<string, SqlStorageValue>;

interface TopicBody {
  bytes: Uint8Array;
  contentType: string;
  etag: string;
}

export type ClaimedDelivery = Delivery & { body: TopicBody };

const deliveryKey = (d: { topic: string; callback: string }) => `delivery:${d.topic} ${d.callback}`;

/** Due pushes, claimed (in SQLite and in `lanes`) up to `room`, each with its topic's body (read once per topic). */
export function claimDeliveries(sql: SqlStorage, lanes: HostLanes, now: number, room: number): ClaimedDelivery[] {
  if (room <= 0) return [];
  const rows = sql
    .exec<DeliveryRow>(
      `SELECT d.topic, d.callback, d.host, d.gen, d.attempts, s.secret, s.expires_ms FROM deliveries d
       JOIN subscriptions s ON s.topic = d.topic AND s.callback = d.callback
       WHERE d.due_ms <= ? ORDER BY d.due_ms LIMIT ?`,
      now,
      BATCH * 4,
    )
    .toArray();
  const claimed = lanes.pick(rows, room, deliveryKey);
  const bodies = new Map<string, TopicBody>();
  const out: ClaimedDelivery[] = [];
  for (const r of claimed) {
    let body = bodies.get(r.topic);
    if (!body) {
      const t = sql
        .exec<{ body: ArrayBuffer | null; content_type: string | null; etag: string | null }>(
          "SELECT body, content_type, etag FROM topics WHERE topic = ?",
          r.topic,
        )
        .toArray()[0];
      if (!t?.body || !t.content_type) {
        // Nothing to push (the topic has no body): nothing owed, and nothing claimed.
        sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ?", r.topic, r.callback);
        lanes.release(deliveryKey(r));
        continue;
      }
      body = { bytes: new Uint8Array(t.body), contentType: t.content_type, etag: t.etag ?? "" };
      bodies.set(r.topic, body);
    }
    sql.exec("UPDATE deliveries SET due_ms = ? WHERE topic = ? AND callback = ?", now + CLAIM_MS, r.topic, r.callback);
    out.push({
      topic: r.topic,
      callback: r.callback,
      host: r.host,
      gen: r.gen,
      attempts: r.attempts,
      secret: r.secret,
      expires_ms: r.expires_ms,
      body,
    });
  }
  return out;
}

/** POSTs the topic's newest body and records the outcome. */
export async function deliverClaimed(
  hub: { sql: SqlStorage; lanes: HostLanes },
  d: ClaimedDelivery,
  method: SignatureMethod,
): Promise<void> {
  const { sql, lanes } = hub;
  const { status, error } = await lanes.run(d.host, () => {
    // Claimed from now: it may have waited for its host's slot (a newer body, a new generation, is due at once).
    sql.exec(
      "UPDATE deliveries SET due_ms = ? WHERE topic = ? AND callback = ? AND gen = ?",
      Date.now() + CLAIM_MS,
      d.topic,
      d.callback,
      d.gen,
    );
    return pushBody({
      callback: d.callback,
      topic: d.topic,
      body: d.body.bytes,
      contentType: d.body.contentType,
      secret: d.secret,
      method,
    });
  });
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
