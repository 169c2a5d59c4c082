// Each article version's public feed items, rendered once per format in both scripts (the Simplified twin
// converted here, once) and kept in SQLite: the article's own publish writes them to KV under keys of their
// own (and deletes those of the version they replace), and a section publish takes the few its unfiltered
// feeds show from here instead of rendering them again.

import { twinFragments } from "../feeds/public-feed";
import { itemWrites, publishedItemsTag, type ScriptFragments } from "../feeds/publish";
import type { StoredArticle } from "../model/article";
import type { KvWrite } from "../storage/kv-publisher";

interface FragmentRow {
  rss: string;
  atom: string;
  json: string;
  hans_rss: string;
  hans_atom: string;
  hans_json: string;
  [column: string]: SqlStorageValue;
}

/** The article's items in both scripts as `base` renders them now, from the cache when this version was rendered so before. */
export function cachedFragments(sql: SqlStorage, article: StoredArticle, base: string): ScriptFragments {
  const renderer = publishedItemsTag(base);
  const cached = sql
    .exec<FragmentRow>(
      "SELECT rss, atom, json, hans_rss, hans_atom, hans_json FROM fragments WHERE id = ? AND version = ? AND renderer = ?",
      article.id,
      article.version,
      renderer,
    )
    .toArray()[0];
  if (cached)
    return {
      "zh-Hant": { rss: cached.rss, atom: cached.atom, json: cached.json },
      "zh-Hans": { rss: cached.hans_rss, atom: cached.hans_atom, json: cached.hans_json },
    };
  const rendered = twinFragments(article, base);
  const { "zh-Hant": hant, "zh-Hans": hans } = rendered;
  sql.exec(
    `INSERT OR REPLACE INTO fragments (id, version, renderer, rss, atom, json, hans_rss, hans_atom, hans_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    article.id,
    article.version,
    renderer,
    hant.rss,
    hant.atom,
    hant.json,
    hans.rss,
    hans.atom,
    hans.json,
  );
  return rendered;
}

/**
 * What the article's own publish writes: its version's items, and deletions of the items it published
 * before under another version or renderer (`published_items` remembers which, whoever filled the cache).
 */
export function articleItemWrites(sql: SqlStorage, article: StoredArticle, base: string): KvWrite[] {
  const renderer = publishedItemsTag(base);
  const before = publishedItems(sql, article.id);
  sql.exec("INSERT OR REPLACE INTO published_items (id, version, renderer) VALUES (?, ?, ?)", article.id, article.version, renderer);
  const stale = before && (before.version !== article.version || before.renderer !== renderer);
  return [
    ...itemWrites(renderer, article.id, article.version, cachedFragments(sql, article, base)),
    // Readers of an index still naming the replaced version render it from the article meanwhile.
    ...(stale ? itemWrites(before.renderer, article.id, before.version, null) : []),
  ];
}

/** Deletions of whatever items the article published (it is withdrawn, or gone from the archive). */
export function articleItemDeletes(sql: SqlStorage, id: string): KvWrite[] {
  const before = publishedItems(sql, id);
  sql.exec("DELETE FROM published_items WHERE id = ?", id);
  return before ? itemWrites(before.renderer, id, before.version, null) : [];
}

function publishedItems(sql: SqlStorage, id: string): { version: number; renderer: string } | undefined {
  return sql.exec<{ version: number; renderer: string }>("SELECT version, renderer FROM published_items WHERE id = ?", id).toArray()[0];
}
