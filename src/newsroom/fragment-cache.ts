// Each article version's public feed items, rendered once per format and kept in SQLite, so a
// section publish re-renders only what changed, and every section showing an article shares it.
import type { FeedFormat } from "../feeds/model";
import { publicFragments } from "../feeds/public-feed";
import { RENDERER_VERSION } from "../feeds/publish";
import type { StoredArticle } from "../model/article";

export function cachedFragments(sql: SqlStorage, article: StoredArticle, base: string): Record<FeedFormat, string> {
  const renderer = `${RENDERER_VERSION}|${base}`;
  const cached = sql
    .exec<{ rss: string; atom: string; json: string }>(
      "SELECT rss, atom, json FROM fragments WHERE id = ? AND version = ? AND renderer = ?",
      article.id,
      article.version,
      renderer,
    )
    .toArray()[0];
  if (cached) return cached;
  const rendered = publicFragments(article, base);
  sql.exec(
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
