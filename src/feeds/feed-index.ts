// The read path's view of a section: a compact index of its newest articles (no bodies) and the
// item fragments of each format, published by the Newsroom (see src/feeds/publish.ts).
// Filtering reads only the index; a 304 reads nothing else.
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
  /** [start, end) of this item's fragment in each format's fragment text: rss, atom, json. */
  at: [number, number, number, number, number, number];
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
  /** The base URL our own links in the fragments were rendered with. */
  base: string;
  /** The newest archive document (`2026-11`, `2026-11-2`) the unfiltered feed links to as prev-archive. */
  archive?: string;
}

/** Metadata stored with a pre-rendered unfiltered feed body. */
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

const FORMAT_SLOT = { rss: 0, atom: 2, json: 4 } as const;

export function fragmentOf(entry: IndexEntry, format: keyof typeof FORMAT_SLOT, text: string): string {
  const slot = FORMAT_SLOT[format];
  return text.slice(entry.at[slot], entry.at[slot + 1]);
}
