// Public feeds (docs/feeds.md): GET /feeds/{section}.{rss|atom|json}?region=&topic=&limit=, and their
// Simplified twins at /zh-hans/feeds/… (docs/zh-hans.md), served the same way from fragments converted at publish time.
// The unfiltered feed is one KV read of a pre-rendered body; a filtered one is one read of the
// section index, selection in memory, one bulk read of the selected items and a concatenation. ETags
// are known before anything is rendered, so a 304 reads only the section's validators (~150 bytes).
import { type Context, Hono } from "hono";
import { CACHE_CONTROL } from "../config/cache";
import { DEFAULT_FEED_LIMIT, otherScript, publicBaseUrl, type Script } from "../config/publication";
import { quickFeedAnswer } from "./fast-path";
import { feedAsk, feedResponse } from "./feed-response";
import { feedEtag, isNotModified, preconditionsOf } from "./http";
import { memoWindowMs } from "./isolate-memo";
import { FEED_FORMATS } from "./model";
import { type FeedPageRenderer, type FeedPageView, pageItem, pageItemFromJson, prefersHtml } from "./page-view";
import { feedUrl, publicLicenceUrl, twinLink } from "./public-feed";
import { itemOf, renderPublicFeed } from "./public-render";
import { parseFeedFile, parseFeedQuery } from "./query";
import { articlesMatchIndex, loadArticles, loadIndex, loadItems, rebase } from "./read";
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
  const ask = feedAsk({ script, section, format, query, base, html });
  const memoMs = memoWindowMs(c.env);
  const respond = (body: BodyInit | null, etag: string, modified: number) => feedResponse(ask, body, etag, modified);

  // A 304 from the section's validators, or the unfiltered feed as published (src/feeds/fast-path.ts); else the index.
  const preconditions = preconditionsOf(c.req.raw);
  const quick = await quickFeedAnswer(c.env, ask, preconditions, now);
  if (quick) return quick;

  const index = await loadIndex(c.env.FEEDS, section.slug, memoMs);
  const etag = feedEtag(index.revision, liftedEmbargoes(index, now), ask.shape);
  const modified = lastModified(index, now);
  if (isNotModified(preconditions, etag, modified)) return respond(null, etag, modified);

  // The Cache API (a bonus: it does nothing on *.workers.dev) keeps renders by ETag, so a key can never serve stale bytes.
  // It holds only renders asked for again, so a query this isolate is asked for the first time is not looked up.
  const cacheUrl = `${url.origin}/__render-cache/${encodeURIComponent(ask.shape)}/${encodeURIComponent(etag)}`;
  const again = askedBefore(cacheUrl);
  const cached = again ? await caches.default.match(cacheUrl) : undefined;
  if (cached) return respond(cached.body, etag, modified);
  const { body, complete } = await render();
  if (complete && again)
    c.executionCtx.waitUntil(caches.default.put(cacheUrl, new Response(body, { headers: { "Cache-Control": CACHE_CONTROL.render } })));
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
 * query asked once (a reader's one-off filter) costs no cache write and no cache lookup, and one asked again is
 * served from the cache.
 */
const askedRenders = new Set<string>();

function askedBefore(key: string): boolean {
  if (askedRenders.has(key)) return true;
  if (askedRenders.size >= 10_000) askedRenders.clear();
  askedRenders.add(key);
  return false;
}
