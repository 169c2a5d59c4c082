// What every feed renderer takes: the feed's head, each item's rights, and the article model.
// Renderers are pure: data in, string out, no I/O.
import { PUBLICATION, type Script, TOPIC_LABELS } from "../../config/publication";
import { textIn } from "../../config/zh-hans-text";
import type { StoredArticle, Syndication } from "../../model/article";

export interface FeedHead {
  /** A stable id for the feed (Atom id, JSON Feed feed_url's twin). */
  id: string;
  title: string;
  description: string;
  selfUrl: string;
  homeUrl: string;
  /** The other formats, and for public feeds the twin in the other script (with its hreflang). */
  alternates: { type: string; url: string; hreflang?: string }[];
  licenceUrl: string;
  language: string;
  copyright: string;
  /** The newest change the feed shows (equals Last-Modified). */
  updated: Date;
  /** Square PNG icons: 512 px and 64 px. */
  icon: string;
  favicon: string;
  /** RFC 5005 feed history: the current feed's link to its newest archive, or an archive's place in the chain. */
  history?: FeedHistory;
  /** The WebSub hub that pushes this feed (public feeds only): rel="hub" in the document. */
  hubUrl?: string;
  /**
   * The head's URLs name `hole` where this feed's query string goes: the shell is then rendered once for every
   * query like it, and each copy gets its `query` (a canonical query: slugs, digits, `?=&/,-`) spliced in. The hole
   * holds "&" exactly when the query does, so a renderer writes both alike (escaped, or in CDATA).
   */
  querySlot?: { hole: string; query: string };
}

/** RFC 5005 links. URLs are in the document's own format. */
export interface FeedHistory {
  /** This document is an archive (`<fh:archive/>`); its `current` is the subscription feed. */
  archive: boolean;
  current?: string;
  /** The next older archive document (rel="prev-archive"; JSON Feed's next_url). */
  prev?: string;
  /** The next newer archive document (rel="next-archive"). */
  next?: string;
}

export const HISTORY_NS = "http://purl.org/syndication/history/1.0";

/** The history links as Atom links (Atom itself, and atom:link in RSS). */
export function historyLinks(history: FeedHistory | undefined): { href: string; rel: string }[] {
  if (!history) return [];
  return [
    ...(history.current ? [{ href: history.current, rel: "current" }] : []),
    ...(history.prev ? [{ href: history.prev, rel: "prev-archive" }] : []),
    ...(history.next ? [{ href: history.next, rel: "next-archive" }] : []),
  ];
}

/** Marks an XML document an archive: declares the fh namespace on `root` and puts `<fh:archive/>` first inside `container`. */
export function markArchive(xml: string, history: FeedHistory | undefined, root: string, container: string): string {
  if (!history?.archive) return xml;
  const declared = xml.replace(`<${root} `, `<${root} xmlns:fh="${HISTORY_NS}" `);
  const open = declared.indexOf(">", declared.indexOf(`<${container}`)) + 1;
  return `${declared.slice(0, open)}\n<fh:archive/>${declared.slice(open)}`;
}

/** How an item may be used, as printed in it (RSS dc:rights, Atom rights + link rel=license, JSON _syndication). */
export interface ItemRights {
  licenceUrl: string;
  syndication: Syndication;
  attribution: string;
  copyright: string;
}

/** `full`: the whole item; `headline`: title, link and summary only (partners under rights.syndication=headline). */
export type ItemVariant = "full" | "headline";

export interface ItemOptions {
  variant: ItemVariant;
  rights: ItemRights;
  /** Base URL for our own links (topic scheme). */
  baseUrl: string;
  /** The script the article's text is in (its zh-Hans twin is converted before rendering); default zh-Hant. */
  script?: Script;
}

/** RFC 6721 tombstone for a withdrawn entry (partner Atom feeds). */
export interface Tombstone {
  ref: string;
  when: Date;
}

/**
 * The item's id in every format: a tag URI that never changes across versions. The Simplified twin's
 * items have their own ids: readers keep one copy per id, so shared ids would let one script's feed
 * hide the other's items from a reader subscribed to both.
 */
export function itemId(articleId: string, script: Script = "zh-Hant"): string {
  return `${TAG_PREFIX}article:${articleId}${script === "zh-Hans" ? ":zh-hans" : ""}`;
}

/** An id for a source that has no URL of its own (Atom `source` needs one): a tag URI of its name. */
export function sourceId(name: string): string {
  return `${TAG_PREFIX}source:${encodeURIComponent(name)}`;
}

const TAG_PREFIX = `tag:${new URL(PUBLICATION.homepage).hostname},2024:`;

export function topicLabel(slug: string, script: Script = "zh-Hant"): string {
  const label = TOPIC_LABELS[slug];
  return label === undefined ? slug : textIn(script, label);
}

export function topicScheme(baseUrl: string): string {
  return `${baseUrl}/topics/`;
}

/** The rights statement printed in an item: copyright, then the credit line licensees must carry. */
export function rightsText(rights: ItemRights): string {
  return `${rights.copyright} ${rights.attribution}`;
}

