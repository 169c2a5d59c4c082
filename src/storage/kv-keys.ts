// Every KV key the service uses, in one place. docs/storage-schema.md describes each with an example value.
// Only the Newsroom Durable Object writes the feed keys; the Worker only reads them.

/**
 * The shape of what the Newsroom publishes. Feed keys carry it, so a deploy that changes the shape
 * reads only keys written in that shape, and the Newsroom republishes every section when it sees a
 * new value (src/newsroom/publishing.ts).
 */
export const PUBLISHED_FORMAT = "v2";

/**
 * The index of one section (or "all"): its newest articles' index fields, where each one's item lies in
 * the fragment texts, and recent withdrawals (src/feeds/feed-index.ts). The key text predates the name.
 */
export const indexKey = (section: string) => `snapshot:${PUBLISHED_FORMAT}:${section}`;

/** One article as stored (StoredArticle JSON), for reads that need a single article. Absent once withdrawn. */
export const articleKey = (id: string) => `article:${id}`;

/** A licence record shown on /licenses/{id}: { id, partner, title, url, attribution, expires_at, text? }. Written by the partner admin API. */
export const licenceKey = (id: string) => `licence:${id}`;

/**
 * A partner key's SHA-256 digest (hex) → the partner's id, as text. Written by the partner admin API when a
 * key is issued (and the replaced key's entry deleted); the PartnerDesk still decides whether a key is current.
 */
export const partnerKeyKey = (sha256: string) => `partner-key:${sha256}`;

/** The key segment of a script's outputs: none for the portal's Traditional, `zh-hans:` for the Simplified twin. */
const scriptSegment = (script: string) => (script === "zh-Hans" ? "zh-hans:" : "");

/**
 * One article version's feed item in one format and script, as every section showing it serves it: written once
 * when the version is published, deleted when a newer version replaces it or it is withdrawn, never
 * rewritten because another article changed. `renderer` names the renderer and base URL it was
 * rendered with (FeedIndex.items), so a deploy that renders differently writes new keys beside the old.
 */
export const itemKey = (renderer: string, id: string, version: number, format: string, script = "zh-Hant") =>
  `item:${PUBLISHED_FORMAT}:${renderer}:${scriptSegment(script)}${format}:${id}:${version}`;

/**
 * A section's validators (FeedValidators JSON, ~150 bytes): revision, embargoes lifted, next embargo,
 * Last-Modified, base. A conditional request is answered from it without reading a body or the index.
 */
export const validatorsKey = (section: string) => `validators:${PUBLISHED_FORMAT}:${section}`;

/** The pre-rendered unfiltered feed of a section in one format and script; metadata: revision, lifted, valid_until, last_modified, base. */
export const feedKey = (section: string, format: string, script = "zh-Hant") =>
  `feed:${PUBLISHED_FORMAT}:${scriptSegment(script)}${section}:${format}`;

/**
 * One archive document of a section in one script (RFC 5005): `name` is `2026-11` or `2026-11-2`; metadata:
 * ArchiveMeta (src/feeds/archive/documents.ts). Written when its content changes, deleted when the month empties.
 */
export const archiveKey = (section: string, name: string, format: string, script = "zh-Hant") =>
  `archive:${PUBLISHED_FORMAT}:${scriptSegment(script)}${section}:${name}:${format}`;

/** A section's archived months, newest first, for its archive index page: ArchiveIndex JSON. */
export const archiveIndexKey = (section: string) => `archive-index:${PUBLISHED_FORMAT}:${section}`;

/** The change log's extent, `{first, last}` (src/feeds/change-log.ts ChangeHead). Written by the Newsroom. */
export const changeHeadKey = () => `changes:${PUBLISHED_FORMAT}:head`;

/** One page of the change log, `{page, entries}`: the entries with seq in [page × 50, page × 50 + 50). Only ever grows. */
export const changePageKey = (page: number) => `changes:${PUBLISHED_FORMAT}:page:${page}`;

/** The ninjs documents (2.2 and 3.1, licence left as holes) of the version a change-log entry shows. Never rewritten. */
export const changeItemKey = (seq: number) => `changes:${PUBLISHED_FORMAT}:item:${seq}`;

/**
 * Present ("1") once a section's WebSub hub has had a subscription: the Newsroom signals the hub only for
 * such sections, so publishing never wakes a hub nobody uses. Written by the hub, never deleted (a stale
 * flag costs one RPC that finds no subscription).
 */
export const websubListeningKey = (section: string) => `websub-listening:${section}`;
