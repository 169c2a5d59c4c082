// The browser view of a feed, as the feed routes see it: who gets it (a person's browser, never a feed
// reader) and what it is given. The page itself is rendered by discovery; src/index.ts hands its
// renderer to the feed routes, so feeds never imports discovery.
import type { Section } from "../config/publication";
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

export interface FeedPageView {
  section: Section;
  format: FeedFormat;
  /** The absolute URL of this feed (with its filters), for the reader hint. Never carries a partner key. */
  feedUrl: string;
  alternates: { format: FeedFormat; url: string }[];
  licenceUrl: string;
  /** Already filtered, newest first. */
  items: StoredArticle[];
}

/** Renders the whole HTML document of a feed's browser view. */
export type FeedPageRenderer = (view: FeedPageView) => string;
