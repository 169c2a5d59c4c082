// Licence decisions, pure: which feeds a partner may open, which items and withdrawals its licence
// covers, and how much of each item it gets. No I/O, so every rule is tested without bindings.
import { ALL_SECTIONS } from "../config/publication";
import type { IndexEntry } from "../feeds/feed-index";
import type { LicenceSlots } from "../feeds/licence-slots";
import type { FeedQuery } from "../feeds/query";
import type { ItemRights, ItemVariant } from "../feeds/render";
import { regionCovers } from "../feeds/select";
import type { Withdrawal } from "../feeds/snapshot";
import { isVisible, type StoredArticle, type Syndication } from "../model/article";
import { type Entitlement, EVERY_SECTION, licenceExpired, type PartnerRecord } from "./model";

/** What a licence decision looks at in an article, an index entry or a withdrawal. */
export interface Coverable {
  section: string;
  regions: readonly string[];
  topics: readonly string[];
  syndication: Syndication;
}

export type Access = { ok: true } | { ok: false; detail: string };

export function sectionLicensed(entitlement: Pick<Entitlement, "sections">, slug: string): boolean {
  return entitlement.sections.includes(EVERY_SECTION) || entitlement.sections.includes(slug);
}

/**
 * Does the licence cover this item? Its section; when the licence limits regions, one of the item's
 * regions at or under a licensed one (no regions: not covered); when it limits topics, one of them;
 * and the item's rights allow syndication at all.
 */
export function covers(entitlement: Entitlement, item: Coverable): boolean {
  if (item.syndication === "none") return false;
  if (!sectionLicensed(entitlement, item.section)) return false;
  const { regions, topics } = entitlement;
  if (regions && !item.regions.some((r) => regions.some((licensed) => regionCovers(licensed, r)))) return false;
  if (topics && !item.topics.some((t) => topics.includes(t))) return false;
  return true;
}

/**
 * May the partner open this feed? Not after its licence ends, not a section outside it, and not a
 * filter disjoint from it: filters only narrow the licence, they never widen it.
 */
export function feedAccess(entitlement: Entitlement, section: string, query: FeedQuery, now: number): Access {
  if (licenceExpired(entitlement.license, now)) {
    return { ok: false, detail: `The licence "${entitlement.license.id}" ended at ${entitlement.license.expires_at}.` };
  }
  if (section !== ALL_SECTIONS && !sectionLicensed(entitlement, section)) {
    return { ok: false, detail: `The section "${section}" is not in your licence.` };
  }
  const { regions, topics } = entitlement;
  const region = query.region;
  if (region !== undefined && regions && !regions.some((r) => regionCovers(r, region) || regionCovers(region, r))) {
    return { ok: false, detail: `The region "${region}" is outside your licence (${regions.join(", ")}).` };
  }
  if (query.topics.length && topics && !query.topics.some((t) => topics.includes(t))) {
    return { ok: false, detail: `None of the topics asked for is in your licence (${topics.join(", ")}).` };
  }
  return { ok: true };
}

/** Index entries the licence covers (each entry names its section, so this holds for `all` too). */
export function entryCovered(entitlement: Entitlement): (entry: IndexEntry) => boolean {
  return (entry) => covers(entitlement, entry);
}

/** The article itself, as loaded, is checked again: the index may be older than the article. */
export function articleCovered(entitlement: Entitlement, article: StoredArticle, now: number): boolean {
  if (!isVisible(article, now)) return false;
  return covers(entitlement, { ...article, syndication: article.rights.syndication });
}

export function withdrawalCovered(entitlement: Entitlement, withdrawal: Withdrawal): boolean {
  return covers(entitlement, withdrawal);
}

/** `full` → the whole item; `headline` → title, link and summary; `none` → nothing (null). */
export function itemVariant(syndication: Syndication): ItemVariant | null {
  return syndication === "none" ? null : syndication;
}

/** An item's rights in a partner feed: the partner's licence, and the credit line that licence requires. */
export function partnerRights(entitlement: Entitlement, article: StoredArticle): ItemRights {
  return {
    licenceUrl: entitlement.license.url,
    syndication: article.rights.syndication,
    attribution: entitlement.license.attribution,
    copyright: article.rights.copyright,
  };
}

/** What the partner's licence puts into each pre-rendered item (licence URL, credit line, usage terms). */
export function partnerSlots(partner: Pick<PartnerRecord, "name" | "license">): LicenceSlots {
  const { id, url, attribution, expires_at } = partner.license;
  return {
    licenceUrl: url,
    attribution,
    usageTerms: `依授權 ${id} 供 ${partner.name} 轉載,有效至 ${expires_at};轉載須註明「${attribution}」,條款見 ${url}`,
  };
}
