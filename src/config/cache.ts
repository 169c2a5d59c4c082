// How long each kind of answer may be kept, and by whom: every cache lifetime of the service is set here,
// so the headers, KV's edge cache and the OpenAPI document can never disagree.

/** Public feeds: browsers and shared caches keep them a minute (the contract allows at most 300 s). */
export const FEED_MAX_AGE_SECONDS = 60;
/** Pages and documents that change only with a deploy or an admin edit (directory, OPML, licence pages, OpenAPI). */
export const PAGE_MAX_AGE_SECONDS = 300;
/** Feed renders kept in the Cache API: keyed by ETag, so never stale, only evicted; as long as a page. */
export const RENDER_CACHE_SECONDS = PAGE_MAX_AGE_SECONDS;
/** KV's edge cache for values that change (indexes, pre-rendered bodies, articles, licence records): KV's minimum. */
export const KV_MUTABLE_CACHE_TTL = 30;
/** KV's edge cache for values written once and never changed (feed items, per article version). */
export const KV_IMMUTABLE_CACHE_TTL = 3600;

/** The feed icons: they change only when the design does. */
export const ICON_MAX_AGE_SECONDS = 86_400;

/** A browser may reuse a CORS preflight's answer this long (the public routes' CORS never changes between deploys). */
export const PREFLIGHT_MAX_AGE_SECONDS = 86_400;

/** The Cache-Control of each kind of answer. */
export const CACHE_CONTROL = {
  publicFeed: `public, max-age=${FEED_MAX_AGE_SECONDS}`,
  page: `public, max-age=${PAGE_MAX_AGE_SECONDS}`,
  render: `public, max-age=${RENDER_CACHE_SECONDS}`,
  icon: `public, max-age=${ICON_MAX_AGE_SECONDS}`,
  /** Partner answers: never in a shared cache; a private cache revalidates every time, so revocation and expiry apply at once. */
  partner: "private, no-cache",
  /** Answers about one moment that must not be kept at all (admin reads, partner bodies KV has not caught up with). */
  noStore: "no-store",
  partnerNoStore: "private, no-store",
  /** An archive document whose month no longer changes but for a correction or withdrawal: its ETag stays, so readers revalidate cheaply. */
  settledArchive: `public, max-age=${PAGE_MAX_AGE_SECONDS}`,
} as const;
