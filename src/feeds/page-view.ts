// The browser view of a feed, as the feed routes see it: who gets it (a person's browser, never a feed
// reader) and what it is given. The page itself is rendered by discovery; src/index.ts hands its
// renderer to the feed routes, so feeds never imports discovery.
import type { Script, Section } from "../config/publication";
import { prefersOver } from "../http/accept";
import type { StoredArticle } from "../model/article";
import { FEED_FORMATS, type FeedFormat, feedMediaType } from "./model";

/** Media types a feed reader may ask for; text/html must beat all of them, wildcards included. */
const FEED_READER_TYPES = [...FEED_FORMATS.map(feedMediaType), "application/xml", "text/xml", "application/json"];

/**
 * True only when the Accept header gives text/html a strictly higher quality than every feed type
 * (RFC 9110 §12.5.1). A tie — `*\/*` alone, or no header at all — is false: readers get the feed.
 */
export function prefersHtml(accept: string | undefined): boolean {
  return prefersOver(accept, "text/html", FEED_READER_TYPES);
}

/** What the page shows of an item: taken from the article, or from the item's JSON Feed fragment. */
export interface PageItem {
  title: string;
  url: string;
  published_at: string;
  summary?: string;
  /** The source's name, for reprints. */
  source?: string;
}

export function pageItem(article: StoredArticle): PageItem {
  return {
    title: article.title,
    url: article.url,
    published_at: article.published_at,
    ...(article.summary ? { summary: article.summary } : {}),
    ...(article.source.own ? {} : { source: article.source.name }),
  };
}

/** A page item from a published JSON Feed item: the Simplified twin's text is read as published, never converted here. */
export function pageItemFromJson(fragment: string): PageItem {
  const item = JSON.parse(fragment) as {
    title: string;
    url: string;
    date_published: string;
    summary?: string;
    _syndication?: { source?: { name: string } };
  };
  return {
    title: item.title,
    url: item.url,
    published_at: item.date_published,
    ...(item.summary ? { summary: item.summary } : {}),
    ...(item._syndication?.source ? { source: item._syndication.source.name } : {}),
  };
}

export interface FeedPageView {
  section: Section;
  format: FeedFormat;
  /** The absolute URL of this feed (with its filters), for the reader hint. Never carries a partner key. */
  feedUrl: string;
  alternates: { format: FeedFormat; url: string }[];
  licenceUrl: string;
  /** Already filtered, newest first. */
  items: PageItem[];
  /** The filters the feed applies (region, topics, limit), shown so nobody takes it for the whole section. */
  filters?: { region?: string; topics: string[]; limit: number; defaultLimit: number };
  /** The script of the page; default zh-Hant. */
  script?: Script;
  /** The same feed in the other script (public feeds). */
  twin?: { url: string; hreflang: Script };
}

/** Renders the whole HTML document of a feed's browser view. */
export type FeedPageRenderer = (view: FeedPageView) => string;
