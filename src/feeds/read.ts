// The read path's KV access, shared by public and partner feeds. Reads never call the Newsroom.
import { KV_IMMUTABLE_CACHE_TTL as IMMUTABLE_CACHE_TTL, KV_MUTABLE_CACHE_TTL as MUTABLE_CACHE_TTL } from "../config/cache";
import type { StoredArticle } from "../model/article";
import { articleKey, feedKey, fragmentsKey, indexKey } from "../storage/kv-keys";
import type { FeedIndex, IndexEntry, PrerenderedMeta } from "./feed-index";
import type { FeedFormat } from "./model";

export function emptyIndex(section: string): FeedIndex {
  return { section, revision: 0, generated_ms: 0, changed_ms: 0, entries: [], withdrawals: [], base: "" };
}

export async function loadIndex(kv: KVNamespace, section: string): Promise<FeedIndex> {
  return (await kv.get<FeedIndex>(indexKey(section), { type: "json", cacheTtl: MUTABLE_CACHE_TTL })) ?? emptyIndex(section);
}

export async function loadPrerendered(kv: KVNamespace, section: string, format: FeedFormat) {
  return kv.getWithMetadata<PrerenderedMeta>(feedKey(section, format), { type: "arrayBuffer", cacheTtl: MUTABLE_CACHE_TTL });
}

export async function loadFragments(kv: KVNamespace, section: string, format: FeedFormat, revision: number): Promise<string | null> {
  return kv.get(fragmentsKey(section, format, revision), { type: "text", cacheTtl: IMMUTABLE_CACHE_TTL });
}

/** Whole articles by id, in the order asked (one bulk KV read per 100); missing ones are skipped. */
export async function loadArticles(kv: KVNamespace, ids: string[]): Promise<StoredArticle[]> {
  const found = new Map<string, StoredArticle>();
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const values = await kv.get<StoredArticle>(
      chunk.map((id) => articleKey(id)),
      { type: "json", cacheTtl: MUTABLE_CACHE_TTL },
    );
    for (const id of chunk) {
      const article = values.get(articleKey(id));
      if (article) found.set(id, article);
    }
  }
  return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
}

/** Our own links in stored bodies name the base they were rendered with; serve them under this request's. */
export function rebase(body: string, renderedBase: string, base: string): string {
  return renderedBase && renderedBase !== base ? body.replaceAll(renderedBase, base) : body;
}

/**
 * Did KV's articles catch up with the index? Every selected entry loaded, in the version the index
 * chose it in. If not, the body is right for now but must not be cached, or validated, as the index's.
 */
export function articlesMatchIndex(selected: readonly IndexEntry[], articles: readonly StoredArticle[]): boolean {
  return (
    articles.length === selected.length &&
    selected.every((entry, i) => articles[i]!.id === entry.id && articles[i]!.version === entry.version)
  );
}
