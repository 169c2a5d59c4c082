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

/** A section's newest published articles (embargoed ones too), bounded by SNAPSHOT_WINDOW and SNAPSHOT_MAX_BYTES. */
export function newestPublished(sql: SqlStorage, section: string): SnapshotItem[] {
  const { where, params } = inSection(section);
  const rows = sql
    .exec<{ doc: string; changed_ms: number }>(
      `SELECT doc, changed_ms FROM articles WHERE status = 'published' AND ${where} ORDER BY published_ms DESC, id LIMIT ?`,
      ...params,
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
