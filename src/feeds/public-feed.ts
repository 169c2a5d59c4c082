// The public face of a feed: its head, the public licence terms, and items as readers get them.
import { ICONS, otherScript, PUBLIC_LICENCE, PUBLICATION, SCRIPT_PREFIX, type Script, type Section } from "../config/publication";
import { sectionIn, textIn } from "../config/zh-hans-text";
import type { StoredArticle } from "../model/article";
import { archiveIndexPath } from "./archive/month";
import type { LicenceTerms } from "./http";
import { FEED_FORMATS, type FeedFormat, feedMediaType } from "./model";
import { canonicalQuery, type FeedQuery, isUnfiltered, queryHole } from "./query";
import { type FeedHead, publicRights, renderItem } from "./render";
import { simplifiedArticle } from "./zh-hans/article";

/**
 * Bodies published before any request has been seen name this base URL when PUBLIC_BASE_URL is
 * not set (local development); the read path swaps in the request's origin.
 */
export const PLACEHOLDER_BASE = "https://feeds-base.invalid";

export const publicLicenceUrl = (base: string) => `${base}/licenses/${PUBLIC_LICENCE.id}`;

/** Where readers subscribe to pushes of a public feed (WebSub): advertised as rel="hub" by every public feed. */
export const HUB_PATH = "/websub";
export const hubUrl = (base: string) => `${base}${HUB_PATH}`;

export function publicLicenceTerms(base: string, script: Script = "zh-Hant"): LicenceTerms {
  return {
    scope: "public",
    license: PUBLIC_LICENCE.id,
    url: publicLicenceUrl(base),
    attribution: textIn(script, PUBLIC_LICENCE.attribution),
  };
}

/** The URL of a feed in any format, with the canonical query (never a key); public feeds have a twin per script. */
export function feedUrl(
  base: string,
  pathPrefix: "/feeds" | "/partner/feeds",
  section: Section,
  format: FeedFormat,
  query: FeedQuery,
  script: Script = "zh-Hant",
): string {
  return `${base}${SCRIPT_PREFIX[script]}${pathPrefix}/${section.slug}.${format}${canonicalQuery(query)}`;
}

/** The same public feed in the other script: `rel="alternate"` with its hreflang, in the Link header and the document. */
export function twinLink(base: string, section: Section, format: FeedFormat, query: FeedQuery, script: Script) {
  const other = otherScript(script);
  return { url: feedUrl(base, "/feeds", section, format, query, other), rel: "alternate", type: feedMediaType(format), hreflang: other };
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
  /** The newest archive document (`2026-11`); the unfiltered public feed of either script links to its own (RFC 5005). */
  archive?: string | undefined;
  /** Public feeds only: zh-Hans for the Simplified twin. */
  script?: Script;
}): FeedHead {
  const { base, pathPrefix, format } = options;
  const script = options.script ?? "zh-Hant";
  // A filtered feed's URLs name the query hole and the document splices its query in: one shell for all queries.
  const q = canonicalQuery(options.query);
  const hole = queryHole(q);
  const query = q === "" ? options.query : hole.query;
  const section = sectionIn(script, options.section);
  const prefix = SCRIPT_PREFIX[script];
  return {
    id: `${base}${prefix}${pathPrefix}/${section.slug}${canonicalQuery(query)}`,
    title: `${textIn(script, PUBLICATION.title)} · ${section.name}${options.titleSuffix ?? ""}`,
    description: section.description,
    selfUrl: feedUrl(base, pathPrefix, section, format, query, script),
    homeUrl: `${base}${prefix}/`,
    alternates: [
      ...FEED_FORMATS.filter((f) => f !== format).map((f) => ({
        type: feedMediaType(f),
        url: feedUrl(base, pathPrefix, section, f, query, script),
      })),
      ...(pathPrefix === "/feeds" ? [twinLink(base, section, format, query, script)] : []),
    ],
    licenceUrl: options.licenceUrl,
    language: script,
    copyright: textIn(script, PUBLICATION.copyright),
    updated: options.updated,
    icon: `${base}${ICONS.icon.path}`,
    favicon: `${base}${ICONS.favicon.path}`,
    // Each script's unfiltered feed heads its own chain of archives (the twins' archives are twins too).
    ...(options.archive && pathPrefix === "/feeds" && isUnfiltered(options.query)
      ? { history: { archive: false, prev: `${base}${archiveIndexPath(section.slug, script)}${options.archive}.${format}` } }
      : {}),
    // Partner feeds are private to a key, so only public feeds (both scripts) are pushed.
    ...(pathPrefix === "/partner/feeds" ? {} : { hubUrl: hubUrl(base) }),
    ...(q === "" ? {} : { querySlot: { hole: hole.text, query: q } }),
  };
}

/** An article's items in every format in both scripts: the Simplified twin is converted here, once per article version. */
export function twinFragments(article: StoredArticle, base: string): Record<Script, Record<FeedFormat, string>> {
  return { "zh-Hant": publicFragments(article, base), "zh-Hans": publicFragments(simplifiedArticle(article), base, "zh-Hans") };
}

/** An article's item in every format, as the public feeds show it; `article` is already in `script`. */
export function publicFragments(article: StoredArticle, base: string, script: Script = "zh-Hant"): Record<FeedFormat, string> {
  const options = { variant: "full" as const, rights: publicRights(article, publicLicenceUrl(base)), baseUrl: base, script };
  return {
    rss: renderItem("rss", article, options),
    atom: renderItem("atom", article, options),
    json: renderItem("json", article, options),
  };
}
