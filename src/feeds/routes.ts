// Public feeds (docs/feeds.md): GET /feeds/{section}.{rss|atom|json}?region=&topic=&limit=, and their
// Simplified twins at /zh-hans/feeds/… (docs/zh-hans.md), served the same way from fragments converted at publish time.
// The unfiltered feed is one KV read of a pre-rendered body; a filtered one is one read of the
// section index, selection in memory, one bulk read of the selected items and a concatenation. ETags
// are known before anything is rendered, so a 304 reads only the section's validators (~150 bytes).
import { type Context, Hono } from "hono";
import { CACHE_CONTROL } from "../config/cache";
import { DEFAULT_FEED_LIMIT, otherScript, publicBaseUrl, type Script, type Section } from "../config/publication";
import { HTML_PAGE_HEADERS } from "../http/headers";
import { CACHE_TAG_HEADER, sectionCacheTag } from "./edge-cache";
import { feedEtag, feedLinks, isNotModified, linkHeader, preconditionsOf, syndicationLicense } from "./http";
import { memoWindowMs } from "./isolate-memo";
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat } from "./model";
import { type FeedPageRenderer, type FeedPageView, pageItem, pageItemFromJson, prefersHtml } from "./page-view";
import { feedUrl, hubUrl, publicLicenceTerms, publicLicenceUrl, twinLink } from "./public-feed";
import { itemOf, renderPublicFeed } from "./public-render";
import { canonicalQuery, type FeedQuery, isUnfiltered, parseFeedFile, parseFeedQuery } from "./query";
import { articlesMatchIndex, loadArticles, loadIndex, loadItems, loadPrerendered, loadValidators, rebase } from "./read";
import { lastModified, liftedEmbargoes, selectEntries } from "./select";

/**
 * The public feed routes in one script, mounted at /feeds (zh-Hant) and /zh-hans/feeds (zh-Hans);
 * `renderPage` draws a feed's browser view (discovery's, wired in src/index.ts).
 */
export function publicFeeds(renderPage: FeedPageRenderer, script: Script = "zh-Hant"): Hono<{ Bindings: Env }> {
  return new Hono<{ Bindings: Env }>().get("/:file", (c) => serveFeed(c, renderPage, script));
}

async function serveFeed(c: Context<{ Bindings: Env }, "/:file">, renderPage: FeedPageRenderer, script: Script): Promise<Response> {
  const { section, format } = parseFeedFile(c.req.param("file"));
  const url = new URL(c.req.url);
  const query = parseFeedQuery(url.searchParams);
  const base = publicBaseUrl(c.env, c.req.url);
  const now = Date.now();
  const html = prefersHtml(c.req.header("Accept"));
  const shape = `${script}|${section.slug}.${format}${canonicalQuery(query)}|${base}|${html ? "html" : "feed"}`;
  const memoMs = memoWindowMs(c.env);
  const respond = (body: BodyInit | null, etag: string, modified: number) =>
    feedResponse({ body, etag, modified, section, format, query, base, html, script });

  // A conditional request is decided from the section's validators (~150 bytes) while no embargo has lifted
  // since they were published; otherwise, and when the client's copy is not current, from what follows.
  const preconditions = preconditionsOf(c.req.raw);
  if (preconditions.ifNoneMatch !== null || preconditions.ifModifiedSince !== null) {
    const validators = await loadValidators(c.env.FEEDS, section.slug, memoMs);
    if (validators && (validators.valid_until === null || validators.valid_until > now)) {
      const etag = feedEtag(validators.revision, validators.lifted, shape);
      if (isNotModified(preconditions, etag, validators.last_modified)) return respond(null, etag, validators.last_modified);
    }
  }

  if (!html && isUnfiltered(query)) {
    const { value, metadata } = await loadPrerendered(c.env.FEEDS, section.slug, format, script, memoMs);
    if (value !== null && metadata && (metadata.valid_until === null || metadata.valid_until > now)) {
      const etag = feedEtag(metadata.revision, metadata.lifted, shape);
      if (isNotModified(preconditions, etag, metadata.last_modified)) return respond(null, etag, metadata.last_modified);
      // With PUBLIC_BASE_URL set (production) the stored bytes go out as they are: no decoding, no copy.
      const body = metadata.base === base ? value : rebase(new TextDecoder().decode(value), metadata.base, base);
      return respond(body, etag, metadata.last_modified);
    }
  }

  const index = await loadIndex(c.env.FEEDS, section.slug, memoMs);
  const etag = feedEtag(index.revision, liftedEmbargoes(index, now), shape);
  const modified = lastModified(index, now);
  if (isNotModified(preconditions, etag, modified)) return respond(null, etag, modified);

  // The Cache API (a bonus: it does nothing on *.workers.dev) keeps renders by ETag, so a key can never serve stale bytes.
  const cacheKey = new Request(`${url.origin}/__render-cache/${encodeURIComponent(shape)}/${encodeURIComponent(etag)}`);
  const cached = await caches.default.match(cacheKey);
  if (cached) return respond(cached.body, etag, modified);
  const { body, complete } = await render();
  if (complete && askedBefore(cacheKey.url))
    c.executionCtx.waitUntil(caches.default.put(cacheKey, new Response(body, { headers: { "Cache-Control": CACHE_CONTROL.render } })));
  return respond(body, etag, modified);

  async function render(): Promise<{ body: string; complete: boolean }> {
    const selected = selectEntries(index, query, now);

    if (html) {
      const view: FeedPageView = {
        section,
        format,
        feedUrl: feedUrl(base, "/feeds", section, format, query, script),
        alternates: FEED_FORMATS.filter((f) => f !== format).map((f) => ({
          format: f,
          url: feedUrl(base, "/feeds", section, f, query, script),
        })),
        licenceUrl: publicLicenceUrl(base),
        items: [],
        filters: {
          ...(query.region ? { region: query.region } : {}),
          topics: query.topics,
          limit: query.limit,
          defaultLimit: DEFAULT_FEED_LIMIT,
        },
        script,
        twin: { url: twinLink(base, section, format, query, script).url, hreflang: otherScript(script) },
      };
      if (script === "zh-Hant") {
        const articles = await loadArticles(
          c.env.FEEDS,
          selected.map((e) => e.id),
        );
        return { body: renderPage({ ...view, items: articles.map(pageItem) }), complete: articlesMatchIndex(selected, articles) };
      }
      // The twin's page reads its items from the Simplified JSON fragments: already converted, never converted here.
      const { items, complete } = await loadItems(
        c.env.FEEDS,
        index,
        selected,
        "json",
        script,
        (article) => itemOf(article, index.base, "json", script),
        memoMs,
      );
      return { body: renderPage({ ...view, items: items.map((item) => pageItemFromJson(rebase(item, index.base, base))) }), complete };
    }

    return renderPublicFeed(c.env.FEEDS, { index, format, query, now, base, script, memoMs });
  }
}

