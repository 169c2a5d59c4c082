// Archive routes (RFC 5005, docs/archives.md): GET /feeds/{section}/archive/{YYYY-MM[-N]}.{rss|atom|json}
// serves a document pre-rendered at write time (one KV read, like the current feed), with a strong ETag
// that changes only when the document's content does; GET /feeds/{section}/archive/ lists the months.
// Mounted once per script: the Simplified twin's archives answer the same under /zh-hans/feeds.
import { type Context, Hono } from "hono";
import { CACHE_CONTROL, KV_MUTABLE_CACHE_TTL } from "../../config/cache";
import { findSection, otherScript, publicBaseUrl, type Script, type Section } from "../../config/publication";
import { sectionIn, textIn } from "../../config/zh-hans-text";
import { HTML_PAGE_HEADERS } from "../../http/headers";
import { ProblemError } from "../../http/problem";
import { archiveIndexKey } from "../../storage/kv-keys";
import { digest, isNotModified, linkHeader, preconditionsOf, syndicationLicense } from "../http";
import { memoWindowMs } from "../isolate-memo";
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat, feedMediaType } from "../model";
import { prefersHtml } from "../page-view";
import { feedUrl, publicLicenceTerms, publicLicenceUrl } from "../public-feed";
import { UNFILTERED_QUERY } from "../query";
import { loadArchiveDocument, rebase } from "../read";
import { type ArchiveIndex, monthLabel } from "./documents";
import { archiveIndexPath, parseArchiveFile, partName } from "./month";
import type { ArchiveItem, ArchivePageRenderers } from "./page-view";

type Ctx<P extends string> = Context<{ Bindings: Env }, P>;

/** The archive routes of one script, mounted at its /feeds; `pages` draws their browser views (discovery's, wired in src/index.ts). */
export function archiveFeeds(pages: ArchivePageRenderers, script: Script = "zh-Hant"): Hono<{ Bindings: Env }> {
  return new Hono<{ Bindings: Env }>()
    .get("/:section/archive/", (c) => serveIndex(c, pages, script))
    .get("/:section/archive/:file", (c) => serveDocument(c, pages, script));
}

function sectionOf(slug: string): Section {
  const section = findSection(slug);
  if (!section) throw new ProblemError(404, `No section "${slug}". See / for the sections.`);
  return section;
}

async function serveIndex(c: Ctx<"/:section/archive/">, pages: ArchivePageRenderers, script: Script): Promise<Response> {
  const section = sectionIn(script, sectionOf(c.req.param("section")));
  const base = publicBaseUrl(c.env, c.req.url);
  // Both scripts archive the same months: one list serves both pages.
  const index = await c.env.FEEDS.get<ArchiveIndex>(archiveIndexKey(section.slug), { type: "json", cacheTtl: KV_MUTABLE_CACHE_TTL });
  const page = pages.index({
    section,
    base,
    script,
    twinUrl: `${base}${archiveIndexPath(section.slug, otherScript(script))}`,
    currentUrl: (format) => feedUrl(base, "/feeds", section, format, UNFILTERED_QUERY, script),
    documentUrl: (name, format) => `${base}${archiveIndexPath(section.slug, script)}${name}.${format}`,
    licenceUrl: publicLicenceUrl(base),
    months: index?.months ?? [],
  });
  // The month list changes as articles leave the current feed: as briefly cached as a feed.
  return c.body(page, 200, { ...HTML_PAGE_HEADERS, "Cache-Control": CACHE_CONTROL.publicFeed });
}

async function serveDocument(c: Ctx<"/:section/archive/:file">, pages: ArchivePageRenderers, script: Script): Promise<Response> {
  const section = sectionIn(script, sectionOf(c.req.param("section")));
  const { format, ...doc } = parseArchiveFile(c.req.param("file"), Date.now());
  const name = partName(doc);
  const base = publicBaseUrl(c.env, c.req.url);
  const html = prefersHtml(c.req.header("Accept"));
  // The browser view is drawn from the JSON document: it carries every field the page shows.
  const { value, metadata } = await loadArchiveDocument(
    c.env.FEEDS,
    section.slug,
    name,
    html ? "json" : format,
    memoWindowMs(c.env),
    script,
  );
  const months = archiveIndexPath(section.slug, script);
  if (value === null || !metadata) {
    throw new ProblemError(
      404,
      doc.part > 1
        ? `${section.name} has no part ${doc.part} of ${monthLabel(doc.month)} in its archive. Its months are listed at ${months}.`
        : `${section.name} has nothing archived for ${monthLabel(doc.month)}: no article of that month, or all of them still in the current feed. Its months are listed at ${months}.`,
    );
  }
  const url = (f: FeedFormat, n = name) => `${base}${months}${n}.${f}`;
  const twin = otherScript(script);
  const twinUrl = (f: FeedFormat) => `${base}${archiveIndexPath(section.slug, twin)}${name}.${f}`;
  const current = feedUrl(base, "/feeds", section, format, UNFILTERED_QUERY, script);
  // The twins share a signature (same items, same chain); the ETag tells their representations apart.
  const etag = `"a${metadata.signature}.${digest(`${script}|${name}.${format}|${base}|${html ? "html" : "feed"}`)}"`;
  const headers: Record<string, string> = {
    ...(html ? HTML_PAGE_HEADERS : { "Content-Type": FEED_CONTENT_TYPES[format] }),
    // The newest document still fills as items leave the current feed; a settled one keeps its ETag for as long as it is unchanged.
    "Cache-Control": metadata.next === null ? CACHE_CONTROL.publicFeed : CACHE_CONTROL.settledArchive,
    Vary: "Accept",
    ETag: etag,
    "Last-Modified": new Date(metadata.modified).toUTCString(),
    Link: linkHeader([
      { url: url(format), rel: "self", type: feedMediaType(format) },
      ...FEED_FORMATS.filter((f) => f !== format).map((f) => ({ url: url(f), rel: "alternate", type: feedMediaType(f) })),
      { url: twinUrl(format), rel: "alternate", type: feedMediaType(format), hreflang: twin },
      { url: current, rel: "current", type: feedMediaType(format) },
      ...(metadata.prev ? [{ url: url(format, metadata.prev), rel: "prev-archive", type: feedMediaType(format) }] : []),
      ...(metadata.next ? [{ url: url(format, metadata.next), rel: "next-archive", type: feedMediaType(format) }] : []),
      { url: publicLicenceUrl(base), rel: "license" },
    ]),
    "Syndication-License": syndicationLicense(publicLicenceTerms(base, script)),
  };
  if (isNotModified(preconditionsOf(c.req.raw), etag, metadata.modified)) {
    delete headers["Content-Type"];
    return new Response(null, { status: 304, headers });
  }
  const body = rebase(value, metadata.base, base);
  if (!html) return new Response(body, { status: 200, headers });
  const page = pages.archive({
    section,
    base,
    title: `${section.name} · ${monthLabel(doc.month)}${textIn(script, "存檔")}${doc.part > 1 ? `(第 ${doc.part} 部分)` : ""}`,
    format,
    script,
    twinUrl: twinUrl(format),
    urls: { rss: url("rss"), atom: url("atom"), json: url("json") },
    indexUrl: `${base}${months}`,
    olderUrl: metadata.prev ? url(format, metadata.prev) : null,
    newerUrl: metadata.next ? url(format, metadata.next) : null,
    currentUrl: current,
    licenceUrl: publicLicenceUrl(base),
    items: (JSON.parse(body) as { items: ArchiveItem[] }).items,
  });
  return new Response(page, { status: 200, headers });
}
