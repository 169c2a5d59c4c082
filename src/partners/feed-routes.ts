// Partner feeds (docs/partners.md), mounted at /partner: GET /partner/feeds/{section}.{fmt} with the
// public filters, and GET /partner/withdrawals?since=. A pull is a KV read of the key's digest and of
// the section index (in parallel), one PartnerDesk RPC (key, rate limit, licence, validators, count),
// then the covered entries' partner items (rendered at write time, one bulk read), assembled with this
// partner's licence filled in; no item is rendered per request. The key never leaves the request:
// links, bodies and errors name only the canonical feed URL, and errors are logged by path alone.
import { Hono } from "hono";
import { CACHE_CONTROL } from "../config/cache";
import { ALL_SECTIONS, publicBaseUrl, type Section } from "../config/publication";
import { feedLinks, linkHeader, preconditionsOf, syndicationLicense } from "../feeds/http";
import { memoWindowMs } from "../feeds/isolate-memo";
import { FEED_CONTENT_TYPES, type FeedFormat } from "../feeds/model";
import { partnerItemsTag } from "../feeds/partner-items";
import { feedUrl } from "../feeds/public-feed";
import { canonicalQuery, type FeedQuery, parseFeedFile, parseFeedQuery } from "../feeds/query";
import { loadIndex, loadItems } from "../feeds/read";
import { lastModified, liftedEmbargoes } from "../feeds/select";
import { ProblemError } from "../http/problem";
import type { Withdrawals } from "../model/withdrawals.gen";
import type { PartnerRecord } from "./model";
import {
  partnerDocument,
  partnerItemFromArticle,
  partnerLicenceTerms,
  partnerWithdrawals,
  selectPartnerEntries,
  withdrawalList,
} from "./partner-feed";
import { keyPartner, PRIVATE, pull, requireKey } from "./pull-gate";

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export const partnerFeeds = new Hono<{ Bindings: Env }>();

partnerFeeds.get("/feeds/:file", async (c) => {
  const url = new URL(c.req.url);
  const key = requireKey(c.req.header("Authorization"), url);
  const { section, format } = parseFeedFile(c.req.param("file"));
  const query = parseFeedQuery(url.searchParams);
  const base = publicBaseUrl(c.env, c.req.url);
  const now = Date.now();

  const [partnerId, hash, index] = await keyPartner(
    c.env.FEEDS,
    key,
    loadIndex(c.env.FEEDS, section.slug, memoWindowMs(c.env)),
    memoWindowMs(c.env),
  );
  const outcome = await pull(c.env, partnerId, {
    keyHash: hash,
    feed: `${section.slug}.${format}`,
    now,
    access: { section: section.slug, query },
    conditional: {
      revision: index.revision,
      lifted: liftedEmbargoes(index, now),
      shape: `partner|${section.slug}.${format}${canonicalQuery(query)}|${base}`,
      lastModified: lastModified(index, now),
      ...preconditionsOf(c.req.raw),
    },
  });
  const { partner, etag, notModified } = outcome;
  const modified = outcome.lastModified ?? lastModified(index, now);
  const headers = feedHeaders(partner, base, section, format, query);
  headers.set("Last-Modified", new Date(modified).toUTCString());
  if (etag) headers.set("ETag", etag);
  if (notModified) return new Response(null, { status: 304, headers });

  const selected = selectPartnerEntries(partner, index, query, now);
  const { items, complete } = await loadItems(
    c.env.FEEDS,
    { items: partnerItemsTag(index.items) },
    selected,
    format,
    "zh-Hant",
    (article) => partnerItemFromArticle(partner, format, article, index.base, now),
    memoWindowMs(c.env),
  );
  if (!complete) {
    // KV has not caught up with the index everywhere yet: serve what is there, but hand out no validator for it.
    headers.delete("ETag");
    headers.delete("Last-Modified");
    headers.set("Cache-Control", CACHE_CONTROL.partnerNoStore);
  }
  const withdrawals = partnerWithdrawals(partner, index.withdrawals, section.slug, query, now);
  headers.set("Content-Type", FEED_CONTENT_TYPES[format]);
  const body = partnerDocument({ partner, section, format, query, base, updated: modified, items, renderedBase: index.base, withdrawals });
  return new Response(body, { status: 200, headers });
});

partnerFeeds.get("/withdrawals", async (c) => {
  const url = new URL(c.req.url);
  const key = requireKey(c.req.header("Authorization"), url);
  const since = parseSince(url.searchParams);
  const base = publicBaseUrl(c.env, c.req.url);
  const now = Date.now();
  const [partnerId, hash, index] = await keyPartner(
    c.env.FEEDS,
    key,
    loadIndex(c.env.FEEDS, ALL_SECTIONS, memoWindowMs(c.env)),
    memoWindowMs(c.env),
  );
  // No `access`: the list stays open after the licence ends, so a partner can still take content down.
  const { partner } = await pull(c.env, partnerId, { keyHash: hash, feed: "withdrawals", now });
  const list = withdrawalList(partner, index.withdrawals, since, now);
  return c.json({ withdrawals: list } satisfies Withdrawals, 200, {
    ...PRIVATE,
    Link: linkHeader([
      { url: `${base}/partner/withdrawals${since > 0 ? `?since=${new Date(since).toISOString()}` : ""}`, rel: "self" },
      { url: partner.license.url, rel: "license" },
    ]),
    "Syndication-License": syndicationLicense(partnerLicenceTerms(partner)),
  });
});

function parseSince(params: URLSearchParams): number {
  const values = params.getAll("since");
  // An unencoded "+08:00" arrives as " 08:00" (form decoding); take it as the offset it was meant to be.
  const since = values.length === 1 ? values[0]!.replace(/ (\d{2}:\d{2})$/, "+$1") : "";
  const detail = "since is an RFC 3339 date-time with an offset, e.g. 2024-02-01T00:00:00+08:00";
  if (!RFC3339.test(since) || Number.isNaN(Date.parse(since))) {
    throw new ProblemError(400, `Invalid query parameter "since": ${detail}.`, { errors: [{ pointer: "#/query/since", detail }] });
  }
  return Date.parse(since);
}

function feedHeaders(partner: PartnerRecord, base: string, section: Section, format: FeedFormat, query: FeedQuery): Headers {
  return new Headers({
    ...PRIVATE,
    Link: linkHeader(feedLinks((f) => feedUrl(base, "/partner/feeds", section, f, query), format, partner.license.url)),
    "Syndication-License": syndicationLicense(partnerLicenceTerms(partner)),
  });
}
