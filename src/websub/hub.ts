// The WebSub hub, one Durable Object per section (its shard): the subscriptions to that section's
// feeds, their pending verifications, each topic's newest body and the deliveries still owed.
// A popular section's fan-out runs in its own object, so it cannot slow another section's.
//
// Everything the hub owes a subscriber is a row in SQLite before any request is made, and its alarm
// makes the requests (verifications of intent, then deliveries): a crash or restart loses nothing, it
// only repeats what had not been confirmed. SQLite is read and written synchronously, never across
// an await of anything else, so concurrent calls cannot interleave between a read and its write.
import { DurableObject } from "cloudflare:workers";
import { findSection } from "../config/publication";
import type { FeedIndex } from "../feeds/feed-index";
import { feedEtag } from "../feeds/http";
import { FEED_CONTENT_TYPES } from "../feeds/model";
import { renderPublicFeed } from "../feeds/public-render";
import type { PublishedSection } from "../feeds/publish";
import { canonicalQuery } from "../feeds/query";
import { loadIndex } from "../feeds/read";
import { liftedEmbargoes, selectEntries } from "../feeds/select";
import type { WebSubSubscription } from "../model/websub.gen";
import { websubListeningKey } from "../storage/kv-keys";
import { migrate } from "../storage/migrations";
import { DELIVERY_TIMEOUT_MS, pushBody, VERIFY_TIMEOUT_MS, verifyIntent } from "./callback-requests";
import { HUB_MIGRATIONS } from "./schema";
import { signatureMethod } from "./signature";
import type { HubMode, SubscribeRequest } from "./subscribe-request";
import { type TopicSpec, topicScript } from "./topic";

/** Requests started per alarm run (Workers allow 1,000 subrequests per invocation on paid plans, 50 on free). */
const BATCH = 40;
/** Requests in flight at once to one callback host, per shard: a host with many callbacks is served in turn. */
export const HOST_IN_FLIGHT = 4;
/**
 * Requests one host may have claimed in an instance (in flight, or queued for one of its HOST_IN_FLIGHT slots):
 * a reader service with hundreds of callbacks at one host is served by a few lanes that start its next request
 * as soon as one ends, not one alarm run per HOST_IN_FLIGHT requests.
 */
const HOST_CLAIMED = BATCH;
/** Verifications pending for one callback host, per shard: beyond it, subscribing there waits (429). */
export const MAX_PENDING_PER_HOST = 50;
/** Subscriptions per callback host, per shard: enough for a big reader service, not for a flood. */
export const MAX_SUBSCRIPTIONS_PER_HOST = 2000;
/** A run waits this long for its requests; slower ones finish on their own and record their outcome then. */
const RUN_WINDOW_MS = 1500;
/** A claimed request that never reported back (the object was restarted) is tried again after this. */
const CLAIM_MS = Math.max(VERIFY_TIMEOUT_MS, DELIVERY_TIMEOUT_MS) + 5000;
/** When a run could start nothing, the next look is this much later (finished requests re-arm sooner). */
const IDLE_RECHECK_MS = 500;
/** A publish whose rendering failed (a KV read) is tried again this much later. */
const RENDER_RETRY_MS = 5000;
/** Retries after a failed delivery: 2 s, 4 s, 8 s… at most an hour apart, while the lease lasts. */
const RETRY_BASE_MS = 2000;
const RETRY_MAX_MS = 3600_000;

export type RequestOutcome = { ok: true } | { ok: false; reason: "host-pending" | "host-subscriptions"; retryAfter: number };

