// A public feed document rendered from a section's index and the items it selects, read from their own keys:
// what a filtered GET serves, and what the WebSub hub pushes for each changed topic (one code, the same bytes).
import { findSection, type Script } from "../config/publication";
import type { StoredArticle } from "../model/article";
import type { FeedIndex } from "./feed-index";
import type { FeedFormat } from "./model";
import { feedHead, publicFragments, publicLicenceUrl } from "./public-feed";
import type { FeedQuery } from "./query";
import { loadItems, rebase } from "./read";
import { renderDocument } from "./render";
import { lastModified, selectEntries } from "./select";
import { simplifiedArticle } from "./zh-hans/article";

/**
 * The feed `query` selects from `index` at `now`, with links under `base`. Items as published (rendered with the
 * index's base); one the KV location lacks yet is rendered (and, for the twin, converted) from its article, and
 * then the answer is `complete` only if that article is the version indexed.
 */
export async function renderPublicFeed(
  kv: KVNamespace,
  options: { index: FeedIndex; format: FeedFormat; query: FeedQuery; now: number; base: string; script: Script; memoMs?: number },
): Promise<{ body: string; complete: boolean }> {
  const { index, format, query, now, base, script } = options;
  const section = findSection(index.section);
  if (!section) throw new Error(`unknown section ${index.section}`);
  const selected = selectEntries(index, query, now);
  const { items, complete } = await loadItems(
    kv,
    index,
    selected,
    format,
    script,
    (article) => itemOf(article, index.base, format, script),
    options.memoMs,
  );
  const head = feedHead({
    base,
    pathPrefix: "/feeds",
    section,
    format,
    query,
    updated: new Date(lastModified(index, now)),
    licenceUrl: publicLicenceUrl(base),
    archive: index.archive,
    script,
  });
  return {
    body: renderDocument(
      format,
      head,
      items.map((item) => rebase(item, index.base, base)),
    ),
    complete,
  };
}

/** An article's item in one format and script, rendered on a read only while its published item has not arrived. */
export function itemOf(article: StoredArticle, base: string, format: FeedFormat, script: Script): string {
  return publicFragments(script === "zh-Hans" ? simplifiedArticle(article) : article, base, script)[format];
}
