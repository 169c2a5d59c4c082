// The Newsroom: the single writer and source of truth (docs/architecture.md). It orders versions,
// stores each article whole or not at all in SQLite, and publishes bounded per-section outputs to KV.
//
// KV allows about one write per second per key and is not transactional, so the Newsroom never
// writes KV while it accepts an article: it marks keys dirty in SQLite (in the same transaction
// as the article) and an alarm publishes them, at most once a second per key, retrying until the
// write lands. An article is acknowledged only once it is in SQLite, so a KV failure delays a
// feed but never loses an article. This class is the RPC surface; the work is in its sibling modules:
// schema.ts (migrations), archive.ts (reads), ingest.ts (accepting), deliveries.ts (replays),
// publishing.ts (what goes to KV).
import { DurableObject } from "cloudflare:workers";
import { announceSectionPublished } from "../feeds/section-published";
import type { IngestResponse, IngestWarning, StoredArticle } from "../model/article";
import { migrate } from "../storage/migrations";
import { articleRow } from "./archive";
import { forgetOldDeliveries, oncePerDelivery } from "./deliveries";
import { applyArticle, withdrawArticle } from "./ingest";
import { Publishing } from "./publishing";
import { NEWSROOM_MIGRATIONS } from "./schema";

export class Newsroom extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly publishing: Publishing;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage, NEWSROOM_MIGRATIONS);
    // Listeners (the WebSub hub) hear of each section publish that lands; they only record it, never call subscribers.
    this.publishing = new Publishing(
      ctx.storage,
      () => this.env,
      (published) => announceSectionPublished(this.env, published),
    );
    ctx.blockConcurrencyWhile(() => this.publishing.republishIfFormatChanged());
  }

  /**
   * Called by the Worker's cron trigger: wakes the Newsroom so a new deploy's publishing format is
   * applied even when no article arrives, and re-arms the alarm if anything is still unpublished.
   */
  async reconcile(): Promise<void> {
    await this.publishing.schedule();
  }

  /** Applies one signed delivery atomically. A webhook-id seen before returns its first response unchanged. */
  async ingest(deliveryId: string, articles: StoredArticle[], warnings: IngestWarning[]): Promise<IngestResponse> {
    const now = Date.now();
    const response = this.ctx.storage.transactionSync(() =>
      oncePerDelivery<IngestResponse>(this.sql, deliveryId, now, () => ({
        results: articles.map((article) => applyArticle(this.sql, this.publishing, article, now)),
        warnings,
      })),
    );
    await this.publishing.schedule();
    return response;
  }

  /** Withdraws an article everywhere; null when the id was never stored. */
  async withdraw(deliveryId: string, id: string): Promise<IngestResponse | null> {
    const now = Date.now();
    const response = this.ctx.storage.transactionSync(() =>
      oncePerDelivery(this.sql, deliveryId, now, () => withdrawArticle(this.sql, this.publishing, id, now)),
    );
    await this.publishing.schedule();
    return response;
  }

  /** The article as stored, with its version and status, for the CMS to reconcile. */
  getArticle(id: string): StoredArticle | null {
    const row = articleRow(this.sql, id);
    return row ? (JSON.parse(row.doc) as StoredArticle) : null;
  }

  /** Publishes every dirty key whose KV write is due, then re-arms for the rest. */
  async alarm(): Promise<void> {
    const now = Date.now();
    forgetOldDeliveries(this.sql, now);
    await this.publishing.run(now);
    await this.publishing.schedule();
  }
}
