// JSON Feed 1.1 with feedsmith: authors, language, and the `_syndication` extension carrying each
// item's rights and, for reprints, its source. Fragments are JSON texts of single items.
import { generateJsonFeed } from "feedsmith";
import type { StoredArticle } from "../../model/article";
import { contentHtml, documentShell, type FeedHead, type ItemOptions, itemId, leadImage, PLACEHOLDER_HEAD, reprintSource } from "./shared";

type JsonFeedInput = Parameters<typeof generateJsonFeed>[0];
type JsonItem = NonNullable<JsonFeedInput["items"]>[number];

/**
 * An item carrying our extension. feedsmith writes `_` keys as given, but its types do not declare
 * them, so the literal is checked against feedsmith's type plus ours.
 */
type SyndicatedItem = JsonItem & { _syndication: SyndicationExtension };

/** Our JSON Feed extension (jsonfeed.org/version/1.1 §Extensions: keys starting with "_"). */
export interface SyndicationExtension {
  about: string;
  license: string;
  syndication: string;
  attribution: string;
  copyright: string;
  source?: { name: string; url?: string; own: boolean };
}

function jsonItem(article: StoredArticle, options: ItemOptions): SyndicatedItem {
  const full = options.variant === "full";
  const source = reprintSource(article);
  const image = leadImage(article);
  const syndication: SyndicationExtension = {
    about: `${options.baseUrl}/openapi.json`,
    license: options.rights.licenceUrl,
    syndication: options.rights.syndication,
    attribution: options.rights.attribution,
    copyright: options.rights.copyright,
    ...(source ? { source: { name: source.name, ...(source.hasUrl ? { url: source.url } : {}), own: false } } : {}),
  };
  return {
    id: itemId(article.id, options.script),
    url: article.url,
    title: article.title,
    ...(article.summary ? { summary: article.summary } : {}),
    ...(full ? { content_html: contentHtml(article) } : { content_text: article.summary ?? article.title }),
    ...(image ? { image: image.url } : {}),
    date_published: article.published_at,
    date_modified: article.updated_at,
    ...(article.authors.length ? { authors: article.authors.map((a) => ({ name: a.name })) } : {}),
    ...(article.topics.length ? { tags: article.topics } : {}),
    language: article.language,
    _syndication: syndication,
  } satisfies SyndicatedItem;
}

function jsonDocument(head: FeedHead, items: JsonItem[]): object {
  const twins = head.alternates.filter((a) => a.hreflang).map((a) => ({ url: a.url, type: a.type, hreflang: a.hreflang }));
  const feed = {
    title: head.title,
    home_page_url: head.homeUrl,
    feed_url: head.selfUrl,
    ...(head.history?.prev ? { next_url: head.history.prev } : {}),
    ...(head.hubUrl ? { hubs: [{ type: "WebSub", url: head.hubUrl }] } : {}),
    description: head.description,
    icon: head.icon,
    favicon: head.favicon,
    language: head.language,
    authors: [{ name: head.title, url: head.homeUrl }],
    items,
    _syndication: { license: head.licenceUrl, copyright: head.copyright },
    // JSON Feed has no alternate links: the twin in the other script is named in this extension.
    ...(twins.length ? { _alternates: twins } : {}),
  } satisfies JsonFeedInput & { _syndication: { license: string; copyright: string }; _alternates?: typeof twins };
  return generateJsonFeed(feed) as object;
}

export function renderJsonItem(article: StoredArticle, options: ItemOptions): string {
  const doc = jsonDocument(PLACEHOLDER_HEAD, [jsonItem(article, options)]) as { items: unknown[] };
  return JSON.stringify(doc.items[0]);
}

export function renderJsonDocument(head: FeedHead, fragments: readonly string[]): string {
  // Stringify the head around a marker, then splice the fragments in: no re-parsing of items.
  // (feedsmith drops an empty item list, so the list is added here.) The head comes from our config only.
  // JSON Feed has no document date, so the shell is the same whatever `updated` is.
  const [before, after] = documentShell(
    "json",
    head,
    (h) => {
      const shell = JSON.stringify({ ...jsonDocument(h, []), items: ITEMS_MARKER });
      const at = shell.indexOf(`"${ITEMS_MARKER}"`);
      return [shell.slice(0, at), shell.slice(at + ITEMS_MARKER.length + 2)];
    },
    () => "",
  );
  return `${before}[${fragments.join(",")}]${after}`;
}

const ITEMS_MARKER = "@@items@@";
