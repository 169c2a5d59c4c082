// A section publish, as the hub shard takes it: recorded in one write (the Newsroom waits for nothing
// more), then each subscribed topic selected from the new index once, and only a topic whose items
// changed rendered, once, by the code a GET runs, and owed to its subscribers. A shard renders at most
// once per MIN_PUSH_INTERVAL_MS: publishes in between are coalesced into the newest.
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

/**
 * A shard renders (and so pushes a new body of any of its topics) at most this often. Every topic of a shard
 * changes only when its section (or, for `all`, any section) publishes, so this is also each topic's minimum
 * interval between pushes. A publish after a quiet interval is rendered at once; one within it waits for the
 * rest of it, and any later publish in that time replaces it: the subscribers get the newest body, once, not
 * every intermediate one (a section taking several articles a second would otherwise send each subscriber a
 * ~60–70 KB feed for each of its publishes). Why two seconds: the Newsroom already writes a section's index at
 * most once a second (KV takes one write a second per key), so a busy section signals about a second apart and
 * one second would coalesce nothing; two halves a busy topic's pushes, while the wait it adds is at most about
 * a second (the next signal comes a second after the rendering it follows) — within the 5 s a push may take —
 * and nothing for a publish after two quiet seconds, the usual case.
 */
export const MIN_PUSH_INTERVAL_MS = 2000;

/**
 * Records a section's publish, due at `dueMs` (at once, or when the shard's minimum interval since its last
 * rendering ends): a newer one replaces one not yet rendered, and is due no later than that one was.
 */
export function recordPublished(sql: SqlStorage, published: PublishedSection, dueMs: number): void {
  sql.exec(
    `INSERT INTO published (id, seq, published, received_ms) VALUES (1, 1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET seq = published.seq + 1, published = excluded.published,
       received_ms = MIN(published.received_ms, excluded.received_ms)`,
    JSON.stringify(published),
    dueMs,
  );
}

/** When the shard last pushed a new body (from when its rendering started), and so when it may next render. */
export interface PushClock {
  notBefore(): number;
  pushed(renderStartedMs: number): void;
}

/**
 * Each recorded publish in turn, once it is due and the shard's minimum interval has passed: its topics selected,
 * the changed ones rendered and owed; then the record goes. A publish not yet due stays, due when it may render.
 */
export async function renderRecorded(sql: SqlStorage, kv: KVNamespace, clock: PushClock): Promise<void> {
  for (;;) {
    // received_ms is when the record is due (the column predates coalescing; it was always "now" then).
    const pending = sql
      .exec<{ seq: number; published: string; received_ms: number }>("SELECT seq, published, received_ms FROM published")
      .toArray()[0];
    if (!pending) return;
    const started = Date.now();
    const due = Math.max(pending.received_ms, clock.notBefore());
    if (due > started) {
      // Recorded while the last rendering ran: it waits for the rest of the interval (the alarm is armed for it).
      sql.exec("UPDATE published SET received_ms = ? WHERE seq = ?", due, pending.seq);
      return;
    }
    try {
      const changed = await renderChanged(sql, kv, JSON.parse(pending.published) as PublishedSection);
      // A publish that changed no topic pushed nothing: it does not hold the next one back.
      if (changed > 0) clock.pushed(started);
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
      // Items never change under their key: any memo window (1 ms) only lets this isolate keep the items it read,
      // so a render reads from KV just the items new since the last (the index comes with the signal, not from KV).
      const { body } = await renderPublicFeed(kv, { index, format, query, now: at, base, script, memoMs: 1 });
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
