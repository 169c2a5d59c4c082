// What a partner receives, pure: the entries its licence covers, each item rendered per request
// from the whole article under the partner's licence (full or headline), the RFC 6721 tombstones of
// covered withdrawals, and the withdrawal list. No I/O: the route loads, this decides and renders.
import { ALL_SECTIONS, type Section } from "../config/publication";
import type { FeedIndex, IndexEntry } from "../feeds/feed-index";
import type { LicenceTerms } from "../feeds/http";
import type { FeedFormat } from "../feeds/model";
import { feedHead } from "../feeds/public-feed";
import type { FeedQuery } from "../feeds/query";
import { itemId, renderDocument, renderItem, type Tombstone } from "../feeds/render";
import { matchesQuery, selectEntries } from "../feeds/select";
import { WITHDRAWAL_NOTICE_MS, type Withdrawal } from "../feeds/snapshot";
import type { StoredArticle } from "../model/article";
import type { WithdrawnItem } from "../model/withdrawals.gen";
import { articleCovered, entryCovered, itemVariant, partnerRights, withdrawalCovered } from "./entitlement";
import type { Entitlement, PartnerRecord } from "./model";

/** Newest first, visible now, matching the query and covered by the licence, at most `query.limit`. */
export function selectPartnerEntries(entitlement: Entitlement, index: FeedIndex, query: FeedQuery, now: number): IndexEntry[] {
  return selectEntries(index, query, now, entryCovered(entitlement));
}

/** One item as the partner may have it, or null when the licence does not cover the article (as loaded). */
export function partnerItem(
  entitlement: Entitlement,
  format: FeedFormat,
  article: StoredArticle,
  base: string,
  now: number,
): string | null {
  const variant = itemVariant(article.rights.syndication);
  if (variant === null || !articleCovered(entitlement, article, now)) return null;
  const rights = partnerRights(entitlement, article);
  // An article version never changes, so its rendering for one licence and base can be reused by every pull.
  const key = `${format}|${article.id}@${article.version}|${variant}|${rights.licenceUrl}|${rights.attribution}|${base}`;
  const cached = renderedItems.get(key);
  if (cached !== undefined) return cached;
  // A headline licence is title, link and summary: no body and no photographs.
  const shown = variant === "headline" ? { ...article, images: [] } : article;
  const rendered = renderItem(format, shown, { variant, rights, baseUrl: base });
  if (renderedItems.size >= RENDERED_ITEMS_MAX) renderedItems.delete(renderedItems.keys().next().value!);
  renderedItems.set(key, rendered);
  return rendered;
}

/** Items rendered for partners in this isolate, oldest first (a Map keeps insertion order). */
const renderedItems = new Map<string, string>();
const RENDERED_ITEMS_MAX = 2000;

/** Covered withdrawals of the last 30 days that match the feed's section and filters, newest first. */
export function partnerWithdrawals(
  entitlement: Entitlement,
  withdrawals: readonly Withdrawal[],
  section: string,
  query: Pick<FeedQuery, "region" | "topics">,
  now: number,
): Withdrawal[] {
  return withdrawals.filter(
    (w) =>
      w.withdrawn_ms >= now - WITHDRAWAL_NOTICE_MS &&
      (section === ALL_SECTIONS || w.section === section) &&
      withdrawalCovered(entitlement, w) &&
      matchesQuery({ regions: w.regions, topics: w.topics } as IndexEntry, { ...query, limit: 1 }),
  );
}

export function tombstones(withdrawals: readonly Withdrawal[]): Tombstone[] {
  return withdrawals.map((w) => ({ ref: itemId(w.id), when: new Date(w.withdrawn_ms) }));
}

export function partnerDocument(r: {
  partner: PartnerRecord;
  section: Section;
  format: FeedFormat;
  query: FeedQuery;
  base: string;
  updated: number;
  articles: readonly StoredArticle[];
  withdrawals: readonly Withdrawal[];
  now: number;
}): string {
  const head = feedHead({
    base: r.base,
    pathPrefix: "/partner/feeds",
    section: r.section,
    format: r.format,
    query: r.query,
    updated: new Date(r.updated),
    licenceUrl: r.partner.license.url,
    titleSuffix: ` · ${r.partner.name}`,
  });
  const items = r.articles.flatMap((a) => partnerItem(r.partner, r.format, a, r.base, r.now) ?? []);
  return renderDocument(r.format, head, items, r.format === "atom" ? tombstones(r.withdrawals) : []);
}

/** The Syndication-License terms of a partner's responses. */
export function partnerLicenceTerms(partner: PartnerRecord): LicenceTerms {
  return {
    scope: "partner",
    partner: partner.id,
    license: partner.license.id,
    url: partner.license.url,
    expires: new Date(partner.license.expires_at),
    attribution: partner.license.attribution,
  };
}

/** GET /partner/withdrawals: covered withdrawals since `since` (ms), oldest first. */
export function withdrawalList(entitlement: Entitlement, withdrawals: readonly Withdrawal[], since: number, now: number): WithdrawnItem[] {
  return partnerWithdrawals(entitlement, withdrawals, ALL_SECTIONS, { topics: [] }, now)
    .filter((w) => w.withdrawn_ms >= since)
    .sort((a, b) => a.withdrawn_ms - b.withdrawn_ms || a.id.localeCompare(b.id))
    .map((w) => ({ id: w.id, ref: itemId(w.id), url: w.url, withdrawn_at: new Date(w.withdrawn_ms).toISOString() }));
}
