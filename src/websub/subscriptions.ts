// A shard's subscriptions as subscribers and the admin see them: recording a (un)subscription request
// for verification, within the per-host limits, and listing subscriptions with their state.
import type { WebSubSubscription } from "../model/websub.gen";
import type { SubscribeRequest } from "./subscribe-request";
import type { IntentRow } from "./verification";

/** Verifications pending for one callback host, per shard: beyond it, subscribing there waits (429). */
export const MAX_PENDING_PER_HOST = 50;
/** Subscriptions per callback host, per shard: enough for a big reader service, not for a flood. */
export const MAX_SUBSCRIPTIONS_PER_HOST = 2000;

export type RequestOutcome = { ok: true } | { ok: false; reason: "host-pending" | "host-subscriptions"; retryAfter: number };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const count = (sql: SqlStorage, query: string, bindings: SqlStorageValue[]) => sql.exec<{ n: number }>(query, ...bindings).one().n;

/** Records a (un)subscription request for verification; a newer request for the same pair replaces a pending one. */
export function recordRequest(sql: SqlStorage, req: SubscribeRequest, now: number): RequestOutcome {
  const pending = count(sql, "SELECT COUNT(*) AS n FROM intents WHERE host = ? AND NOT (topic = ? AND callback = ?)", [
    req.host,
    req.topic.url,
    req.callback,
  ]);
  if (pending >= MAX_PENDING_PER_HOST) return { ok: false, reason: "host-pending", retryAfter: 10 };
  if (req.mode === "subscribe") {
    const held = count(sql, "SELECT COUNT(*) AS n FROM subscriptions WHERE host = ? AND NOT (topic = ? AND callback = ?)", [
      req.host,
      req.topic.url,
      req.callback,
    ]);
    if (held + pending >= MAX_SUBSCRIPTIONS_PER_HOST) return { ok: false, reason: "host-subscriptions", retryAfter: 3600 };
  }
  sql.exec(
    `INSERT INTO intents (topic, callback, host, mode, lease_seconds, secret, spec, created_ms, due_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (topic, callback) DO UPDATE SET mode = excluded.mode, lease_seconds = excluded.lease_seconds,
       secret = excluded.secret, spec = excluded.spec, created_ms = excluded.created_ms, due_ms = excluded.due_ms`,
    req.topic.url,
    req.callback,
    req.host,
    req.mode,
    req.leaseSeconds,
    req.secret,
    JSON.stringify(req.topic),
    now,
    now,
  );
  return { ok: true };
}

/** Does the shard have anyone to push to? */
export const hasSubscriptions = (sql: SqlStorage): boolean => count(sql, "SELECT COUNT(*) AS n FROM subscriptions", []) > 0;

/** Subscriptions (and pending requests) of one topic, or of every topic in the shard. */
export function listSubscriptions(sql: SqlStorage, topic: string | null, now: number): WebSubSubscription[] {
  const where = topic === null ? "" : "WHERE s.topic = ?";
  const active = sql
    .exec<{
      topic: string;
      callback: string;
      secret: string | null;
      lease_seconds: number;
      expires_ms: number;
      created_ms: number;
      last_delivery_ms: number | null;
      last_status: number | null;
      last_error: string | null;
      failures: number;
      pending: number;
    }>(
      `SELECT s.topic, s.callback, s.secret, s.lease_seconds, s.expires_ms, s.created_ms, s.last_delivery_ms, s.last_status,
              s.last_error, s.failures, (d.topic IS NOT NULL) AS pending
       FROM subscriptions s LEFT JOIN deliveries d ON d.topic = s.topic AND d.callback = s.callback ${where}
       ORDER BY s.topic, s.created_ms, s.callback`,
      ...(topic === null ? [] : [topic]),
    )
    .toArray()
    .filter((s) => s.expires_ms > now)
    .map(
      (s): WebSubSubscription => ({
        topic: s.topic,
        callback: s.callback,
        state: "active",
        signed: s.secret !== null,
        lease_seconds: s.lease_seconds,
        lease_expires_at: iso(s.expires_ms),
        created_at: iso(s.created_ms)!,
        last_delivery_at: iso(s.last_delivery_ms),
        last_status: s.last_status,
        last_error: s.last_error,
        failures: s.failures,
        delivery_pending: Boolean(s.pending),
      }),
    );
  const intents = sql
    .exec<IntentRow>(
      `SELECT * FROM intents ${topic === null ? "" : "WHERE topic = ?"} ORDER BY topic, created_ms`,
      ...(topic === null ? [] : [topic]),
    )
    .toArray()
    .map(
      (i): WebSubSubscription => ({
        topic: i.topic,
        callback: i.callback,
        state: i.mode === "subscribe" ? "pending-subscribe" : "pending-unsubscribe",
        signed: i.secret !== null,
        lease_seconds: i.lease_seconds,
        lease_expires_at: null,
        created_at: iso(i.created_ms)!,
        last_delivery_at: null,
        last_status: null,
        last_error: null,
        failures: 0,
        delivery_pending: false,
      }),
    );
  return [...active, ...intents];
}
