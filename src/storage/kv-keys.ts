// Every KV key the service uses, in one place. docs/storage-schema.md describes each with an example value.
// Only the Newsroom Durable Object writes the feed keys; the Worker only reads them.

/**
 * The shape of what the Newsroom publishes. Feed keys carry it, so a deploy that changes the shape
 * reads only keys written in that shape, and the Newsroom republishes every section when it sees a
 * new value (src/newsroom/publishing.ts).
 */
export const PUBLISHED_FORMAT = "v1";

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

/** One format's item fragments of a section at an index revision, concatenated; offsets live in the index. Expires after a day. */
export const fragmentsKey = (section: string, format: string, revision: number) =>
  `fragments:${PUBLISHED_FORMAT}:${section}:${format}:${revision}`;

/** The pre-rendered unfiltered feed of a section in one format; metadata: revision, lifted, valid_until, last_modified, base. */
export const feedKey = (section: string, format: string) => `feed:${PUBLISHED_FORMAT}:${section}:${format}`;

/**
 * One archive document of a section (RFC 5005): `name` is `2026-11` or `2026-11-2`; metadata: ArchiveMeta
 * (src/feeds/archive/documents.ts). Written when its content changes, deleted when the month empties.
 */
export const archiveKey = (section: string, name: string, format: string) => `archive:${PUBLISHED_FORMAT}:${section}:${name}:${format}`;

/** A section's archived months, newest first, for its archive index page: ArchiveIndex JSON. */
export const archiveIndexKey = (section: string) => `archive-index:${PUBLISHED_FORMAT}:${section}`;

/**
 * Present ("1") once a section's WebSub hub has had a subscription: the Newsroom signals the hub only for
 * such sections, so publishing never wakes a hub nobody uses. Written by the hub, never deleted (a stale
 * flag costs one RPC that finds no subscription).
 */
export const websubListeningKey = (section: string) => `websub-listening:${section}`;
