// A public feed's answer and its complete header set, decided here and only here: the router's handler and the
// path ahead of the router (src/feeds/fast-path.ts) both answer through feedResponse, and the set already holds
// what the middleware adds (security and CORS headers), so an answer is the same whichever path gave it.
// Sets are built once per feed and published revision, not per request.
import { CACHE_CONTROL } from "../config/cache";
import type { Script, Section } from "../config/publication";
import { HTML_PAGE_HEADERS, PUBLIC_CORS_HEADERS, PUBLIC_READ_HEADERS } from "../http/headers";
import { CACHE_TAG_HEADER, sectionCacheTag } from "./edge-cache";
import { feedLinks, linkHeader, syndicationLicense } from "./http";
import { FEED_CONTENT_TYPES, type FeedFormat } from "./model";
import { feedUrl, hubUrl, publicLicenceTerms, publicLicenceUrl, twinLink } from "./public-feed";
import { canonicalQuery, type FeedQuery, queryHole } from "./query";

/** What a feed request asks for, parsed once: everything its bytes and headers depend on. */
export interface FeedAsk {
  script: Script;
  section: Section;
  format: FeedFormat;
  query: FeedQuery;
  /** canonicalQuery(query): "" or "?…". */
  q: string;
  base: string;
  /** The browser view rather than the feed. */
  html: boolean;
  /** Everything else that shapes the bytes, for the ETag and the render cache. */
  shape: string;
}

export function feedAsk(r: Omit<FeedAsk, "q" | "shape">): FeedAsk {
  const q = canonicalQuery(r.query);
  return { ...r, q, shape: `${r.script}|${r.section.slug}.${r.format}${q}|${r.base}|${r.html ? "html" : "feed"}` };
}

/** Bounded isolate memos: filters are validated, but keep them small whatever the traffic. */
const MAX_HELD = 1000;
function hold<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= MAX_HELD) map.clear();
  map.set(key, value);
  return value;
}

/** The Link header of a feed, as parts around its canonical query string, per script, base, section and format. */
const HOLE = queryHole("");
const linkTemplates = new Map<string, string[]>();
function feedLinkHeader(a: FeedAsk): string {
  const key = `${a.script}|${a.base}|${a.section.slug}.${a.format}`;
  const parts =
    linkTemplates.get(key) ??
    hold(
      linkTemplates,
      key,
      linkHeader([
        ...feedLinks(
          (f) => feedUrl(a.base, "/feeds", a.section, f, HOLE.query, a.script),
          a.format,
          publicLicenceUrl(a.base),
          twinLink(a.base, a.section, a.format, HOLE.query, a.script),
        ),
        // Every public feed, in either script, is a topic of the hub.
        { url: hubUrl(a.base), rel: "hub" },
      ]).split(HOLE.text),
    );
  return parts.join(a.q);
}

/** The public licence's Syndication-License value per base and script. */
const licences = new Map<string, string>();
function publicLicenceHeader(base: string, script: Script): string {
  const key = `${script}|${base}`;
  return licences.get(key) ?? hold(licences, key, syndicationLicense(publicLicenceTerms(base, script)));
}

/** The headers that depend only on the feed and the base URL (and what the middleware adds to every public read). */
function fixedHeaders(a: FeedAsk): Record<string, string> {
  return {
    ...PUBLIC_READ_HEADERS,
    "Cache-Control": CACHE_CONTROL.publicFeed,
    Vary: "Accept",
    Link: feedLinkHeader(a),
    "Syndication-License": publicLicenceHeader(a.base, a.script),
    // Workers Cache (production) purges this tag when the section publishes again; inert elsewhere.
    [CACHE_TAG_HEADER]: sectionCacheTag(a.section.slug),
  };
}

/**
 * A feed's header sets for its latest validators: a 200's, and a 304's, replaced, never edited. A 304 carries what
 * updates the reader's stored copy (RFC 9110 §15.4.5: ETag, Cache-Control, Vary) and the CORS headers a script
 * needs to read it; the rest is the stored 200's already. Held as Headers: a Response copies those without
 * converting each name and value from JavaScript again.
 */
interface HeaderSets {
  fixed: Record<string, string>;
  etag: string;
  modified: number;
  ok: Headers;
  notModified: Headers;
}
const headerSets = new Map<string, HeaderSets>();

function headerSetsFor(a: FeedAsk, etag: string, modified: number): HeaderSets {
  const held = headerSets.get(a.shape);
  if (held && held.etag === etag && held.modified === modified) return held;
  const fixed = held?.fixed ?? fixedHeaders(a);
  const ok: Record<string, string> = {
    ...fixed,
    ...(a.html ? HTML_PAGE_HEADERS : { "Content-Type": FEED_CONTENT_TYPES[a.format] }),
    ETag: etag,
    "Last-Modified": new Date(modified).toUTCString(),
  };
  const notModified = { ...PUBLIC_CORS_HEADERS, "Cache-Control": fixed["Cache-Control"]!, Vary: fixed.Vary!, ETag: etag };
  return hold(headerSets, a.shape, { fixed, etag, modified, ok: new Headers(ok), notModified: new Headers(notModified) });
}

/** The answer to a feed request: its body (a 200) with the feed's complete header set, or null for a 304. */
export function feedResponse(a: FeedAsk, body: BodyInit | null, etag: string, modified: number): Response {
  const sets = headerSetsFor(a, etag, modified);
  return body === null
    ? new Response(null, { status: 304, headers: sets.notModified })
    : new Response(body, { status: 200, headers: sets.ok });
}
