// Reads over the Newsroom's archive (the `articles` table): one article, and what a section shows.
// Pure queries, synchronous; writing is src/newsroom/ingest.ts, publishing src/newsroom/publishing.ts.
import { ALL_SECTIONS } from "../config/publication";
import { SNAPSHOT_MAX_BYTES, SNAPSHOT_WINDOW, type SnapshotItem, WITHDRAWAL_NOTICE_MS, type Withdrawal } from "../feeds/snapshot";
import type { StoredArticle } from "../model/article";

export interface ArticleRow {
  id: string;
  version: number;
  status: string;
  section: string;
  doc: string;
  [column: string]: SqlStorageValue;
}

export function articleRow(sql: SqlStorage, id: string): ArticleRow | undefined {
  return sql.exec<ArticleRow>("SELECT id, version, status, section, doc FROM articles WHERE id = ?", id).toArray()[0];
}

/** The SQL condition for rows of `section` and its parameters (every row for `all`). */
function inSection(section: string): { where: string; params: string[] } {
  return section === ALL_SECTIONS ? { where: "1", params: [] } : { where: "section = ?", params: [section] };
}

/**
 * Published versions' documents, parsed once: a published version's `doc` never changes (a new one comes with a
 * new version; a withdrawal leaves the published rows), so a section build parses only versions it has not
 * seen instead of its whole window (up to 200 documents, ~0.5 MB of JSON, on the Durable Object's one thread).
 * The document's length is checked too, so one rewritten in place (tests damage stored documents so) is read again.
 * Bounded: every section's window fits (8 × 200, plus `all`'s); beyond it the least recently used go.
 * The articles are shared between builds: nothing may modify them.
 */
export class ParsedArticles {
  private readonly held = new Map<string, { version: number; chars: number; article: StoredArticle }>();
  constructor(private readonly max = 2500) {}

  /** How many parsed articles are held (never more than `max`). */
  get size(): number {
    return this.held.size;
  }

  get(sql: SqlStorage, id: string, version: number, chars: number): StoredArticle | undefined {
    const held = this.held.get(id);
    this.held.delete(id);
    let article = held?.version === version && held.chars === chars ? held.article : undefined;
    if (!article) {
      const doc = sql.exec<{ doc: string }>("SELECT doc FROM articles WHERE id = ? AND version = ?", id, version).toArray()[0]?.doc;
      if (doc === undefined) return undefined;
      article = JSON.parse(doc) as StoredArticle;
    }
    this.held.set(id, { version, chars, article });
    for (const oldest of this.held.keys()) {
      if (this.held.size <= this.max) break;
      this.held.delete(oldest);
    }
    return article;
  }
}

/** A section's newest published articles (embargoed ones too), bounded by SNAPSHOT_WINDOW and SNAPSHOT_MAX_BYTES. */
export function newestPublished(sql: SqlStorage, section: string, parsed = new ParsedArticles()): SnapshotItem[] {
  const { where, params } = inSection(section);
  const rows = sql
    .exec<{ id: string; version: number; chars: number; changed_ms: number }>(
      `SELECT id, version, length(doc) AS chars, changed_ms FROM articles WHERE status = 'published' AND ${where}
       ORDER BY published_ms DESC, id LIMIT ?`,
      ...params,
      SNAPSHOT_WINDOW,
    )
    .toArray();
  const items: SnapshotItem[] = [];
  let bytes = 0;
  for (const row of rows) {
    bytes += row.chars;
    if (bytes > SNAPSHOT_MAX_BYTES && items.length > 0) break;
    const article = parsed.get(sql, row.id, row.version, row.chars);
    if (article) items.push({ article, changed_ms: row.changed_ms });
  }
  return items;
}

/** The ids a section's index can list now (its newest published, up to SNAPSHOT_WINDOW). */
export function newestPublishedIds(sql: SqlStorage, section: string): string[] {
  const { where, params } = inSection(section);
  return sql
    .exec<{ id: string }>(
      `SELECT id FROM articles WHERE status = 'published' AND ${where} ORDER BY published_ms DESC, id LIMIT ?`,
      ...params,
      SNAPSHOT_WINDOW,
    )
    .toArray()
    .map((row) => row.id);
}

/**
 * Can a section index list the article now: is it published and among the newest SNAPSHOT_WINDOW of its own
 * section? `all`'s window needs no check of its own: an article among the newest of every section is among
 * the newest of its own, so each section's window covers its share of `all`'s.
 */
export function listable(sql: SqlStorage, id: string): boolean {
  const row = sql
    .exec<{ section: string; published_ms: number }>("SELECT section, published_ms FROM articles WHERE id = ? AND status = 'published'", id)
    .toArray()[0];
  if (!row) return false;
  // The rows a section build orders before this one (published_ms DESC, id), counted up to the window.
  const ahead = sql
    .exec<{ n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM articles WHERE section = ? AND status = 'published' AND published_ms >= ?
         AND NOT (published_ms = ? AND id >= ?) LIMIT ?)`,
      row.section,
      row.published_ms,
      row.published_ms,
      id,
      SNAPSHOT_WINDOW,
    )
    .one().n;
  return ahead < SNAPSHOT_WINDOW;
}

/** Withdrawals of articles partners had seen, newest first, for WITHDRAWAL_NOTICE_MS. */
export function recentWithdrawals(sql: SqlStorage, section: string, now: number): Withdrawal[] {
  const { where, params } = inSection(section);
  return sql
    .exec<{ doc: string; withdrawn_ms: number }>(
      `SELECT doc, withdrawn_ms FROM articles WHERE status = 'withdrawn' AND announced = 1 AND withdrawn_ms >= ? AND ${where}
       ORDER BY withdrawn_ms DESC LIMIT ?`,
      now - WITHDRAWAL_NOTICE_MS,
      ...params,
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
}

/** The latest accepted change in a section, removals included (ms); 0 when it is empty. */
export function lastChange(sql: SqlStorage, section: string): number {
  const { where, params } = inSection(section);
  return (
    sql.exec<{ changed: number | null }>(`SELECT MAX(changed_ms) AS changed FROM articles WHERE ${where}`, ...params).one().changed ?? 0
  );
}
