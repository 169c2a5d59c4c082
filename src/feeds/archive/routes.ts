// Archive routes (RFC 5005): GET /feeds/{section}/archive/{YYYY-MM[-N]}.{rss|atom|json} serves a
// document pre-rendered at write time (one KV read, like the current feed), with a strong ETag that
// changes only when the document's content does; GET /feeds/{section}/archive/ lists the months.
import { Hono } from "hono";
import { findSection, publicBaseUrl, type Section } from "../../config/publication";
import { type ArchiveItem, renderArchiveIndexPage, renderArchivePage } from "../../discovery/archive-pages";
import { prefersHtml } from "../../discovery/feed-page";
import { HTML_PAGE_HEADERS } from "../../discovery/layout";
import { ProblemError } from "../../http/problem";
import { archiveIndexKey, archiveKey } from "../../storage/kv-keys";
import { digest, isNotModified, linkHeader, preconditionsOf, syndicationLicense } from "../http";
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat, feedMediaType } from "../model";
import { feedUrl, publicLicenceTerms, publicLicenceUrl } from "../public-feed";
import { UNFILTERED_QUERY } from "../query";
import { rebase } from "../read";
import { type ArchiveIndex, type ArchiveMeta, archiveTitle, monthLabel } from "./documents";
import { archiveIndexPath, parseArchiveFile, partName } from "./month";

export const archives = new Hono<{ Bindings: Env }>();

/**
 * The newest archive document still fills as items leave the current feed: cached as briefly as the
 * feed. Older ones change only when an article in them is corrected or withdrawn: five minutes, and
 * their ETag stays the same for as long as they do, so a reader revalidating keeps its copy (304).
 */
const NEWEST_CACHE_CONTROL = "public, max-age=60";
const SETTLED_CACHE_CONTROL = "public, max-age=300";
const INDEX_CACHE_CONTROL = "public, max-age=60";
/** KV's minimum edge cache; a changed document is seen within it. */
const CACHE_TTL = 30;

function sectionOf(slug: string): Section {
  const section = findSection(slug);
  if (!section) throw new ProblemError(404, `No section "${slug}". See / for the sections.`);
  return section;
}

archives.get("/:section/archive/", async (c) => {
  const section = sectionOf(c.req.param("section"));
  const base = publicBaseUrl(c.env, c.req.url);
  const index = await c.env.FEEDS.get<ArchiveIndex>(archiveIndexKey(section.slug), { type: "json", cacheTtl: CACHE_TTL });
  const page = renderArchiveIndexPage({
    section,
    base,
    currentUrl: (format) => feedUrl(base, "/feeds", section, format, UNFILTERED_QUERY),
    documentUrl: (name, format) => `${base}${archiveIndexPath(section.slug)}${name}.${format}`,
    licenceUrl: publicLicenceUrl(base),
    months: index?.months ?? [],
  });
  return c.body(page, 200, { ...HTML_PAGE_HEADERS, "Cache-Control": INDEX_CACHE_CONTROL });
});

archives.get("/:section/archive/:file", async (c) => {
  const section = sectionOf(c.req.param("section"));
  const now = Date.now();
  const { format, ...doc } = parseArchiveFile(c.req.param("file"), now);
  const name = partName(doc);
  const base = publicBaseUrl(c.env, c.req.url);
  const html = prefersHtml(c.req.header("Accept"));
  // The browser view is drawn from the JSON document: it carries every field the page shows.
  const { value, metadata } = await c.env.FEEDS.getWithMetadata<ArchiveMeta>(archiveKey(section.slug, name, html ? "json" : format), {
    type: "text",
    cacheTtl: CACHE_TTL,
  });
  if (value === null || !metadata) {
    throw new ProblemError(
      404,
      doc.part > 1
        ? `${section.name} has no part ${doc.part} of ${monthLabel(doc.month)} in its archive. Its months are listed at ${archiveIndexPath(section.slug)}.`
        : `${section.name} has nothing archived for ${monthLabel(doc.month)}: no article of that month, or all of them still in the current feed. Its months are listed at ${archiveIndexPath(section.slug)}.`,
    );
  }
  const url = (f: FeedFormat, n = name) => `${base}${archiveIndexPath(section.slug)}${n}.${f}`;
  const etag = `"a${metadata.signature}.${digest(`${name}.${format}|${base}|${html ? "html" : "feed"}`)}"`;
  const headers: Record<string, string> = {
    ...(html ? HTML_PAGE_HEADERS : { "Content-Type": FEED_CONTENT_TYPES[format] }),
    "Cache-Control": metadata.next === null ? NEWEST_CACHE_CONTROL : SETTLED_CACHE_CONTROL,
    Vary: "Accept",
    ETag: etag,
    "Last-Modified": new Date(metadata.modified).toUTCString(),
    Link: linkHeader([
      { url: url(format), rel: "self", type: feedMediaType(format) },
      ...FEED_FORMATS.filter((f) => f !== format).map((f) => ({ url: url(f), rel: "alternate", type: feedMediaType(f) })),
      { url: feedUrl(base, "/feeds", section, format, UNFILTERED_QUERY), rel: "current", type: feedMediaType(format) },
      ...(metadata.prev ? [{ url: url(format, metadata.prev), rel: "prev-archive", type: feedMediaType(format) }] : []),
      ...(metadata.next ? [{ url: url(format, metadata.next), rel: "next-archive", type: feedMediaType(format) }] : []),
      { url: publicLicenceUrl(base), rel: "license" },
    ]),
    "Syndication-License": syndicationLicense(publicLicenceTerms(base)),
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Syndication-License",
    "X-Content-Type-Options": "nosniff",
  };
  if (isNotModified(preconditionsOf(c.req.raw), etag, metadata.modified)) {
    delete headers["Content-Type"];
    return new Response(null, { status: 304, headers });
  }
  const body = rebase(value, metadata.base, base);
  if (!html) return new Response(body, { status: 200, headers });
  const items = (JSON.parse(body) as { items: ArchiveItem[] }).items;
  const page = renderArchivePage({
    section,
    base,
    title: `${section.name}${archiveTitle(doc, 0)}${doc.part > 1 ? `(第 ${doc.part} 部分)` : ""}`,
    format,
    urls: { rss: url("rss"), atom: url("atom"), json: url("json") },
    indexUrl: `${base}${archiveIndexPath(section.slug)}`,
    olderUrl: metadata.prev ? url(format, metadata.prev) : null,
    newerUrl: metadata.next ? url(format, metadata.next) : null,
    currentUrl: feedUrl(base, "/feeds", section, format, UNFILTERED_QUERY),
    licenceUrl: publicLicenceUrl(base),
    items,
  });
  return new Response(page, { status: 200, headers });
});