interface IntentRow {
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

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class WebSubHub extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Whether this instance has written the section's "listening" flag for the Newsroom (see websubListeningKey). */
  private listening = false;
  /** Requests this instance has claimed and not yet recorded, by key (→ host); their rows are also claimed in SQLite. */
  private readonly inFlight = new Map<string, string>();
  /** Per callback host: requests under way, and those waiting for a slot (at most HOST_IN_FLIGHT under way). */
  private readonly hostSlots = new Map<string, { busy: number; waiting: (() => void)[] }>();
  /** The rendering of recorded publishes under way, if any (one at a time). */
  private rendering: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage, HUB_MIGRATIONS);
  }

  // --- subscribing -----------------------------------------------------------------------------

  /** Records a (un)subscription request for verification; a newer request for the same pair replaces a pending one. */
  async request(req: SubscribeRequest): Promise<RequestOutcome> {
    const now = Date.now();
    const pending = this.count("SELECT COUNT(*) AS n FROM intents WHERE host = ? AND NOT (topic = ? AND callback = ?)", [
      req.host,
      req.topic.url,
      req.callback,
    ]);
    if (pending >= MAX_PENDING_PER_HOST) return { ok: false, reason: "host-pending", retryAfter: 10 };
    if (req.mode === "subscribe") {
      const held = this.count("SELECT COUNT(*) AS n FROM subscriptions WHERE host = ? AND NOT (topic = ? AND callback = ?)", [
        req.host,
        req.topic.url,
        req.callback,
      ]);
      if (held + pending >= MAX_SUBSCRIPTIONS_PER_HOST) return { ok: false, reason: "host-subscriptions", retryAfter: 3600 };
    }
    this.sql.exec(
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
    await this.schedule();
    return { ok: true };
  }

  /** Does this shard have anyone to push to? The Newsroom sends a section's texts only when it does. */
  wants(): boolean {
    return this.count("SELECT COUNT(*) AS n FROM subscriptions", []) > 0;
  }

  /** Subscriptions (and pending requests) of one topic, or of every topic in the shard. */
  list(topic: string | null): WebSubSubscription[] {
    const now = Date.now();
    const where = topic === null ? "" : "WHERE s.topic = ?";
    const active = this.sql
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
    const intents = this.sql
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

  // --- publishing ------------------------------------------------------------------------------

  /**
   * A section's publish has landed in KV: recorded (a newer one replaces one not yet rendered), then rendered in
   * the background, so the Newsroom waits for one SQLite write here, never for this shard's rendering or its
   * subscribers. The alarm renders it too if this instance goes away first.
   */
  async sectionPublished(published: PublishedSection): Promise<void> {
    this.sql.exec(
      `INSERT INTO published (id, seq, published, received_ms) VALUES (1, 1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET seq = published.seq + 1, published = excluded.published, received_ms = excluded.received_ms`,
      JSON.stringify(published),
      Date.now(),
    );
    await this.schedule();
    this.ctx.waitUntil(this.renderPublished().then(() => this.schedule()));
  }

  /** The recorded publish, rendered once at a time: a caller while it renders joins that rendering. */
  private renderPublished(): Promise<void> {
    this.rendering ??= this.renderRecorded().finally(() => {
      this.rendering = null;
    });
    return this.rendering;
  }

  /** Each recorded publish in turn: its topics selected, the changed ones rendered and owed; then the record goes. */
  private async renderRecorded(): Promise<void> {
    for (;;) {
      const pending = this.sql.exec<{ seq: number; published: string }>("SELECT seq, published FROM published").toArray()[0];
      if (!pending) return;
      try {
        await this.renderChanged(JSON.parse(pending.published) as PublishedSection);
      } catch (error) {
        // Reading the items failed (KV): the alarm tries again shortly, while the pushes already owed go on.
        console.error(`websub: rendering a publish failed, retrying: ${String(error)}`);
        this.sql.exec("UPDATE published SET received_ms = ? WHERE seq = ?", Date.now() + RENDER_RETRY_MS, pending.seq);
        return;
      }
      // Only this one: a newer publish recorded while rendering is rendered next.
      this.sql.exec("DELETE FROM published WHERE seq = ?", pending.seq);
    }
  }

  /**
   * Each topic of the shard is selected from the new index once; only a topic whose items (ids and versions)
   * changed is rendered, once, and owed to its subscribers.
   */
  private async renderChanged(published: PublishedSection): Promise<number> {
    const { index, now: at } = published;
    this.expireLeases(Date.now());
    const topics = this.sql
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
        const { body } = await renderPublicFeed(this.env.FEEDS, { index, format, query, now: at, base, script });
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
      const updated = this.sql.exec(
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
      this.sql.exec(
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

  // --- the alarm: verifications, deliveries, lease ends ------------------------------------------

  async alarm(): Promise<void> {
    await this.renderPublished();
    const now = Date.now();
    this.expireLeases(now);
    const intents = this.claimIntents(now);
    const deliveries = this.claimDeliveries(now, BATCH - intents.length);
    const work = [...intents.map((i) => this.verify(i)), ...deliveries.map((d) => this.deliver(d))];
    if (work.length) {
      const all = Promise.allSettled(work).then(() => this.schedule());
      // Slow callbacks finish on their own: the next run starts without them, so they hold no one else up.
      this.ctx.waitUntil(all);
      await Promise.race([all, sleep(RUN_WINDOW_MS)]);
    }
    // Nothing could start (every due request waits for its host's requests in flight): each of those
    // re-arms the alarm when it ends, so look again later rather than at once.
    await this.schedule(work.length ? 0 : IDLE_RECHECK_MS);
  }

  /** Leases end: the subscription and anything still owed to it go. */
  private expireLeases(now: number): void {
    this.sql.exec(
      "DELETE FROM deliveries WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.topic = deliveries.topic AND s.callback = deliveries.callback AND s.expires_ms <= ?)",
      now,
    );
    this.sql.exec("DELETE FROM subscriptions WHERE expires_ms <= ?", now);
    this.sql.exec(
      "DELETE FROM topics WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.topic = topics.topic) AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.topic = topics.topic)",
    );
  }

  private claimIntents(now: number): IntentRow[] {
    const rows = this.sql.exec<IntentRow>("SELECT * FROM intents WHERE due_ms <= ? ORDER BY due_ms LIMIT ?", now, BATCH * 4).toArray();
    const claimed = this.pickByHost(rows, BATCH, (r) => `intent:${r.id}`);
    for (const r of claimed) this.sql.exec("UPDATE intents SET due_ms = ? WHERE id = ?", now + CLAIM_MS, r.id);
    return claimed;
  }

  private claimDeliveries(now: number, room: number): (Delivery & { body: TopicBody })[] {
    if (room <= 0) return [];
    const rows = this.sql
      .exec<DeliveryRow>(
        `SELECT d.topic, d.callback, d.host, d.gen, d.attempts, s.secret, s.expires_ms FROM deliveries d
         JOIN subscriptions s ON s.topic = d.topic AND s.callback = d.callback
         WHERE d.due_ms <= ? ORDER BY d.due_ms LIMIT ?`,
        now,
        BATCH * 4,
      )
      .toArray();
    const claimed = this.pickByHost(rows, room, (r) => `delivery:${r.topic} ${r.callback}`);
    const bodies = new Map<string, TopicBody>();
    const out: (Delivery & { body: TopicBody })[] = [];
    for (const r of claimed) {
      let body = bodies.get(r.topic);
      if (!body) {
        const t = this.sql
          .exec<{ body: ArrayBuffer | null; content_type: string | null; etag: string | null }>(
            "SELECT body, content_type, etag FROM topics WHERE topic = ?",
            r.topic,
          )
          .toArray()[0];
        if (!t?.body || !t.content_type) {
          this.sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ?", r.topic, r.callback);
          continue;
        }
        body = { bytes: new Uint8Array(t.body), contentType: t.content_type, etag: t.etag ?? "" };
        bodies.set(r.topic, body);
      }
      this.sql.exec("UPDATE deliveries SET due_ms = ? WHERE topic = ? AND callback = ?", now + CLAIM_MS, r.topic, r.callback);
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

  /** Up to `room` rows, at most HOST_CLAIMED claimed per host (counting what is already), none already claimed. */
  private pickByHost<T extends { host: string }>(rows: T[], room: number, key: (row: T) => string): T[] {
    const perHost = new Map<string, number>();
    for (const host of this.inFlight.values()) perHost.set(host, (perHost.get(host) ?? 0) + 1);
    const picked: T[] = [];
    for (const row of rows) {
      if (picked.length >= room) break;
      const k = key(row);
      const n = perHost.get(row.host) ?? 0;
      if (this.inFlight.has(k) || n >= HOST_CLAIMED) continue;
      perHost.set(row.host, n + 1);
      this.inFlight.set(k, row.host);
      picked.push(row);
    }
    return picked;
  }

  /** Verification of intent: GET the callback with a fresh challenge; only a 2xx echoing it exactly counts. */
  private async verify(intent: IntentRow): Promise<void> {
    const started = Date.now();
    let confirmed = false;
    let baseline: FeedIndex | null = null;
    try {
      confirmed = await this.atHost(intent.host, () => {
        // Claimed from now: it may have waited for its host's slot.
        this.sql.exec("UPDATE intents SET due_ms = ? WHERE id = ? AND created_ms = ?", Date.now() + CLAIM_MS, intent.id, intent.created_ms);
        return verifyIntent({ mode: intent.mode, topic: intent.topic, callback: intent.callback, leaseSeconds: intent.lease_seconds });
      });
      // A new topic starts from what its feed shows now, so the first push is of a real change.
      if (confirmed && intent.mode === "subscribe")
        baseline = await loadIndex(this.env.FEEDS, (JSON.parse(intent.spec) as TopicSpec).section);
    } catch (error) {
      console.warn(`websub: verification at ${intent.host} failed: ${String(error)}`);
    }
    this.inFlight.delete(`intent:${intent.id}`);
    // From here on, synchronous: the intent's outcome and the subscription change together.
    // A newer request for the same pair replaced this one while it was checked: that one is verified next.
    const current = this.sql
      .exec<{ id: number }>("SELECT id FROM intents WHERE id = ? AND created_ms = ?", intent.id, intent.created_ms)
      .toArray()[0];
    if (!current) return;
    this.sql.exec("DELETE FROM intents WHERE id = ?", intent.id);
    if (!confirmed) return; // The spec: a failed verification leaves the subscription as it was.
    if (intent.mode === "unsubscribe") {
      this.sql.exec("DELETE FROM subscriptions WHERE topic = ? AND callback = ?", intent.topic, intent.callback);
      this.sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ?", intent.topic, intent.callback);
      return;
    }
    const spec = JSON.parse(intent.spec) as TopicSpec;
    this.sql.exec(
      "INSERT INTO topics (topic, spec, selection) VALUES (?, ?, ?) ON CONFLICT (topic) DO NOTHING",
      intent.topic,
      intent.spec,
      baseline && baseline.revision > 0 ? selectionOf(baseline, spec, started) : null,
    );
    this.sql.exec(
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
    // After the SQL above, never between it and its reads: the Newsroom now signals this section.
    if (!this.listening) {
      await this.env.FEEDS.put(websubListeningKey(spec.section), "1");
      this.listening = true;
    }
  }

  /** Content distribution: POST the topic's newest body; 2xx done, 410 ends the subscription, anything else retries. */
  private async deliver(d: Delivery & { body: TopicBody }): Promise<void> {
    const { status, error } = await this.atHost(d.host, () => {
      // Claimed from now: it may have waited for its host's slot (a newer body, a new generation, is due at once).
      this.sql.exec(
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
        method: signatureMethod(this.env),
      });
    });
    this.inFlight.delete(`delivery:${d.topic} ${d.callback}`);
    const now = Date.now();
    if (status >= 200 && status < 300) {
      this.sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ? AND gen = ?", d.topic, d.callback, d.gen);
      this.sql.exec(
        "UPDATE subscriptions SET last_delivery_ms = ?, last_status = ?, last_error = NULL, failures = 0 WHERE topic = ? AND callback = ?",
        now,
        status,
        d.topic,
        d.callback,
      );
      return;
    }
    if (status === 410) {
      this.sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ?", d.topic, d.callback);
      this.sql.exec("DELETE FROM subscriptions WHERE topic = ? AND callback = ?", d.topic, d.callback);
      return;
    }
    this.sql.exec(
      "UPDATE subscriptions SET last_status = ?, last_error = ?, failures = failures + 1 WHERE topic = ? AND callback = ?",
      status || null,
      error,
      d.topic,
      d.callback,
    );
    const retryAt = now + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** d.attempts);
    if (retryAt >= d.expires_ms) {
      this.sql.exec("DELETE FROM deliveries WHERE topic = ? AND callback = ? AND gen = ?", d.topic, d.callback, d.gen);
    } else {
      // Only if no newer body superseded it meanwhile (that one is due at once).
      this.sql.exec(
        "UPDATE deliveries SET attempts = attempts + 1, due_ms = ? WHERE topic = ? AND callback = ? AND gen = ?",
        retryAt,
        d.topic,
        d.callback,
        d.gen,
      );
    }
  }

  /** Runs `request` once the host has a free slot: at most HOST_IN_FLIGHT requests to one host at a time. */
  private async atHost<T>(host: string, request: () => Promise<T>): Promise<T> {
    let slots = this.hostSlots.get(host);
    if (!slots) {
      slots = { busy: 0, waiting: [] };
      this.hostSlots.set(host, slots);
    }
    if (slots.busy < HOST_IN_FLIGHT) slots.busy++;
    else await new Promise<void>((resolve) => slots.waiting.push(resolve)); // the slot is handed over as it stays busy
    try {
      return await request();
    } finally {
      const next = slots.waiting.shift();
      if (next) next();
      else if (--slots.busy === 0) this.hostSlots.delete(host);
    }
  }

  /** Arms the alarm for the next thing owed: a verification, a delivery or a lease end. */
  private async schedule(notBeforeMs = 0): Promise<void> {
    const next = this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(at) AS at FROM (
           SELECT MIN(due_ms) AS at FROM intents UNION ALL SELECT MIN(due_ms) FROM deliveries UNION ALL SELECT MIN(expires_ms) FROM subscriptions
           UNION ALL SELECT MIN(received_ms) FROM published
         )`,
      )
      .one().at;
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    const at = Math.max(next, Date.now() + notBeforeMs);
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  private count(query: string, bindings: SqlStorageValue[]): number {
    return this.sql.exec<{ n: number }>(query, ...bindings).one().n;
  }
}

/** Which items (and versions) a topic shows: a topic is pushed when this changes. */
function selectionOf(index: FeedIndex, spec: TopicSpec, now: number): string {
  if (!findSection(spec.section)) return "";
  return selectEntries(index, spec.query, now)
    .map((e) => `${e.id}@${e.version}`)
    .join(",");
}
