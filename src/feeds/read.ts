// The read path's KV access, shared by public, archive and partner feeds, through this isolate's memo of what
// it read (src/feeds/isolate-memo.ts). Reads never call the Newsroom.
import { KV_IMMUTABLE_CACHE_TTL as IMMUTABLE_CACHE_TTL, KV_MUTABLE_CACHE_TTL as MUTABLE_CACHE_TTL } from "../config/cache";
import type { Script } from "../config/publication";
import type { StoredArticle } from "../model/article";
import { archiveKey, articleKey, feedKey, indexKey, itemKey, validatorsKey } from "../storage/kv-keys";
import type { ArchiveMeta } from "./archive/documents";
import type { FeedIndex, IndexEntry, PrerenderedMeta } from "./feed-index";
import { isolateMemo, textBytes } from "./isolate-memo";
import type { FeedFormat } from "./model";

export function emptyIndex(section: string): FeedIndex {
  return { section, revision: 0, generated_ms: 0, changed_ms: 0, entries: [], withdrawals: [], base: "", items: "" };
}

/**
 * A section's index. `memoMs` (memoWindowMs(env)) lets this isolate answer from a read begun that long ago
 * (src/feeds/isolate-memo.ts); the WebSub hub, which compares against what was just published, passes none.
 */
export function loadIndex(kv: KVNamespace, section: string, memoMs = 0): Promise<FeedIndex> {
  return isolateMemo.recent(indexKey(section), memoMs, async () => {
    const text = await kv.get(indexKey(section), { type: "text", cacheTtl: MUTABLE_CACHE_TTL });
    return { value: text === null ? emptyIndex(section) : (JSON.parse(text) as FeedIndex), bytes: textBytes(text) };
  });
}

/** A section's pre-rendered unfiltered feed and its validators (metadata); the bytes may be shared with other requests: never write to them. */
export function loadPrerendered(
  kv: KVNamespace,
  section: string,
  format: FeedFormat,
  script: Script = "zh-Hant",
  memoMs = 0,
): Promise<{ value: ArrayBuffer | null; metadata: PrerenderedMeta | null }> {
  const key = feedKey(section, format, script);
  return isolateMemo.recent(key, memoMs, async () => {
    const read = await kv.getWithMetadata<PrerenderedMeta>(key, { type: "arrayBuffer", cacheTtl: MUTABLE_CACHE_TTL });
    return { value: { value: read.value, metadata: read.metadata }, bytes: read.value?.byteLength ?? 0 };
  });
}

/** A section's validators (~150 bytes): enough to answer a conditional request while no embargo lifts. */
export function loadValidators(kv: KVNamespace, section: string, memoMs = 0): Promise<PrerenderedMeta | null> {
  return isolateMemo.recent(validatorsKey(section), memoMs, async () => {
    const text = await kv.get(validatorsKey(section), { type: "text", cacheTtl: MUTABLE_CACHE_TTL });
    return { value: text === null ? null : (JSON.parse(text) as PrerenderedMeta), bytes: textBytes(text) };
  });
}

/** An archive document (text) and its metadata in one script, memoised like a section's pre-rendered feed. */
export function loadArchiveDocument(
  kv: KVNamespace,
  section: string,
  name: string,
  format: FeedFormat,
  memoMs = 0,
  script: Script = "zh-Hant",
): Promise<{ value: string | null; metadata: ArchiveMeta | null }> {
  const key = archiveKey(section, name, format, script);
  return isolateMemo.recent(key, memoMs, async () => {
    const read = await kv.getWithMetadata<ArchiveMeta>(key, { type: "text", cacheTtl: MUTABLE_CACHE_TTL });
    return { value: { value: read.value, metadata: read.metadata }, bytes: textBytes(read.value) };
  });
}

/**
 * The selected entries' items in one format and script, read from their own keys (one bulk read per 100 entries), as
 * rendered with the index's base. An item whose key has not reached this location yet is rendered from
 * its article by `render`; then the answer is `complete` only if that article is the version indexed.
 * Public and partner feeds, every script and the archives read items through here.
 */
export async function loadItems(
  kv: KVNamespace,
  index: Pick<FeedIndex, "items">,
  selected: readonly IndexEntry[],
  format: FeedFormat,
  script: Script,
  render: (article: StoredArticle) => string,
  memoMs = 0,
): Promise<{ items: string[]; complete: boolean }> {
  const keys = selected.map((entry) => itemKey(index.items, entry.id, entry.version, format, script));
  // Items never change under their key: with the memo on (memoMs > 0, any window), what this isolate holds is
  // read from memory, the rest from KV and then held.
  const memo = memoMs > 0;
  const found = new Map<string, string | null>();
  for (const key of memo ? keys : []) {
    const held = isolateMemo.item(key);
    if (held !== undefined) found.set(key, held);
  }
  const unread = keys.filter((key) => !found.has(key));
  for (let i = 0; i < unread.length; i += 100) {
    const values = await kv.get(unread.slice(i, i + 100), { type: "text", cacheTtl: IMMUTABLE_CACHE_TTL });
    for (const [key, value] of values) {
      found.set(key, value);
      if (memo && value !== null) isolateMemo.keepItem(key, value);
    }
  }
  const missing = selected.filter((_entry, i) => (found.get(keys[i]!) ?? null) === null);
  if (missing.length === 0) return { items: keys.map((key) => found.get(key)!), complete: true };
  const articles = await loadArticles(
    kv,
    missing.map((entry) => entry.id),
  );
  const rendered = new Map(articles.map((article) => [article.id, render(article)]));
  const items = selected.flatMap((entry, i) => found.get(keys[i]!) ?? rendered.get(entry.id) ?? []);
  return { items, complete: articlesMatchIndex(missing, articles) };
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
