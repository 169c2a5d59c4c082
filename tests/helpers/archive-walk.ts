// A late subscriber's walk (RFC 5005): from a section's current feed, follow prev-archive (JSON Feed:
// next_url) to the oldest archive, collecting every item id on the way, document by document.
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";

export type Format = "rss" | "atom" | "json";

export interface WalkedDocument {
  url: string;
  ids: string[];
  /** Link relations the document declares: prev-archive, next-archive, current. */
  links: Record<string, string>;
  archive: boolean;
  body: string;
}

const ID_PREFIX = /^tag:[^:]+:article:/;
/** A Simplified twin's item id is the article's with `:zh-hans` appended; the walk collects articles. */
const TWIN_SUFFIX = /:zh-hans$/;
const articleId = (id: unknown) => String(id).replace(ID_PREFIX, "").replace(TWIN_SUFFIX, "");

/** Link relations of an XML feed document, as declared by its (atom:)link elements. */
function xmlLinks(xml: string): Record<string, string> {
  const links: Record<string, string> = {};
  for (const tag of xml.match(/<(?:atom:)?link\b[^>]*>/g) ?? []) {
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1];
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (rel && href && ["prev-archive", "next-archive", "current"].includes(rel)) links[rel] = href.replaceAll("&amp;", "&");
  }
  return links;
}

export function readDocument(format: Format, url: string, body: string): WalkedDocument {
  if (format === "json") {
    const feed = parseJsonFeed(JSON.parse(body));
    const raw = JSON.parse(body) as { next_url?: string };
    return {
      url,
      ids: (feed.items ?? []).map((i) => articleId(i.id)),
      links: raw.next_url ? { "prev-archive": raw.next_url } : {},
      archive: false,
      body,
    };
  }
  const ids =
    format === "atom"
      ? (parseAtomFeed(body).entries ?? []).map((e) => articleId(e.id))
      : (parseRssFeed(body).items ?? []).map((i) => articleId(i.guid?.value));
  return { url, ids, links: xmlLinks(body), archive: /<fh:archive\s*\/>/.test(body), body };
}

/** Walks from `start` (a path or URL) until a document has no prev-archive; fails on a loop or a non-200. */
export async function walkChain(
  fetchPath: (path: string) => Promise<Response>,
  format: Format,
  start: string,
  maxDocuments = 200,
): Promise<WalkedDocument[]> {
  const documents: WalkedDocument[] = [];
  const seen = new Set<string>();
  let next: string | undefined = start;
  while (next) {
    if (seen.has(next)) throw new Error(`the chain loops at ${next}`);
    if (documents.length >= maxDocuments) throw new Error(`the chain is longer than ${maxDocuments} documents`);
    seen.add(next);
    const res = await fetchPath(next);
    if (res.status !== 200) throw new Error(`${next} answered ${res.status}: ${await res.text()}`);
    const doc = readDocument(format, next, await res.text());
    documents.push(doc);
    next = doc.links["prev-archive"];
  }
  return documents;
}
