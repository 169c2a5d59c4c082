// The public face of a feed: its head, the public licence terms, and items as readers get them.
import { ALL_SECTIONS, PUBLIC_LICENCE, PUBLICATION, type Section } from "../config/publication";
import type { StoredArticle } from "../model/article";
import { archiveIndexPath } from "./archive/month";
import type { LicenceTerms } from "./http";
import { FEED_FORMATS, type FeedFormat, feedMediaType } from "./model";
import { canonicalQuery, type FeedQuery, isUnfiltered } from "./query";
import { type FeedHead, publicRights, renderItem } from "./render";

/**
 * Bodies published before any request has been seen name this base URL when PUBLIC_BASE_URL is
 * not set (local development); the read path swaps in the request's origin.
 */
export const PLACEHOLDER_BASE = "https://feeds-base.invalid";

export const publicLicenceUrl = (base: string) => `${base}/licenses/${PUBLIC_LICENCE.id}`;

/** Where readers subscribe to pushes of a public feed (WebSub): advertised as rel="hub" by every public feed. */
export const HUB_PATH = "/websub";
export const hubUrl = (base: string) => `${base}${HUB_PATH}`;

export function publicLicenceTerms(base: string): LicenceTerms {
  return { scope: "public", license: PUBLIC_LICENCE.id, url: publicLicenceUrl(base), attribution: PUBLIC_LICENCE.attribution };
}

/** The URL of a feed in any format, with the canonical query (never a key). */
export function feedUrl(
  base: string,
  pathPrefix: "/feeds" | "/partner/feeds",
  section: Section,
  format: FeedFormat,
  query: FeedQuery,
): string {
  return `${base}${pathPrefix}/${section.slug}.${format}${canonicalQuery(query)}`;
}

export function feedHead(options: {
  base: string;
  pathPrefix: "/feeds" | "/partner/feeds";
  section: Section;
  format: FeedFormat;
  query: FeedQuery;
  updated: Date;
  licenceUrl: string;
  titleSuffix?: string;
  /** The newest archive document (`2026-11`); the unfiltered public feed links to it (RFC 5005). */
  archive?: string | undefined;
}): FeedHead {
  const { base, pathPrefix, section, format, query } = options;
  const name = section.slug === ALL_SECTIONS ? "全部欄目" : section.name;
  return {
    id: `${base}${pathPrefix}/${section.slug}${canonicalQuery(query)}`,
    title: `${PUBLICATION.title} · ${name}${options.titleSuffix ?? ""}`,
    description: section.description,
    selfUrl: feedUrl(base, pathPrefix, section, format, query),
    homeUrl: `${base}/`,
    alternates: FEED_FORMATS.filter((f) => f !== format).map((f) => ({
      type: feedMediaType(f),
      url: feedUrl(base, pathPrefix, section, f, query),
    })),
    licenceUrl: options.licenceUrl,
    language: PUBLICATION.language,
    copyright: PUBLICATION.copyright,
    updated: options.updated,
    ...(options.archive && pathPrefix === "/feeds" && isUnfiltered(query)
      ? { history: { archive: false, prev: `${base}${archiveIndexPath(section.slug)}${options.archive}.${format}` } }
      : {}),
    // Partner feeds are private to a key, so only public feeds are pushed.
    ...(pathPrefix === "/partner/feeds" ? {} : { hubUrl: hubUrl(base) }),
  };
}

/** An article's item in every format, as the public feeds show it. */
export function publicFragments(article: StoredArticle, base: string): Record<FeedFormat, string> {
  const options = { variant: "full" as const, rights: publicRights(article, publicLicenceUrl(base)), baseUrl: base };
  return {
    rss: renderItem("rss", article, options),
    atom: renderItem("atom", article, options),
    json: renderItem("json", article, options),
  };
}
