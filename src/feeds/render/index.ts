// One entry point per job for the three formats: render an item fragment, assemble a document.
import type { StoredArticle } from "../../model/article";
import type { FeedFormat } from "../model";
import { renderAtomDocument, renderAtomEntry } from "./atom";
import { renderJsonDocument, renderJsonItem } from "./json";
import { renderRssDocument, renderRssItem } from "./rss";
import type { FeedHead, ItemOptions, Tombstone } from "./shared";

export type { FeedHead, FeedHistory, ItemOptions, ItemRights, ItemVariant, Tombstone } from "./shared";
export { itemId, publicRights } from "./shared";

export function renderItem(format: FeedFormat, article: StoredArticle, options: ItemOptions): string {
  switch (format) {
    case "rss":
      return renderRssItem(article, options);
    case "atom":
      return renderAtomEntry(article, options);
    case "json":
      return renderJsonItem(article, options);
  }
}

/** Assembles a feed from item fragments; tombstones appear only in Atom (RFC 6721). */
export function renderDocument(
  format: FeedFormat,
  head: FeedHead,
  fragments: readonly string[],
  tombstones: readonly Tombstone[] = [],
): string {
  switch (format) {
    case "rss":
      return renderRssDocument(head, fragments);
    case "atom":
      return renderAtomDocument(head, fragments, tombstones);
    case "json":
      return renderJsonDocument(head, fragments);
  }
}
