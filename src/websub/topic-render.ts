// A section publish, as the hub shard takes it: recorded in one write (the Newsroom waits for nothing
// more), then each subscribed topic selected from the new index once, and only a topic whose items
// changed rendered, once, by the code a GET runs, and owed to its subscribers.
import { findSection } from "../config/publication";
import type { FeedIndex } from "../feeds/feed-index";
import { feedEtag } from "../feeds/http";
import { FEED_CONTENT_TYPES } from "../feeds/model";
import { renderPublicFeed } from "../feeds/public-render";
import type { PublishedSection } from "../feeds/publish";
import { canonicalQuery } from "../feeds/query";
import { liftedEmbargoes, selectEntries } from "../feeds/select";
import { expireLeases } from "./leases";
import { type TopicSpec, topicScript } from "./topic";

/** A publish whose rendering failed (a KV read) is tried again this much later. */
const RENDER_RETRY_MS = 5000;

/** Records a section's publish: a newer one replaces one not yet rendered. */
export function recordPublished(sql: SqlStorage, published: PublishedSection): void {
  sql.exec(
    `INSERT INTO published (id, seq, published, received_ms) VALUES (1, 1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET seq = published.seq + 1, published = excluded.published, received_ms = excluded.received_ms`,
    JSON.stringify(published),
    Date.now(),
  );
}

/** Each recorded publish in turn: its topics selected, the changed ones rendered and owed; then the record goes. */
export async function renderRecorded(sql: SqlStorage, kv: KVNamespace): Promise<void> {
  for (;;) {
    const pending = sql.exec<{ seq: number; published: string }>("SELECT seq, published FROM published").toArray()[0];
    if (!pending) return;
    try {
      await renderChanged(sql, kv, JSON.parse(pending.published) as PublishedSection);
    } catch (error) {
      // Reading the items failed (KV): the alarm tries again shortly, while the pushes already owed go on.
      console.error(`websub: rendering a publish failed, retrying: ${String(error)}`);
      sql.exec("UPDATE published SET received_ms = ? WHERE seq = ?", Date.now() + RENDER_RETRY_MS, pending.seq);
      return;
    }
    // Only this one: a newer publish recorded while rendering is rendered next.
    sql.exec("DELETE FROM published WHERE seq = ?", pending.seq);
  }
}

/**
 * Each topic of the shard is selected from the new index once; only a topic whose items (ids and versions)
 * changed is rendered, once, and owed to its subscribers.
 */
async function renderChanged(sql: SqlStorage, kv: KVNamespace, published: PublishedSection): Promise<number> {
  const { index, now: at } = published;
  expireLeases(sql, Date.now());
  const topics = sql
    .exec<{ topic: string; spec: string; selection: string | null }>(
      "SELECT t.topic, t.spec, t.selection FROM topics t WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.topic = t.topic)",
    )
    .toArray()
    .map((row) => ({ ...row, parsed: JSON.parse(row.spec) as TopicSpec }))
    .map((row) => ({ ...row, next: selectionOf(index, row.parsed, at) }))
    .filter((row) => row.next !== row.selection);
  // Rendering reads the items from KV (the code a GET runs); SQLite is only written after, synchronously,
  // and only where the topic still shows what was read above (a newer publish may have been recorded meanwhile).
  const rendered = await Promise.all(
    topics.map(async (row) => {
      const { format, query, base } = row.parsed;
      const script = topicScript(row.parsed);
      const { body } = await renderPublicFeed(kv, { index, format, query, now: at, base, script });
      return { ...row, body };
    }),
  );
  const now = Date.now();
  let changed = 0;
  for (const row of rendered) {
    const spec = row.parsed;
    const etag = feedEtag(
      index.revision,
      liftedEmbargoes(index, at),
      `${topicScript(spec)}|${spec.section}.${spec.format}${canonicalQuery(spec.query)}|${spec.base}|feed`,
    );
    const updated = sql.exec(
      "UPDATE topics SET selection = ?, etag = ?, content_type = ?, body = ?, changed_ms = ? WHERE topic = ? AND selection IS ?",
      row.next,
      etag,
      FEED_CONTENT_TYPES[spec.format],
      new TextEncoder().encode(row.body),
      now,
      row.topic,
      row.selection,
    ).rowsWritten;
    if (updated === 0) continue;
    // The newest body supersedes whatever was still owed: one delivery per subscriber, due now, retries afresh.
    sql.exec(
      `INSERT INTO deliveries (topic, callback, host, gen, attempts, due_ms)
         SELECT topic, callback, host, 1, 0, ? FROM subscriptions WHERE topic = ? AND expires_ms > ?
       ON CONFLICT (topic, callback) DO UPDATE SET gen = deliveries.gen + 1, attempts = 0, due_ms = excluded.due_ms`,
      now,
      row.topic,
      now,
    );
    changed++;
  }
  return changed;
}

/** Which items (and versions) a topic shows: a topic is pushed when this changes. */
export function selectionOf(index: FeedIndex, spec: TopicSpec, now: number): string {
  if (!findSection(spec.section)) return "";
  return selectEntries(index, spec.query, now)
    .map((e) => `${e.id}@${e.version}`)
    .join(",");
}
