// Accepting articles into the archive: a new version replaces an older one whole, a stale or repeated
// version changes nothing, a withdrawal is remembered for partners. Each change marks what it affects
// dirty, in the same transaction, so nothing accepted can miss publishing.
import { type IngestResponse, type IngestResult, isVisible, type Outcome, type StoredArticle } from "../model/article";
import { type ArticleRow, articleRow } from "./archive";

/** Where an accepted change is reported, so its outputs are republished. */
export interface ChangeSink {
  articleChanged(section: string, id: string): void;
  /** For the partner change log: a version was accepted, or the current one withdrawn. */
  versionAccepted(article: StoredArticle, now: number): void;
  withdrawn(id: string, now: number): void;
}

export function applyArticle(sql: SqlStorage, changes: ChangeSink, article: StoredArticle, now: number): IngestResult {
  const row = articleRow(sql, article.id);
  const result = (outcome: Outcome, version = article.version): IngestResult => ({ id: article.id, version, outcome });
  if (row && article.version === row.version) return result("unchanged");
  if (row && article.version < row.version) return result("stale", row.version);

  const before = row ? (JSON.parse(row.doc) as StoredArticle) : null;
  if (before && row && before.status === "published" && article.status === "withdrawn") markWithdrawn(sql, before, row, now);
  sql.exec(
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
  changes.articleChanged(article.section, article.id);
  changes.versionAccepted(article, now);
  if (before && before.section !== article.section) changes.articleChanged(before.section, article.id);

  if (article.status === "withdrawn") return result("withdrawn");
  return result(row ? "updated" : "created");
}

/** Withdraws an article everywhere; null when the id was never stored. */
export function withdrawArticle(sql: SqlStorage, changes: ChangeSink, id: string, now: number): IngestResponse | null {
  const row = articleRow(sql, id);
  if (!row) return null;
  if (row.status !== "withdrawn") {
    const stored = JSON.parse(row.doc) as StoredArticle;
    markWithdrawn(sql, stored, row, now);
    sql.exec("UPDATE articles SET status = 'withdrawn', doc = ? WHERE id = ?", JSON.stringify({ ...stored, status: "withdrawn" }), id);
    changes.articleChanged(stored.section, id);
    changes.withdrawn(id, now);
  }
  return { results: [{ id, version: row.version, outcome: "withdrawn" }], warnings: [] };
}

/** Records a withdrawal; partners hear of it if the article was ever visible to them. */
function markWithdrawn(sql: SqlStorage, article: StoredArticle, row: ArticleRow, now: number): void {
  const wasVisible = isVisible(article, now);
  sql.exec("UPDATE articles SET withdrawn_ms = ?, announced = ?, changed_ms = ? WHERE id = ?", now, wasVisible ? 1 : 0, now, row.id);
}
