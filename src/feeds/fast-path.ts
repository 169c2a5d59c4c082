// The answers a public feed GET gets from its section's validators and pre-rendered bodies, without the index:
// a 304 when the client's copy is current, and the unfiltered feed as published. The router's handler asks
// here first, and src/index.ts asks here before the router for the plainest requests, so those skip hono's
// routing and middleware; both answer through feedResponse, with the same header set.
import { findSection, publicBaseUrl, type Script } from "../config/publication";
import { type FeedAsk, feedAsk, feedResponse } from "./feed-response";
import { feedEtag, isNotModified, type Preconditions, preconditionsOf } from "./http";
import { memoWindowMs } from "./isolate-memo";
import type { FeedFormat } from "./model";
import { prefersHtml } from "./page-view";
import { isUnfiltered, UNFILTERED_QUERY } from "./query";
import { loadPrerendered, loadValidators, rebase } from "./read";

/**
 * A 304 decided from the section's validators (~150 bytes) while no embargo has lifted since they were published,
 * or the unfiltered feed's pre-rendered body (and its 304); null when only the index can answer.
 */
export async function quickFeedAnswer(env: Env, a: FeedAsk, preconditions: Preconditions, now: number): Promise<Response | null> {
  const memoMs = memoWindowMs(env);
  const kv = env.FEEDS;
  if (preconditions.ifNoneMatch !== null || preconditions.ifModifiedSince !== null) {
    const validators = await loadValidators(kv, a.section.slug, memoMs);
    if (validators && (validators.valid_until === null || validators.valid_until > now)) {
      const etag = feedEtag(validators.revision, validators.lifted, a.shape);
      if (isNotModified(preconditions, etag, validators.last_modified)) return feedResponse(a, null, etag, validators.last_modified);
    }
  }
  if (a.html || !isUnfiltered(a.query)) return null;
  const { value, metadata } = await loadPrerendered(kv, a.section.slug, a.format, a.script, memoMs);
  if (value === null || !metadata || (metadata.valid_until !== null && metadata.valid_until <= now)) return null;
  const etag = feedEtag(metadata.revision, metadata.lifted, a.shape);
  if (isNotModified(preconditions, etag, metadata.last_modified)) return feedResponse(a, null, etag, metadata.last_modified);
  // With PUBLIC_BASE_URL set (production) the stored bytes go out as they are: no decoding, no copy.
  const body = metadata.base === a.base ? value : rebase(new TextDecoder().decode(value), metadata.base, a.base);
  return feedResponse(a, body, etag, metadata.last_modified);
}

/** Exactly `/feeds/{section}.{format}` or `/zh-hans/feeds/{section}.{format}`: no query, no encoding, nothing else. */
const PLAIN_FEED_PATH = /^(\/zh-hans)?\/feeds\/([a-z0-9-]+)\.(rss|atom|json)$/;

/**
 * The answer to a plain GET of a public feed (no query string at all) when the validators or the pre-rendered
 * body give it; null for anything else (another method or path, a query, a feed only the index can answer),
 * which then goes through the router unchanged.
 */
export function feedFastPath(request: Request, env: Env): Promise<Response | null> | null {
  if (request.method !== "GET") return null;
  const url = request.url;
  // An absolute URL: the path starts at the first "/" after "scheme://".
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  if (pathStart < 0 || url.includes("?", pathStart) || url.includes("#", pathStart)) return null;
  const match = PLAIN_FEED_PATH.exec(url.slice(pathStart));
  const section = match ? findSection(match[2]!) : undefined;
  if (!match || !section) return null;
  const script: Script = match[1] ? "zh-Hans" : "zh-Hant";
  const ask = feedAsk({
    script,
    section,
    format: match[3] as FeedFormat,
    query: UNFILTERED_QUERY,
    base: publicBaseUrl(env, url),
    html: prefersHtml(request.headers.get("Accept") ?? undefined),
  });
  return quickFeedAnswer(env, ask, preconditionsOf(request), Date.now());
}
