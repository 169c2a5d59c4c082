// RSS 2.0 with feedsmith: dc:creator for authors (never a bare name in <author>), dc:rights,
// <source url> for reprints, content:encoded for the body, atom:updated, media:content for the lead image.
import { generateRssFeed } from "feedsmith";
import { ICONS } from "../../config/publication";
import type { StoredArticle } from "../../model/article";
import {
  contentHtml,
  documentShell,
  extractBetween,
  type FeedHead,
  historyLinks,
  type ItemOptions,
  itemId,
  leadImage,
  markArchive,
  PLACEHOLDER_HEAD,
  reprintSource,
  rightsText,
  splitAround,
  tightenCdata,
  topicScheme,
} from "./shared";

type RssItem = NonNullable<Parameters<typeof generateRssFeed>[0]["items"]>[number];

function rssItem(article: StoredArticle, options: ItemOptions): RssItem {
  const full = options.variant === "full";
  const source = reprintSource(article);
  const image = leadImage(article);
  return {
    title: article.title,
    link: article.url,
    description: article.summary ?? article.title,
    guid: { value: itemId(article.id, options.script), isPermaLink: false },
    pubDate: article.published_at,
    categories: article.topics.map((topic) => ({ name: topic, domain: topicScheme(options.baseUrl) })),
    ...(source ? { source: { title: source.name, url: source.url } } : {}),
    atom: { updated: article.updated_at },
    dc: {
      creators: article.authors.map((a) => a.name),
      ...(article.editors.length ? { contributors: article.editors.map((e) => e.name) } : {}),
      rights: [rightsText(options.rights)],
    },
    ...(full ? { content: { encoded: contentHtml(article) } } : {}),
    ...(image
      ? {
          media: {
            contents: [
              {
                url: image.url,
                medium: "image",
                ...(image.type ? { type: image.type } : {}),
                ...(image.width ? { width: image.width } : {}),
                ...(image.height ? { height: image.height } : {}),
                ...(image.caption ? { description: { value: image.caption } } : {}),
              },
            ],
          },
        }
      : {}),
  } satisfies RssItem;
}

function rssDocument(head: FeedHead, items: RssItem[]): string {
  const xml = tightenCdata(
    generateRssFeed({
      title: head.title,
      link: head.homeUrl,
      description: head.description,
      language: head.language,
      copyright: head.copyright,
      lastBuildDate: head.updated,
      generator: "feed-syndication-edge",
      docs: "https://www.rssboard.org/rss-specification",
      ttl: 5,
      // RSS 2.0 allows an image at most 144 px wide; its title and link are the channel's, as the spec asks.
      image: { url: head.favicon, title: head.title, link: head.homeUrl, width: ICONS.favicon.size, height: ICONS.favicon.size },
      atom: {
        links: [
          { href: head.selfUrl, rel: "self", type: "application/rss+xml" },
          ...(head.hubUrl ? [{ href: head.hubUrl, rel: "hub" }] : []),
          ...head.alternates.map((a) => ({ href: a.url, rel: "alternate", type: a.type, ...(a.hreflang ? { hreflang: a.hreflang } : {}) })),
          { href: head.licenceUrl, rel: "license" },
          ...historyLinks(head.history),
        ],
      },
      items,
    }),
  );
  return markArchive(xml, head.history, "rss", "channel");
}

/** One <item> element, rendered once per article version and reused in every feed. */
export function renderRssItem(article: StoredArticle, options: ItemOptions): string {
  return extractBetween(rssDocument(PLACEHOLDER_HEAD, [rssItem(article, options)]), "<item>", "</item>");
}

/** A whole RSS document around item fragments. */
export function renderRssDocument(head: FeedHead, fragments: readonly string[]): string {
  // Render the head around a placeholder item that uses every namespace, so the root declares them.
  const [before, after] = documentShell(
    "rss",
    head,
    (h) => splitAround(rssDocument(h, [NAMESPACE_CARRIER]), "<item>", "</item>"),
    (d) => d.toUTCString(),
  );
  return `${before}${fragments.join("\n    ")}${after}`;
}

const NAMESPACE_CARRIER = {
  title: "x",
  atom: { updated: new Date(0) },
  dc: { creators: ["x"], rights: ["x"] },
  content: { encoded: "x" },
  media: { contents: [{ url: "https://x.invalid/", medium: "image" }] },
} satisfies RssItem;
