// The shared vocabulary of feeds: formats, their media types and file extensions.
export type FeedFormat = "rss" | "atom" | "json";
export const FEED_FORMATS: readonly FeedFormat[] = ["rss", "atom", "json"];

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

/** The bare media type of a format (no charset), as `Link`, `<link type>` and OPML want it. */
export const feedMediaType = (format: FeedFormat) => FEED_CONTENT_TYPES[format].split(";")[0]!;

export const FEED_FORMAT_NAMES: Record<FeedFormat, string> = { rss: "RSS 2.0", atom: "Atom 1.0", json: "JSON Feed 1.1" };
