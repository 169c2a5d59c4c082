// HTTP semantics shared by public and partner feeds: validators (ETag, Last-Modified),
// conditional requests, the Link header and the Syndication-License structured field.
import { type DictionaryObject, DisplayString, serializeDictionary, Token } from "structured-headers";
import { FEED_FORMATS, type FeedFormat, feedMediaType } from "./model";

/** Two 32-bit FNV-style hashes (64 bits): a cheap, stable digest for ETags (not a security boundary). */
export function digest(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return ((h1 >>> 0).toString(36) + (h2 >>> 0).toString(36)).padStart(12, "0");
}

/**
 * A strong ETag computable before rendering: the section's snapshot revision, how many embargoes
 * have lifted, and everything else that shapes the bytes (format, query, base URL, audience).
 */
export function feedEtag(revision: number, lifted: number, shape: string): string {
  return `"r${revision}.${lifted}.${digest(shape)}"`;
}

/** RFC 9110 §13.1.1–13.1.3: If-None-Match by weak comparison (Cloudflare weakens ETags it compresses), then If-Modified-Since. */
export interface Preconditions {
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
}

export function preconditionsOf(request: Request): Preconditions {
  return { ifNoneMatch: request.headers.get("If-None-Match"), ifModifiedSince: request.headers.get("If-Modified-Since") };
}

export function isNotModified(preconditions: Preconditions, etag: string, lastModifiedMs: number): boolean {
  const inm = preconditions.ifNoneMatch;
  if (inm !== null) {
    const ours = etag.replace(/^W\//, "");
    return inm
      .split(",")
      .map((t) => t.trim())
      .some((t) => t === "*" || t.replace(/^W\//, "") === ours);
  }
  const ims = preconditions.ifModifiedSince;
  if (ims !== null) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(lastModifiedMs / 1000) * 1000 <= since;
  }
  return false;
}

export interface WebLink {
  url: string;
  rel: string;
  type?: string;
  hreflang?: string;
}

/** `<url>; rel="self"` and friends. URLs are ours and ASCII (query values are validated slugs). */
export function linkHeader(links: WebLink[]): string {
  return links
    .map((l) => `<${l.url}>; rel="${l.rel}"${l.type ? `; type="${l.type}"` : ""}${l.hreflang ? `; hreflang="${l.hreflang}"` : ""}`)
    .join(", ");
}

/** Self, the other two formats as alternates, the same feed in the other script when there is one, and the licence. */
export function feedLinks(feedUrl: (format: FeedFormat) => string, format: FeedFormat, licenceUrl: string, twin?: WebLink): WebLink[] {
  return [
    { url: feedUrl(format), rel: "self", type: feedMediaType(format) },
    ...FEED_FORMATS.filter((f) => f !== format).map((f) => ({ url: feedUrl(f), rel: "alternate", type: feedMediaType(f) })),
    ...(twin ? [twin] : []),
    { url: licenceUrl, rel: "license" },
  ];
}

export interface LicenceTerms {
  scope: "public" | "partner";
  partner?: string;
  license: string;
  url: string;
  expires?: Date;
  attribution: string;
}

/**
 * The Syndication-License header, an RFC 9651 dictionary serialised by `structured-headers`:
 * non-ASCII text only as a Display String (%"…"), so no raw non-ASCII byte ever reaches a header.
 * Members in the order docs/partners.md gives.
 */
export function syndicationLicense(terms: LicenceTerms): string {
  const dictionary: DictionaryObject = { scope: new Token(terms.scope) };
  if (terms.partner !== undefined) dictionary.partner = terms.partner;
  dictionary.license = terms.license;
  dictionary.url = terms.url;
  if (terms.expires) dictionary.expires = terms.expires;
  dictionary.attribution = new DisplayString(terms.attribution);
  return serializeDictionary(dictionary);
}