/** The rights of an item in the public feeds: the article's own, under the public licence. */
export function publicRights(article: StoredArticle, licenceUrl: string): ItemRights {
  return { licenceUrl, ...article.rights };
}

/** A reprint names its source: the original's URL when the CMS gave one (`hasUrl`), else the article's own. */
export function reprintSource(article: StoredArticle): { name: string; url: string; hasUrl: boolean } | null {
  if (article.source.own) return null;
  return { name: article.source.name, url: article.source.url ?? article.url, hasUrl: article.source.url !== undefined };
}

export function leadImage(article: StoredArticle) {
  return article.images[0];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The item's HTML content: the lead image on top (many readers, NetNewsWire among them, ignore
 * media:content and enclosures), unless the body already shows that image, then the sanitised body.
 */
export function contentHtml(article: StoredArticle): string {
  const image = leadImage(article);
  if (!image || article.body_html.includes(image.url)) return article.body_html;
  // The caption is the image's text alternative as a figcaption (HTML lets the img of such a figure omit alt);
  // the CMS's words never sit inside a tag, where naive reader-side sanitisers look for "javascript:" or "on…=".
  // Without a caption the item's own title, just above, says what the image shows: alt="".
  const caption = image.caption ? `<figcaption>${escapeHtml(image.caption)}</figcaption>` : "";
  const alt = image.caption ? "" : ' alt=""';
  const size = image.width && image.height ? ` width="${image.width}" height="${image.height}"` : "";
  return `<figure><img src="${escapeHtml(image.url)}"${alt}${size}>${caption}</figure>${article.body_html}`;
}

/** Where the one item element of a single-item document starts and ends. */
function itemSpan(document: string, open: string, close: string): [number, number] {
  const start = document.indexOf(open);
  const end = document.lastIndexOf(close);
  if (start < 0 || end < 0) throw new Error(`renderer output has no ${open}…${close}`);
  return [start, end + close.length];
}

/** Splits a rendered document around its one placeholder item, giving the text before and after it. */
export function splitAround(document: string, open: string, close: string): [string, string] {
  const [start, end] = itemSpan(document, open, close);
  return [document.slice(0, start), document.slice(end)];
}

/** Extracts the one item element a single-item document holds. */
export function extractBetween(document: string, open: string, close: string): string {
  const [start, end] = itemSpan(document, open, close);
  return document.slice(start, end);
}

/**
 * feedsmith pretty-prints, which puts newlines and indentation around CDATA sections inside text
 * elements (`<title>\n  <![CDATA[…]]>\n</title>`). Readers that don't trim would show that
 * whitespace, so we remove it. Only whitespace between a tag and a CDATA boundary is touched;
 * text inside CDATA never contains a bare `]]>` (feedsmith splits it), so it is left as it is.
 */
export function tightenCdata(xml: string): string {
  return xml.replace(/>\s+<!\[CDATA\[/g, "><![CDATA[").replace(/\]\]>\s+<\//g, "]]></");
}

/** A head used only to render single items, whose own head is thrown away. */
export const PLACEHOLDER_HEAD: FeedHead = {
  id: "x",
  title: "x",
  description: "x",
  selfUrl: "https://x.invalid/",
  homeUrl: "https://x.invalid/",
  alternates: [],
  licenceUrl: "https://x.invalid/",
  language: "x",
  copyright: "x",
  updated: new Date(0),
  icon: "https://x.invalid/",
  favicon: "https://x.invalid/",
};

/** The `updated` a document's shell is rendered with, replaced by the real one in each copy. */
const SHELL_DATE = new Date(Date.UTC(1999, 11, 31, 23, 59, 58, 987));
const shells = new Map<string, [string, string]>();
const MAX_SHELLS = 500;

/**
 * A document's text before and after its items, rendered by feedsmith once per isolate for each head
 * (its time aside) and reused: assembling a feed then calls no renderer. `formatDate` is how the
 * format writes `updated` (RSS: toUTCString, Atom: toISOString, as feedsmith does); tests hold the
 * copies equal to a fresh render.
 */
export function documentShell(
  format: string,
  head: FeedHead,
  render: (head: FeedHead) => [string, string],
  formatDate: (date: Date) => string,
): [string, string] {
  const { querySlot, ...shape } = head;
  const key = `${format}|${JSON.stringify({ ...shape, updated: 0 })}`;
  let shell = shells.get(key);
  if (!shell) {
    shell = render({ ...shape, updated: SHELL_DATE });
    if (shells.size >= MAX_SHELLS) shells.clear();
    shells.set(key, shell);
  }
  const stand = formatDate(SHELL_DATE);
  const actual = formatDate(head.updated);
  let [before, after] = stand === actual ? shell : [shell[0].replaceAll(stand, actual), shell[1].replaceAll(stand, actual)];
  if (querySlot) {
    // Where a query goes: URLs in JSON strings and XML CDATA as they are, in other XML text and attributes escaped.
    const { hole, query } = querySlot;
    const splice = (text: string) =>
      format === "json"
        ? text.replaceAll(hole, query)
        : text.replaceAll(hole.replaceAll("&", "&amp;"), query.replaceAll("&", "&amp;")).replaceAll(hole, query);
    before = splice(before);
    after = splice(after);
  }
  return [before, after];
}
