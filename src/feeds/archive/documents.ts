// Archive documents as readers get them: the head of a month's document (RFC 5005 links, fh:archive),
// assembled around the stored item fragments, and what is stored with it. Pure: the Newsroom calls it
// at write time, for the documents whose content changed.
import { otherScript, type Script, type Section } from "../../config/publication";
import { textIn } from "../../config/zh-hans-text";
import { digest } from "../http";
import { FEED_FORMATS, type FeedFormat, feedMediaType } from "../model";
import { feedHead, feedUrl, publicLicenceUrl } from "../public-feed";
import { UNFILTERED_QUERY } from "../query";
import type { FeedHead, FeedHistory } from "../render";
import { type ArchivePart, archiveIndexPath, archiveUrl, partName } from "./month";
import type { ChainLinks } from "./parts";

/** Stored with each archive document in KV. */
export interface ArchiveMeta {
  /** Digest of everything the document shows; the strong ETag follows from it. */
  signature: string;
  /** When the document's content last changed (its Last-Modified and <updated>). */
  modified: number;
  /** The base URL its own links were rendered with. */
  base: string;
  /** Its neighbours' names (`2026-10`, `2026-11-2`): prev is older, next newer; null at either end of the chain. */
  prev: string | null;
  next: string | null;
  /** How many items it holds. */
  items: number;
}

/** A section's archived months, newest first (KV archiveIndexKey). */
export interface ArchiveIndex {
  section: string;
  months: { month: string; parts: number; items: number }[];
}

/** "2026年11月" for 2026-11. */
export function monthLabel(month: string): string {
  return `${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月`;
}

/**
 * What a document's title says after the section's: its month, and its part when the month has several. Not how
 * many parts there are: a month grows a part every ~15 articles, and a count in every title would rewrite all of
 * the month's documents each time, where only its newest part (whose next link changes) and the new one differ.
 */
export function archiveTitle(doc: ArchivePart, parts: number, script: Script = "zh-Hant"): string {
  return ` · ${monthLabel(doc.month)}${textIn(script, "存檔")}${parts > 1 ? `(第 ${doc.part} 部分)` : ""}`;
}

/**
 * Identifies what a document shows: its items (id and version, in order), its place in the chain and
 * the rendering. Equal signatures mean equal bytes, so an unchanged document is neither rendered nor written.
 */
export function archiveSignature(input: {
  renderer: string;
  base: string;
  section: string;
  doc: ArchivePart;
  parts: number;
  links: ChainLinks;
  items: readonly { id: string; version: number }[];
}): string {
  const link = (p: ArchivePart | null) => (p ? partName(p) : "-");
  const items = input.items.map((i) => `${i.id}@${i.version}`).join(",");
  return digest(
    // Of the part count, only what a document shows: whether the month has parts at all (the title's part number).
    `${input.renderer}|${input.base}|${input.section}|${partName(input.doc)}/${input.parts > 1 ? "n" : "1"}|${link(input.links.prev)}|${link(input.links.next)}|${items}`,
  );
}

/**
 * The head of an archive document in one format and script. The Simplified twin's archives are documents
 * of the twin feed (its id, its current feed, its chain under /zh-hans); each script names the other's
 * same document as rel="alternate" with hreflang.
 */
export function archiveHead(options: {
  base: string;
  section: Section;
  doc: ArchivePart;
  parts: number;
  links: ChainLinks;
  format: FeedFormat;
  updated: Date;
  script?: Script;
}): FeedHead {
  const { base, section, doc, parts, links, format } = options;
  const script = options.script ?? "zh-Hant";
  const url = (part: ArchivePart, f: FeedFormat, s: Script = script) => archiveUrl(base, section.slug, part, f, s);
  // An archive is not a WebSub topic (it changes only by correction): no rel="hub".
  const { hubUrl: _notPushed, ...head } = feedHead({
    base,
    pathPrefix: "/feeds",
    section,
    format,
    query: UNFILTERED_QUERY,
    updated: options.updated,
    licenceUrl: publicLicenceUrl(base),
    titleSuffix: archiveTitle(doc, parts, script),
    script,
  });
  const history: FeedHistory = {
    archive: true,
    current: feedUrl(base, "/feeds", section, format, UNFILTERED_QUERY, script),
    ...(links.prev ? { prev: url(links.prev, format) } : {}),
    ...(links.next ? { next: url(links.next, format) } : {}),
  };
  const twin = otherScript(script);
  return {
    ...head,
    selfUrl: url(doc, format),
    // A person following the document's home link lands on the list of the section's months.
    homeUrl: `${base}${archiveIndexPath(section.slug, script)}`,
    alternates: [
      ...FEED_FORMATS.filter((f) => f !== format).map((f) => ({ type: feedMediaType(f), url: url(doc, f) })),
      { type: feedMediaType(format), url: url(doc, format, twin), hreflang: twin },
    ],
    history,
  };
}
