// A section as the Newsroom hands it to publishing (src/feeds/publish.ts turns it into KV writes).
// A snapshot is bounded (SNAPSHOT_WINDOW items, SNAPSHOT_MAX_BYTES), whatever the archive's size,
// so a feed request costs the same with a thousand stored articles or a hundred thousand.
import type { StoredArticle } from "../model/article";

export const SNAPSHOT_WINDOW = 200;
export const SNAPSHOT_MAX_BYTES = 8 * 1024 * 1024;
/** Withdrawals are announced to partners this long (RFC 6721 tombstones, /partner/withdrawals). */
export const WITHDRAWAL_NOTICE_MS = 30 * 24 * 3600 * 1000;

export interface SnapshotItem {
  article: StoredArticle;
  /** When we accepted this version (ms). With a lifted embargo, the newest change a feed can show. */
  changed_ms: number;
}

export interface Withdrawal {
  id: string;
  url: string;
  section: string;
  regions: string[];
  topics: string[];
  syndication: StoredArticle["rights"]["syndication"];
  published_at: string;
  withdrawn_ms: number;
}

export interface SectionSnapshot {
  section: string;
  /** Increases with every publish of this section; part of every ETag. */
  revision: number;
  generated_ms: number;
  /** The latest accepted change in this section, removals included (ms). */
  changed_ms: number;
  /** Published articles (embargoed ones too; readers hide them until their time), newest first. */
  items: SnapshotItem[];
  /** Withdrawals of articles that were visible, newest first, for WITHDRAWAL_NOTICE_MS. */
  withdrawals: Withdrawal[];
  /** The newest archive document (`2026-11`, `2026-11-2`), which the current feed links to; absent when nothing is archived. */
  archive?: string;
}
