// What a partner receives, pure: the entries its licence covers, their partner items (rendered at write
// time with holes for the licence, filled here per partner), the RFC 6721 tombstones of covered
// withdrawals, and the withdrawal list. No I/O: the route loads, this decides and assembles.
import { ALL_SECTIONS, type Section } from "../config/publication";
import type { FeedIndex, IndexEntry } from "../feeds/feed-index";
import type { LicenceTerms } from "../feeds/http";
import { fillSlots, slotValues } from "../feeds/licence-slots";
import type { FeedFormat } from "../feeds/model";
import { partnerFragments } from "../feeds/partner-items";
import { feedHead } from "../feeds/public-feed";
import type { FeedQuery } from "../feeds/query";
import { rebase } from "../feeds/read";
import { itemId, renderDocument, type Tombstone } from "../feeds/render";
import { matchesQuery, selectEntries } from "../feeds/select";
import { WITHDRAWAL_NOTICE_MS, type Withdrawal } from "../feeds/snapshot";
import type { StoredArticle } from "../model/article";
import type { WithdrawnItem } from "../model/withdrawals.gen";
import { articleCovered, entryCovered, partnerSlots, withdrawalCovered } from "./entitlement";
import type { Entitlement, PartnerRecord } from "./model";

/** Newest first, visible now, matching the query and covered by the licence, at most `query.limit`. */
export function selectPartnerEntries(entitlement: Entitlement, index: FeedIndex, query: FeedQuery, now: number): IndexEntry[] {
  return selectEntries(index, query, now, entryCovered(entitlement));
}

/**
 * The partner item of an article as loaded, licence left as holes, or "" when the licence does not cover it:
 * rendered on a pull only while the item published for the indexed version has not reached this location.
 */
export function partnerItemFromArticle(
  entitlement: Entitlement,
  format: FeedFormat,
  article: StoredArticle,
  base: string,
  now: number,
): string {
  if (!articleCovered(entitlement, article, now)) return "";
  return partnerFragments(article, base)?.[format] ?? "";
}

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

/**
 * The partner's feed around its items as published (rendered once per article version, with holes for the
 * licence; "" for one the licence turned out not to cover): concatenated in the document's shell, rebased to
 * this request's base, with this partner's licence filled in. No item is rendered here.
 */
export function partnerDocument(r: {
  partner: PartnerRecord;
  section: Section;
  format: FeedFormat;
  query: FeedQuery;
  base: string;
  updated: number;
  items: readonly string[];
  /** The base the items' own links were rendered with. */
  renderedBase: string;
  withdrawals: readonly Withdrawal[];
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
  const values = slotValues(partnerSlots(r.partner));
  const items = r.items.flatMap((item) => (item === "" ? [] : [fillSlots(rebase(item, r.renderedBase, r.base), values)]));
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
