// Atom 1.0 with feedsmith: categories with term and label, rights and link rel="license" per
// entry, source for reprints. RFC 6721 tombstones (at:deleted-entry) are the one part feedsmith
// cannot write; they are added here as small, escaped elements before the entries.
import { generateAtomFeed } from "feedsmith";
import type { StoredArticle } from "../../model/article";
import {
  contentHtml,
  documentShell,
  extractBetween,
  type FeedHead,
  historyLinks,
  type ItemOptions,
  itemId,
  leadImage,
  markArchive,
  PLACEHOLDER_HEAD,
  reprintSource,
  rightsText,
  sourceId,
  splitAround,
  type Tombstone,
  tightenCdata,
  topicLabel,
  topicScheme,
} from "./shared";

type AtomEntry = NonNullable<Parameters<typeof generateAtomFeed>[0]["entries"]>[number];
const TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0";

function atomEntry(article: StoredArticle, options: ItemOptions): AtomEntry {
  const full = options.variant === "full";
  const source = reprintSource(article);
  const image = leadImage(article);
  return {
    id: itemId(article.id, options.script),
    title: { value: article.title, type: "text" },
    updated: article.updated_at,
    published: article.published_at,
    authors: article.authors.map((a) => ({ name: a.name })),
    ...(article.editors.length ? { contributors: article.editors.map((e) => ({ name: e.name })) } : {}),
    categories: article.topics.map((topic) => ({
      term: topic,
      label: topicLabel(topic, options.script),
      scheme: topicScheme(options.baseUrl),
    })),
    links: [
      { href: article.url, rel: "alternate", type: "text/html" },
      { href: options.rights.licenceUrl, rel: "license" },
      ...(image
        ? [{ href: image.url, rel: "enclosure", type: image.type ?? "image/jpeg", ...(image.caption ? { title: image.caption } : {}) }]
        : []),
    ],
    rights: { value: rightsText(options.rights), type: "text" },
    ...(article.summary
      ? { summary: { value: article.summary, type: "text" } }
      : full
        ? {}
        : { summary: { value: article.title, type: "text" } }),
    ...(full ? { content: { value: contentHtml(article), type: "html" } } : {}),
    ...(source
      ? {
          // id and updated always (the W3C validator warns without them); a source without a URL gets a tag URI of its name.
          source: {
            id: source.hasUrl ? source.url : sourceId(source.name),
            title: { value: source.name, type: "text" },
            updated: article.updated_at,
            ...(source.hasUrl ? { links: [{ href: source.url, rel: "alternate" }] } : {}),
          },
        }
      : {}),
  } satisfies AtomEntry;
}

/**
 * feedsmith writes an entry's children in alphabetical order, which puts `<source>` (with its own
 * title and updated) before the entry's `<title>`; readers that take the first title they meet
 * (sfeed) then show the source's name. The source goes last, after everything that is the entry's own.
 */
function sourceLast(entry: string): string {
  const start = entry.indexOf("<source>");
  if (start < 0) return entry;
  const end = entry.indexOf("</source>", start) + "</source>".length;
  const close = entry.lastIndexOf("</entry>");
  const rest = entry.slice(0, start).replace(/\s+$/, "") + entry.slice(end, close).replace(/\s+$/, "");
  return `${rest}\n    ${entry.slice(start, end)}\n  </entry>`;
}

function atomDocument(head: FeedHead, entries: AtomEntry[]): string {
  const xml = tightenCdata(
    generateAtomFeed({
      id: head.id,
      title: { value: head.title, type: "text" },
      subtitle: { value: head.description, type: "text" },
      updated: head.updated,
      rights: { value: head.copyright, type: "text" },
      generator: { text: "feed-syndication-edge" },
      authors: [{ name: head.title, uri: head.homeUrl }],
      icon: head.icon,
      logo: head.icon,
      links: [
        { href: head.selfUrl, rel: "self", type: "application/atom+xml" },
        ...(head.hubUrl ? [{ href: head.hubUrl, rel: "hub" }] : []),
        { href: head.homeUrl, rel: "alternate", type: "text/html" },
        ...head.alternates.map((a) => ({ href: a.url, rel: "alternate", type: a.type, ...(a.hreflang ? { hreflang: a.hreflang } : {}) })),
        { href: head.licenceUrl, rel: "license" },
        ...historyLinks(head.history),
      ],
      entries,
    }),
  ).replace("<feed ", `<feed xml:lang="${escapeXml(head.language)}" `);
  return markArchive(xml, head.history, "feed", "feed");
}

export function renderAtomEntry(article: StoredArticle, options: ItemOptions): string {
  return sourceLast(extractBetween(atomDocument(PLACEHOLDER_HEAD, [atomEntry(article, options)]), "<entry>", "</entry>"));
}

export function renderAtomDocument(head: FeedHead, fragments: readonly string[], tombstones: readonly Tombstone[] = []): string {
  const [before, after] = documentShell(
    "atom",
    head,
    (h) => splitAround(atomDocument(h, [PLACEHOLDER_ENTRY]), "<entry>", "</entry>"),
    (d) => d.toISOString(),
  );
  const open = tombstones.length ? before.replace("<feed ", `<feed xmlns:at="${TOMBSTONES_NS}" `) : before;
  const deleted = tombstones.map((t) => `<at:deleted-entry ref="${escapeXml(t.ref)}" when="${t.when.toISOString()}"/>`);
  return `${open}${[...deleted, ...fragments].join("\n  ")}${after}`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PLACEHOLDER_ENTRY = { id: "x", title: { value: "x" }, updated: new Date(0) } satisfies AtomEntry;