/**
 * Renders this isolate was asked for before (bounded): a render goes into the Cache API on its second ask, so a
 * query asked once (a reader's one-off filter) costs no cache write, and one asked again is served from the cache.
 */
const askedRenders = new Set<string>();

function askedBefore(key: string): boolean {
  if (askedRenders.has(key)) return true;
  if (askedRenders.size >= 10_000) askedRenders.clear();
  askedRenders.add(key);
  return false;
}

/** The headers that depend only on the feed and the base URL, built once per isolate. */
const fixedHeaders = new Map<string, Record<string, string>>();

function feedFixedHeaders(base: string, section: Section, format: FeedFormat, query: FeedQuery, script: Script): Record<string, string> {
  const key = `${script}|${base}|${section.slug}.${format}${canonicalQuery(query)}`;
  let headers = fixedHeaders.get(key);
  if (!headers) {
    headers = {
      "Cache-Control": CACHE_CONTROL.publicFeed,
      Vary: "Accept",
      Link: linkHeader([
        ...feedLinks(
          (f) => feedUrl(base, "/feeds", section, f, query, script),
          format,
          publicLicenceUrl(base),
          twinLink(base, section, format, query, script),
        ),
        // Every public feed, in either script, is a topic of the hub.
        { url: hubUrl(base), rel: "hub" },
      ]),
      "Syndication-License": syndicationLicense(publicLicenceTerms(base, script)),
      // Workers Cache (production) purges this tag when the section publishes again; inert elsewhere.
      [CACHE_TAG_HEADER]: sectionCacheTag(section.slug),
    };
    // Bounded: filters are validated, but keep the memo small whatever the traffic.
    if (fixedHeaders.size > 1000) fixedHeaders.clear();
    fixedHeaders.set(key, headers);
  }
  return headers;
}

function feedResponse(r: {
  body: BodyInit | null;
  etag: string;
  modified: number;
  section: Section;
  format: FeedFormat;
  query: FeedQuery;
  base: string;
  html: boolean;
  script: Script;
}): Response {
  const headers = new Headers({
    ...feedFixedHeaders(r.base, r.section, r.format, r.query, r.script),
    ...(r.html ? HTML_PAGE_HEADERS : { "Content-Type": FEED_CONTENT_TYPES[r.format] }),
    ETag: r.etag,
    "Last-Modified": new Date(r.modified).toUTCString(),
  });
  if (r.body === null) {
    headers.delete("Content-Type");
    return new Response(null, { status: 304, headers });
  }
  return new Response(r.body, { status: 200, headers });
}
