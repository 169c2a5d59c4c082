// Public feeds (docs/feeds.md): GET /feeds/{section}.{rss|atom|json}?region=&topic=&limit=.
// The unfiltered feed is one KV read of a pre-rendered body; a filtered one is one read of the
// section index, selection in memory, one read of the fragments and a concatenation. ETags are
// known before anything is rendered, so a 304 reads only the pre-rendered body's key or the index.
import { type Context, Hono } from "hono";
import { CACHE_CONTROL } from "../config/cache";
import { publicBaseUrl, type Section } from "../config/publication";
import { HTML_PAGE_HEADERS } from "../http/headers";
import { type FeedIndex, fragmentOf } from "./feed-index";
import { feedEtag, feedLinks, isNotModified, linkHeader, preconditionsOf, syndicationLicense } from "./http";
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat } from "./model";
import { type FeedPageRenderer, type FeedPageView, prefersHtml } from "./page-view";
import { feedHead, feedUrl, hubUrl, publicFragments, publicLicenceTerms, publicLicenceUrl } from "./public-feed";
import { canonicalQuery, type FeedQuery, isUnfiltered, parseFeedFile, parseFeedQuery } from "./query";
import { articlesMatchIndex, loadArticles, loadFragments, loadIndex, loadPrerendered, rebase } from "./read";
import { renderDocument } from "./render";
import { lastModified, liftedEmbargoes, selectEntries } from "./select";

/** The public feed routes, mounted at /feeds; `renderPage` draws a feed's browser view (discovery's, wired in src/index.ts). */
export function publicFeeds(renderPage: FeedPageRenderer): Hono<{ Bindings: Env }> {
  return new Hono<{ Bindings: Env }>().get("/:file", (c) => serveFeed(c, renderPage));
}

async function serveFeed(c: Context<{ Bindings: Env }, "/:file">, renderPage: FeedPageRenderer): Promise<Response> {
  const { section, format } = parseFeedFile(c.req.param("file"));
  const url = new URL(c.req.url);
  const query = parseFeedQuery(url.searchParams);
  const base = publicBaseUrl(c.env, c.req.url);
  const now = Date.now();
  const html = prefersHtml(c.req.header("Accept"));
  const shape = `${section.slug}.${format}${canonicalQuery(query)}|${base}|${html ? "html" : "feed"}`;
  const respond = (body: BodyInit | null, etag: string, modified: number) =>
    feedResponse({ body, etag, modified, section, format, query, base, html });

  if (!html && isUnfiltered(query)) {
    const { value, metadata } = await loadPrerendered(c.env.FEEDS, section.slug, format);
    if (value !== null && metadata && (metadata.valid_until === null || metadata.valid_until > now)) {
      const etag = feedEtag(metadata.revision, metadata.lifted, shape);
      if (isNotModified(preconditionsOf(c.req.raw), etag, metadata.last_modified)) return respond(null, etag, metadata.last_modified);
      // With PUBLIC_BASE_URL set (production) the stored bytes go out as they are: no decoding, no copy.
      const body = metadata.base === base ? value : rebase(new TextDecoder().decode(value), metadata.base, base);
      return respond(body, etag, metadata.last_modified);
    }
  }

  const index = await loadIndex(c.env.FEEDS, section.slug);
  const etag = feedEtag(index.revision, liftedEmbargoes(index, now), shape);
  const modified = lastModified(index, now);
  if (isNotModified(preconditionsOf(c.req.raw), etag, modified)) return respond(null, etag, modified);

  // The Cache API (a bonus: it does nothing on *.workers.dev) keeps renders by ETag, so a key can never serve stale bytes.
  const cacheKey = new Request(`${url.origin}/__render-cache/${encodeURIComponent(shape)}/${encodeURIComponent(etag)}`);
  const cached = await caches.default.match(cacheKey);
  if (cached) return respond(cached.body, etag, modified);
  const { body, complete } = await render();
  if (complete)
    c.executionCtx.waitUntil(caches.default.put(cacheKey, new Response(body, { headers: { "Cache-Control": CACHE_CONTROL.render } })));
  return respond(body, etag, modified);

  async function render(): Promise<{ body: string; complete: boolean }> {
    const selected = selectEntries(index, query, now);

    if (html) {
      const view: FeedPageView = {
        section,
        format,
        feedUrl: feedUrl(base, "/feeds", section, format, query),
        alternates: FEED_FORMATS.filter((f) => f !== format).map((f) => ({ format: f, url: feedUrl(base, "/feeds", section, f, query) })),
        licenceUrl: publicLicenceUrl(base),
        items: await loadArticles(
          c.env.FEEDS,
          selected.map((e) => e.id),
        ),
      };
      return { body: renderPage(view), complete: articlesMatchIndex(selected, view.items) };
    }

    const { fragments, complete } = await itemFragments(c.env.FEEDS, index, selected, format, base);
    const head = feedHead({
      base,
      pathPrefix: "/feeds",
      section,
      format,
      query,
      updated: new Date(modified),
      licenceUrl: publicLicenceUrl(base),
      archive: index.archive,
    });
    return { body: renderDocument(format, head, fragments), complete };
  }
}

/**
 * Fragments of the selected entries, from the published text; rendered from the articles only if the
 * fragment text has not reached this location yet, and then `complete` only if they are the indexed versions.
 */
async function itemFragments(kv: KVNamespace, index: FeedIndex, selected: FeedIndex["entries"], format: FeedFormat, base: string) {
  if (selected.length === 0) return { fragments: [], complete: true };
  const text = await loadFragments(kv, index.section, format, index.revision);
  if (text !== null)
    return { fragments: selected.map((entry) => rebase(fragmentOf(entry, format, text), index.base, base)), complete: true };
  const articles = await loadArticles(
    kv,
    selected.map((e) => e.id),
  );
  return { fragments: articles.map((article) => publicFragments(article, base)[format]), complete: articlesMatchIndex(selected, articles) };
}

/** The headers that depend only on the feed and the base URL, built once per isolate. */
const fixedHeaders = new Map<string, Record<string, string>>();

function feedFixedHeaders(base: string, section: Section, format: FeedFormat, query: FeedQuery): Record<string, string> {
  const key = `${base}|${section.slug}.${format}${canonicalQuery(query)}`;
  let headers = fixedHeaders.get(key);
  if (!headers) {
    headers = {
      "Cache-Control": CACHE_CONTROL.publicFeed,
      Vary: "Accept",
      Link: linkHeader([
        ...feedLinks((f) => feedUrl(base, "/feeds", section, f, query), format, publicLicenceUrl(base)),
        { url: hubUrl(base), rel: "hub" },
      ]),
      "Syndication-License": syndicationLicense(publicLicenceTerms(base)),
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
}): Response {
  const headers = new Headers({
    ...feedFixedHeaders(r.base, r.section, r.format, r.query),
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
