// The read path's view of a section: a compact index of its newest articles (no bodies), published by
// the Newsroom (see src/feeds/publish.ts); each entry's rendered item is a KV key of its own per article
// version (itemKey), so a feed reads the items it selects and nothing else. Filtering reads only the index.
import type { Syndication } from "../model/article";
import type { Withdrawal } from "./snapshot";

export interface IndexEntry {
  id: string;
  /** The version the fragments were rendered from. */
  version: number;
  /** The article's section, so `all` can be narrowed to a partner's sections. */
  section: string;
  published_ms: number;
  embargo_ms?: number;
  /** When we accepted this version (ms). */
  changed_ms: number;
  regions: string[];
  topics: string[];
  syndication: Syndication;
}

export interface FeedIndex {
  section: string;
  revision: number;
  generated_ms: number;
  /** The latest accepted change in the section, removals included (ms). */
  changed_ms: number;
  /** Published entries (embargoed ones too), newest first. */
  entries: IndexEntry[];
  withdrawals: Withdrawal[];
  /** The base URL our own links in the items were rendered with. */
  base: string;
  /** The newest archive document (`2026-11`, `2026-11-2`) the unfiltered feed links to as prev-archive. */
  archive?: string;
  /** The renderer (and base) the items were rendered with: part of each item's key (itemKey). */
  items: string;
}

/**
 * A section's validators as published: stored with each pre-rendered unfiltered feed body, and alone
 * under the section's validators key, so a conditional request reads ~150 bytes.
 */
export interface PrerenderedMeta {
  revision: number;
  /** Embargoes lifted when it was rendered; part of the ETag. */
  lifted: number;
  /** The body is stale from this time on (the next embargo lifts), ms; null when none is pending. */
  valid_until: number | null;
  last_modified: number;
  /** The base URL the body's own links were rendered with. */
  base: string;
}
