// Each article version's public feed items, rendered once per format in both scripts (the Simplified twin
// converted here, once) and kept in SQLite: the article's own publish writes them to KV under keys of their
// own while a section index can list it (and deletes those of the version they replace, or all of them once
// no index can), and a section publish takes the few its unfiltered feeds show from here instead of
// rendering them again. The version's partner item (licence left as holes) is kept beside them, rendered
// the first time the article's own publish needs it.

import { type PartnerFragments, partnerFragments, partnerItemWrites } from "../feeds/partner-items";
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
 * The article's partner items as `base` renders them now (null: its rights allow none), from the cache when
 * rendered so before. Called right after cachedFragments, so the row holds this version under this renderer.
 */
function cachedPartnerFragments(sql: SqlStorage, article: StoredArticle, base: string): PartnerFragments | null {
  const { partner } = sql.exec<{ partner: string | null }>("SELECT partner FROM fragments WHERE id = ?", article.id).one();
  if (partner !== null) return partner === "" ? null : (JSON.parse(partner) as PartnerFragments);
  const rendered = partnerFragments(article, base);
  sql.exec("UPDATE fragments SET partner = ? WHERE id = ?", rendered ? JSON.stringify(rendered) : "", article.id);
  return rendered;
}

/**
 * What the article's own publish writes: its version's public and partner items, and deletions of the items it
 * published before under another version or renderer (`published_items` remembers which, whoever filled the cache).
 */
export function articleItemWrites(sql: SqlStorage, article: StoredArticle, base: string): KvWrite[] {
  const renderer = publishedItemsTag(base);
  const before = publishedItems(sql, article.id);
  const fragments = cachedFragments(sql, article, base);
  const partner = cachedPartnerFragments(sql, article, base);
  sql.exec(
    "INSERT OR REPLACE INTO published_items (id, version, renderer, partner) VALUES (?, ?, ?, ?)",
    article.id,
    article.version,
    renderer,
    partner ? 1 : 0,
  );
  const stale = before && (before.version !== article.version || before.renderer !== renderer);
  return [
    ...itemWrites(renderer, article.id, article.version, fragments),
    ...(partner ? partnerItemWrites(renderer, article.id, article.version, partner) : []),
    // Readers of an index still naming the replaced version render it from the article meanwhile.
    ...(stale ? staleItemDeletes(article.id, before) : []),
  ];
}

/** Deletions of whatever items the article published (it is withdrawn, or gone from the archive). */
export function articleItemDeletes(sql: SqlStorage, id: string): KvWrite[] {
  const before = publishedItems(sql, id);
  sql.exec("DELETE FROM published_items WHERE id = ?", id);
  return before ? staleItemDeletes(id, before) : [];
}

/** Which of the `listed` versions have no items published under `base`'s renderer: their article's own publish writes them. */
export function itemsNotPublished(sql: SqlStorage, listed: readonly { id: string; version: number }[], base: string): string[] {
  const renderer = publishedItemsTag(base);
  const published = new Map(
    sql
      .exec<{ id: string; version: number; renderer: string }>(
        "SELECT id, version, renderer FROM published_items WHERE id IN (SELECT value FROM json_each(?))",
        JSON.stringify(listed.map((l) => l.id)),
      )
      .toArray()
      .map((row) => [row.id, row]),
  );
  return listed
    .filter((l) => {
      const row = published.get(l.id);
      return row?.version !== l.version || row.renderer !== renderer;
    })
    .map((l) => l.id);
}

/**
 * Articles of `section` whose items are published although its window (`listed`, the ids it lists) does not
 * hold them, at most `limit`: their article's own publish deletes them. Reads `published_items`, which holds
 * about a window per section.
 */
export function itemsBeyondWindow(sql: SqlStorage, section: string, listed: readonly string[], limit: number): string[] {
  // CROSS JOIN keeps published_items the outer loop: SQLite otherwise walks every article of the section (an index
  // on section) and probes published_items for each, a scan that grows with the archive (3–7 ms a build at 10,000 stored).
  return sql
    .exec<{ id: string }>(
      `SELECT p.id FROM published_items p CROSS JOIN articles a ON a.id = p.id
       WHERE a.section = ? AND p.id NOT IN (SELECT value FROM json_each(?)) LIMIT ?`,
      section,
      JSON.stringify(listed),
      limit,
    )
    .toArray()
    .map((row) => row.id);
}

function staleItemDeletes(id: string, before: PublishedItems): KvWrite[] {
  return [
    ...itemWrites(before.renderer, id, before.version, null),
    ...(before.partner ? partnerItemWrites(before.renderer, id, before.version, null) : []),
  ];
}

interface PublishedItems {
  version: number;
  renderer: string;
  partner: number;
}

function publishedItems(sql: SqlStorage, id: string): PublishedItems | undefined {
  return sql
    .exec<{ version: number; renderer: string; partner: number }>("SELECT version, renderer, partner FROM published_items WHERE id = ?", id)
    .toArray()[0];
}
