// The Newsroom: the single writer and source of truth (docs/architecture.md). It orders versions, stores
// each article whole or not at all in SQLite, and publishes bounded per-section snapshots to KV.
//
// KV allows about one write per second per key and is not transactional, so the Newsroom never
// writes KV while it accepts an article: it marks keys dirty in SQLite (in the same transaction
// as the article) and an alarm publishes them, at most once a second per key, retrying until the
// write lands. An article is acknowledged only once it is in SQLite, so a KV failure delays a
// feed but never loses an article.
import { DurableObject } from "cloudflare:workers";
import { ALL_SECTIONS, SECTIONS } from "../config/publication";
import type { FeedFormat } from "../feeds/model";
import { PLACEHOLDER_BASE, publicFragments } from "../feeds/public-feed";
import { RENDERER_VERSION, sectionOutputs } from "../feeds/publish";
import type { IngestResponse, IngestResult, IngestWarning, Outcome, StoredArticle } from "../model/article";
import { articleKey, PUBLISHED_FORMAT } from "../storage/kv-keys";
import {
  type KvWrite,
  type SectionSnapshot,
  SNAPSHOT_MAX_BYTES,
  SNAPSHOT_WINDOW,
  type SnapshotItem,
  WITHDRAWAL_NOTICE_MS,
  type Withdrawal,
} from "./snapshot";

/** KV allows one write per second to a key. */
const KV_KEY_INTERVAL_MS = 1000;
/** Replayed webhook-ids are recognised this long (senders may not re-sign after 5 minutes). */
const DELIVERY_MEMORY_MS = 24 * 3600 * 1000;
const MAX_RETRY_DELAY_MS = 60_000;
/** Workers allow 1,000 KV operations per invocation; an alarm stays well under it. */
const KV_OPERATIONS_PER_ALARM = 500;

type DirtyKey = `section:${string}` | `article:${string}`;

interface ArticleRow {
  id: string;
  version: number;
  status: string;
  section: string;
  doc: string;
  [column: string]: SqlStorageValue;
}

