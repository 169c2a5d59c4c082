// Verification of intent, the hub's side: which pending (un)subscription requests are due, and what a
// callback's answer does. Only a 2xx echoing the challenge exactly creates, renews or ends a subscription;
// anything else leaves it as it was. The intent's outcome and the subscription change are one synchronous step.
import type { FeedIndex } from "../feeds/feed-index";
import { loadIndex } from "../feeds/read";
import { verifyIntent } from "./callback-requests";
import { BATCH, CLAIM_MS, type HostLanes } from "./host-lanes";
import type { HubMode } from "./subscribe-request";
import type { TopicSpec } from "./topic";
import { selectionOf } from "./topic-render";

export interface IntentRow {
  id: number;
  topic: string;
  callback: string;
  host: string;
  mode: HubMode;
  lease_seconds: number;
  secret: string | null;
  spec: string;
  created_ms: number;
  [column: string]: SqlStorageValue;
}

const intentKey = (intent: IntentRow) => `intent:${intent.id}`;

/** Due verifications, claimed (in SQLite and in `lanes`) up to one run's batch. */
export function claimIntents(sql: SqlStorage, lanes: HostLanes, now: number): IntentRow[] {
  const rows = sql.exec<IntentRow>("SELECT * FROM intents WHERE due_ms <= ? ORDER BY due_ms LIMIT ?", now, BATCH * 4).toArray();
  const claimed = lanes.pick(rows, BATCH, intentKey);
  for (const r of claimed) sql.exec("UPDATE intents SET due_ms = ? WHERE id = ?", now + CLAIM_MS, r.id);
  return claimed;
}

/**
 * GETs the callback with a fresh challenge and records the outcome. `subscribed` is called after a confirmed
 * subscription is stored (the hub then tells the Newsroom its section has listeners).
 */
export async function verifyClaimed(
  hub: { sql: SqlStorage; kv: KVNamespace; lanes: HostLanes },
  intent: IntentRow,
  subscribed: (spec: TopicSpec) => Promise<void>,
): Promise<void> {
  const { sql, lanes } = hub;
  const started = Date.now();
  let confirmed = false;
  let baseline: FeedIndex | null = null;
  try {
    confirmed = await lanes.run(intent.host, () => {
      // Claimed from now: it may have waited for its host's slot.
      sql.exec("UPDATE intents SET due_ms = ? WHERE id = ? AND created_ms = ?", Date.now() + CLAIM_MS, intent.id, intent.created_ms);
      return verifyIntent({ mode: intent.mode, topic: intent.topic, callback: intent.callback, leaseSeconds: intent.lease_seconds });
    });
    // A new topic starts from what its feed shows now, so the first push is of a real change.
    if (confirmed && intent.mode === "subscribe") baseline = await loadIndex(hub.kv, (JSON.parse(intent.spec) as TopicSpec).section);
  } catch (error) {
    console.warn(`websub: verification at ${intent.host} failed: ${String(error)}`);
  }
  lanes.release(intentKey(intent));
  // From here on, synchronous: the intent's outcome and the subscription change together.
  // A newer request for the same pair replaced this one while it was checked: that one is verified next.
  const current = sql
    .exec<{ id: number }>("SELECT id FROM intents WHERE id = ? AND created_ms = ?", intent.id, intent.created_ms)
    .toArray()[0];
  if (!current) return;
  sql.exec("DELETE FROM intents WHERE id = ?", intent.id);
  if (!confirmed) return; // The spec: a failed verification leaves the subscription as it was.
  if (intent.mode === "unsubscribe") {
    sql.exec("DELETE FROM subscriptions WHERE topic = ? AND callback = ?", intent.topic, intent.callback);
    sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ?", intent.topic, intent.callback);
    return;
  }
  const spec = JSON.parse(intent.spec) as TopicSpec;
  sql.exec(
    "INSERT INTO topics (topic, spec, selection) VALUES (?, ?, ?) ON CONFLICT (topic) DO NOTHING",
    intent.topic,
    intent.spec,
    baseline && baseline.revision > 0 ? selectionOf(baseline, spec, started) : null,
  );
  sql.exec(
    `INSERT INTO subscriptions (topic, callback, host, secret, lease_seconds, expires_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret, lease_seconds = excluded.lease_seconds, expires_ms = excluded.expires_ms`,
    intent.topic,
    intent.callback,
    intent.host,
    intent.secret,
    intent.lease_seconds,
    started + intent.lease_seconds * 1000,
    started,
  );
  // After the SQL above, never between it and its reads.
  await subscribed(spec);
}