export class Newsroom extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** True while a publish run awaits KV. */
  private publishing = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS articles (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        section TEXT NOT NULL,
        published_ms INTEGER NOT NULL,
        embargo_ms INTEGER,
        changed_ms INTEGER NOT NULL,
        withdrawn_ms INTEGER,
        announced INTEGER NOT NULL DEFAULT 0,
        doc TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS articles_by_section ON articles (section, status, published_ms DESC);
      CREATE INDEX IF NOT EXISTS articles_by_time ON articles (status, published_ms DESC);
      CREATE INDEX IF NOT EXISTS articles_withdrawn ON articles (withdrawn_ms) WHERE withdrawn_ms IS NOT NULL;
      CREATE INDEX IF NOT EXISTS articles_changed ON articles (changed_ms);
      CREATE INDEX IF NOT EXISTS articles_section_changed ON articles (section, changed_ms);
      CREATE TABLE IF NOT EXISTS deliveries (webhook_id TEXT PRIMARY KEY, received_ms INTEGER NOT NULL, response TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS dirty (key TEXT PRIMARY KEY, gen INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS fragments (id TEXT PRIMARY KEY, version INTEGER NOT NULL, renderer TEXT NOT NULL, rss TEXT NOT NULL, atom TEXT NOT NULL, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS published (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, written_ms INTEGER NOT NULL, next_embargo_ms INTEGER);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS published_embargoes ON published (next_embargo_ms) WHERE next_embargo_ms IS NOT NULL;
    `);
    ctx.blockConcurrencyWhile(() => this.republishIfFormatChanged());
  }

  /**
   * Called by the Worker's cron trigger: wakes the Newsroom so a new deploy's publishing format is
   * applied even when no article arrives, and re-arms the alarm if anything is still unpublished.
   */
  async reconcile(): Promise<void> {
    await this.scheduleFlush();
  }

  /** After a deploy that changes what is published (keys or rendering), publish every section anew. */
  private async republishIfFormatChanged(): Promise<void> {
    const format = `${PUBLISHED_FORMAT}|${RENDERER_VERSION}|${this.publishBase()}`;
    const current = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'published_format'").toArray()[0]?.value;
    if (current === format) return;
    for (const section of [...SECTIONS.map((s) => s.slug), ALL_SECTIONS]) this.markDirty(`section:${section}`);
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('published_format', ?)", format);
    await this.scheduleFlush();
  }

  /** Applies one signed delivery atomically. A webhook-id seen before returns its first response unchanged. */
  async ingest(deliveryId: string, articles: StoredArticle[], warnings: IngestWarning[]): Promise<IngestResponse> {
    const response = this.ctx.storage.transactionSync(() => {
      const replay = this.sql.exec<{ response: string }>("SELECT response FROM deliveries WHERE webhook_id = ?", deliveryId).toArray()[0];
      if (replay) return JSON.parse(replay.response) as IngestResponse;
      const now = Date.now();
      const results = articles.map((article) => this.apply(article, now));
      const response: IngestResponse = { results, warnings };
      this.sql.exec(
        "INSERT INTO deliveries (webhook_id, received_ms, response) VALUES (?, ?, ?)",
        deliveryId,
        now,
        JSON.stringify(response),
      );
      return response;
    });
    await this.scheduleFlush();
    return response;
  }

  /** Withdraws an article everywhere; null when the id was never stored. */
  async withdraw(deliveryId: string, id: string): Promise<IngestResponse | null> {
    const response = this.ctx.storage.transactionSync(() => {
      const replay = this.sql.exec<{ response: string }>("SELECT response FROM deliveries WHERE webhook_id = ?", deliveryId).toArray()[0];
      if (replay) return JSON.parse(replay.response) as IngestResponse;
      const row = this.row(id);
      if (!row) return null;
      const now = Date.now();
      if (row.status !== "withdrawn") {
        const stored = JSON.parse(row.doc) as StoredArticle;
        this.markWithdrawn(stored, row, now);
        this.sql.exec(
          "UPDATE articles SET status = 'withdrawn', doc = ? WHERE id = ?",
          JSON.stringify({ ...stored, status: "withdrawn" }),
          id,
        );
        this.markDirtyFor(stored.section, id);
      }
      const response: IngestResponse = { results: [{ id, version: row.version, outcome: "withdrawn" }], warnings: [] };
      this.sql.exec(
        "INSERT INTO deliveries (webhook_id, received_ms, response) VALUES (?, ?, ?)",
        deliveryId,
        now,
        JSON.stringify(response),
      );
      return response;
    });
    await this.scheduleFlush();
    return response;
  }

  /** The article as stored, with its version and status, for the CMS to reconcile. */
  getArticle(id: string): StoredArticle | null {
    const row = this.row(id);
    return row ? (JSON.parse(row.doc) as StoredArticle) : null;
  }

  /** Publishes every dirty key whose KV write is due, then re-arms for the rest. */
  async alarm(): Promise<void> {
    // One publish run at a time (the runtime runs one alarm at a time; this also holds when a test runs one by hand).
    if (this.publishing) return;
    this.publishing = true;
    try {
      await this.publishDue();
    } finally {
      this.publishing = false;
    }
    await this.scheduleFlush();
  }

  private async publishDue(): Promise<void> {
    const now = Date.now();
    this.liftEmbargoes(now);
    this.sql.exec("DELETE FROM deliveries WHERE received_ms < ?", now - DELIVERY_MEMORY_MS);

    const due = this.sql
      .exec<{ key: string; gen: number; attempts: number }>(
        // Sections first: they are what readers see; single articles only serve partner and browser views.
        "SELECT key, gen, attempts FROM dirty WHERE not_before_ms <= ? ORDER BY key LIKE 'section:%' DESC, key",
        now,
      )
      .toArray()
      .filter((d) => this.lastWritten(d.key) + KV_KEY_INTERVAL_MS <= now);

    // Build outputs synchronously from SQLite first (no other call can interleave here), within
    // the per-invocation KV operation budget; what does not fit waits for the next run, moments later.
    const batches: { key: string; gen: number; attempts: number; writes: KvWrite[] }[] = [];
    let operations = 0;
    let sections = 0;
    for (const d of due) {
      if (operations >= KV_OPERATIONS_PER_ALARM) break;
      // One section per turn: building it is synchronous work that holds back pushes; the next turn follows at once.
      if (d.key.startsWith("section:") && sections++ > 0) continue;
      const writes = this.outputsFor(d.key as DirtyKey, now);
      operations += writes.length;
      batches.push({ ...d, writes });
    }

    const settled = await Promise.allSettled(batches.map((b) => this.put(b.writes)));
    const written = Date.now();
    settled.forEach((outcome, i) => {
      const batch = batches[i];
      if (!batch) return;
      // Some of a failed batch's writes may have landed: space the next attempt from this one either way.
      this.sql.exec(
        "INSERT INTO published (key, revision, written_ms) VALUES (?, 0, ?) ON CONFLICT (key) DO UPDATE SET written_ms = excluded.written_ms",
        batch.key,
        written,
      );
      if (outcome.status === "fulfilled") {
        // Only clear the key if nothing re-dirtied it while we were writing.
        this.sql.exec("DELETE FROM dirty WHERE key = ? AND gen = ?", batch.key, batch.gen);
      } else {
        const delay = Math.min(MAX_RETRY_DELAY_MS, KV_KEY_INTERVAL_MS * 2 ** batch.attempts);
        console.error(`publish ${batch.key} failed (attempt ${batch.attempts + 1}), retrying in ${delay} ms:`, String(outcome.reason));
        this.sql.exec("UPDATE dirty SET attempts = attempts + 1, not_before_ms = ? WHERE key = ?", written + delay, batch.key);
      }
    });
  }

  // --- writing -------------------------------------------------------------------------------

  private apply(article: StoredArticle, now: number): IngestResult {
    const row = this.row(article.id);
    const result = (outcome: Outcome, version = article.version): IngestResult => ({ id: article.id, version, outcome });
    if (row && article.version === row.version) return result("unchanged");
    if (row && article.version < row.version) return result("stale", row.version);

    const before = row ? (JSON.parse(row.doc) as StoredArticle) : null;
    if (before && row && before.status === "published" && article.status === "withdrawn") this.markWithdrawn(before, row, now);
    this.sql.exec(
      `INSERT INTO articles (id, version, status, section, published_ms, embargo_ms, changed_ms, withdrawn_ms, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status, section = excluded.section,
         published_ms = excluded.published_ms, embargo_ms = excluded.embargo_ms, changed_ms = excluded.changed_ms,
         withdrawn_ms = CASE WHEN excluded.status = 'withdrawn' THEN articles.withdrawn_ms END,
         announced = CASE WHEN excluded.status = 'withdrawn' THEN articles.announced ELSE 0 END,
         doc = excluded.doc`,
      article.id,
      article.version,
      article.status,
      article.section,
      Date.parse(article.published_at),
      article.embargo_until === undefined ? null : Date.parse(article.embargo_until),
      now,
      JSON.stringify(article),
    );
    this.markDirtyFor(article.section, article.id);
    if (before && before.section !== article.section) this.markDirtyFor(before.section, article.id);

    if (article.status === "withdrawn") return result("withdrawn");
    return result(row ? "updated" : "created");
  }

  /** Records a withdrawal; partners hear of it if the article was ever visible to them. */
  private markWithdrawn(article: StoredArticle, row: ArticleRow, now: number): void {
    const wasVisible = article.embargo_until === undefined || Date.parse(article.embargo_until) <= now;
    this.sql.exec("UPDATE articles SET withdrawn_ms = ?, announced = ?, changed_ms = ? WHERE id = ?", now, wasVisible ? 1 : 0, now, row.id);
  }

  private markDirtyFor(section: string, id: string): void {
    for (const key of [`section:${section}`, `section:${ALL_SECTIONS}`, `article:${id}`] as const) this.markDirty(key);
  }

  private markDirty(key: DirtyKey): void {
    this.sql.exec(
      "INSERT INTO dirty (key, gen) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET gen = gen + 1, attempts = 0, not_before_ms = 0",
      key,
    );
  }

  /** An embargo that has passed changes what its sections show: republish them. */
  private liftEmbargoes(now: number): void {
    const lifted = this.sql
      .exec<{ key: string }>("SELECT key FROM published WHERE next_embargo_ms IS NOT NULL AND next_embargo_ms <= ?", now)
      .toArray();
    for (const { key } of lifted) {
      this.markDirty(key as DirtyKey);
      this.sql.exec("UPDATE published SET next_embargo_ms = NULL WHERE key = ?", key);
    }
  }

  private async scheduleFlush(): Promise<void> {
    const next = this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(at) AS at FROM (
           SELECT MAX(d.not_before_ms, COALESCE(p.written_ms, 0) + ?) AS at FROM dirty d LEFT JOIN published p ON p.key = d.key
           UNION ALL SELECT next_embargo_ms AS at FROM published WHERE next_embargo_ms IS NOT NULL
         )`,
        KV_KEY_INTERVAL_MS,
      )
      .one().at;
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || next < current) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }

  private async put(writes: KvWrite[]): Promise<void> {
    await Promise.all(
      writes.map((w) =>
        w.value === null
          ? this.env.FEEDS.delete(w.key)
          : this.env.FEEDS.put(w.key, w.value, {
              ...(w.metadata ? { metadata: w.metadata } : {}),
              ...(w.expirationTtl ? { expirationTtl: w.expirationTtl } : {}),
            }),
      ),
    );
  }

  // --- reading -------------------------------------------------------------------------------

  private row(id: string): ArticleRow | undefined {
    return this.sql.exec<ArticleRow>("SELECT id, version, status, section, doc FROM articles WHERE id = ?", id).toArray()[0];
  }

  private lastWritten(key: string): number {
    return this.sql.exec<{ written_ms: number }>("SELECT written_ms FROM published WHERE key = ?", key).toArray()[0]?.written_ms ?? 0;
  }

  private outputsFor(key: DirtyKey, now: number): KvWrite[] {
    if (key.startsWith("article:")) {
      const id = key.slice("article:".length);
      const row = this.row(id);
      const visible = row && row.status === "published";
      return [{ key: articleKey(id), value: visible ? row.doc : null }];
    }
    return sectionOutputs(this.snapshot(key.slice("section:".length), now), (a) => this.fragments(a), this.publishBase(), now);
  }

  /** Base URL for our own links in published bodies: PUBLIC_BASE_URL, or a placeholder readers swap. */
  private publishBase(): string {
    return this.env.PUBLIC_BASE_URL?.trim().replace(/\/+$/, "") || PLACEHOLDER_BASE;
  }

  /** Each article version is rendered once per format, then reused by every section and every publish. */
  private fragments(article: StoredArticle): Record<FeedFormat, string> {
    const renderer = `${RENDERER_VERSION}|${this.publishBase()}`;
    const cached = this.sql
      .exec<{ rss: string; atom: string; json: string }>(
        "SELECT rss, atom, json FROM fragments WHERE id = ? AND version = ? AND renderer = ?",
        article.id,
        article.version,
        renderer,
      )
      .toArray()[0];
    if (cached) return cached;
    const rendered = publicFragments(article, this.publishBase());
    this.sql.exec(
      "INSERT OR REPLACE INTO fragments (id, version, renderer, rss, atom, json) VALUES (?, ?, ?, ?, ?, ?)",
      article.id,
      article.version,
      renderer,
      rendered.rss,
      rendered.atom,
      rendered.json,
    );
    return rendered;
  }

  /** Builds a section's snapshot from SQLite; bounded by SNAPSHOT_WINDOW and SNAPSHOT_MAX_BYTES. */
  private snapshot(section: string, now: number): SectionSnapshot {
    const key = `section:${section}`;
    const all = section === ALL_SECTIONS;
    const rows = this.sql
      .exec<{ doc: string; changed_ms: number }>(
        `SELECT doc, changed_ms FROM articles WHERE status = 'published' ${all ? "" : "AND section = ?"} ORDER BY published_ms DESC, id LIMIT ?`,
        ...(all ? [] : [section]),
        SNAPSHOT_WINDOW,
      )
      .toArray();
    const items: SnapshotItem[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += row.doc.length;
      if (bytes > SNAPSHOT_MAX_BYTES && items.length > 0) break;
      items.push({ article: JSON.parse(row.doc) as StoredArticle, changed_ms: row.changed_ms });
    }
    const withdrawals = this.sql
      .exec<{ doc: string; withdrawn_ms: number }>(
        `SELECT doc, withdrawn_ms FROM articles WHERE status = 'withdrawn' AND announced = 1 AND withdrawn_ms >= ? ${all ? "" : "AND section = ?"}
         ORDER BY withdrawn_ms DESC LIMIT ?`,
        now - WITHDRAWAL_NOTICE_MS,
        ...(all ? [] : [section]),
        SNAPSHOT_WINDOW,
      )
      .toArray()
      .map(({ doc, withdrawn_ms }): Withdrawal => {
        const a = JSON.parse(doc) as StoredArticle;
        return {
          id: a.id,
          url: a.url,
          section: a.section,
          regions: a.regions,
          topics: a.topics,
          syndication: a.rights.syndication,
          published_at: a.published_at,
          withdrawn_ms,
        };
      });
    const changed = this.sql
      .exec<{ changed: number | null }>(
        `SELECT MAX(changed_ms) AS changed FROM articles ${all ? "" : "WHERE section = ?"}`,
        ...(all ? [] : [section]),
      )
      .one().changed;
    const nextEmbargo = items
      .map((i) => (i.article.embargo_until ? Date.parse(i.article.embargo_until) : Number.NaN))
      .filter((t) => t > now)
      .reduce((min, t) => Math.min(min, t), Number.POSITIVE_INFINITY);
    const revision = this.sql
      .exec<{ revision: number }>(
        `INSERT INTO published (key, revision, written_ms, next_embargo_ms) VALUES (?, 1, 0, ?)
           ON CONFLICT (key) DO UPDATE SET revision = revision + 1, next_embargo_ms = excluded.next_embargo_ms RETURNING revision`,
        key,
        Number.isFinite(nextEmbargo) ? nextEmbargo : null,
      )
      .one().revision;
    return { section, revision, generated_ms: now, changed_ms: changed ?? 0, items, withdrawals };
  }
}
