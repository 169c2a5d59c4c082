// How a month's archived articles are cut into documents, and how the documents chain (RFC 5005).
// Pure: the Newsroom decides what is archived; this says where each item goes and who links to whom.
import type { ArchiveMonth, ArchivePart } from "./month";

/** At most this many items per archive document. */
export const ARCHIVE_PART_ITEMS = 500;
/**
 * And at most this many bytes of items (UTF-8, the largest format and script), about 15 of the portal's
 * articles. Every new article moves one older article into the newest part of its month, in its section
 * and in `all`, and that part is rewritten in three formats and two scripts: twelve documents. Parts this
 * small keep that at ~0.6 MB at most, whatever the month holds (parts of 500 items wrote ~5 MB per new
 * article, measured), and a correction rewrites one small part. A single larger item gets a part of its own.
 */
export const ARCHIVE_PART_BYTES = 48 * 1024;

/**
 * Cuts a month's items, given OLDEST FIRST with their size, into parts: part 1 takes the oldest items
 * up to the limits, part 2 the next, and so on. New items only ever join a month at its newest end,
 * so filling a busy month rewrites only its newest part.
 */
export function cutParts<T extends { bytes: number }>(oldestFirst: readonly T[]): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of oldestFirst) {
    if (current.length > 0 && (current.length >= ARCHIVE_PART_ITEMS || bytes + item.bytes > ARCHIVE_PART_BYTES)) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** A month that has archive documents, and how many. */
export interface ArchivedMonth {
  month: ArchiveMonth;
  parts: number;
}

/** An archive document's neighbours in the chain: `prev` is older (rel="prev-archive"), `next` newer. */
export interface ChainLinks {
  prev: ArchivePart | null;
  next: ArchivePart | null;
}

/**
 * The chain runs from the current feed to its newest archive document, then ever older: within a
 * month from its last part down to part 1, then to the previous archived month's last part.
 */
export function chainLinks(doc: ArchivePart, parts: number, older: ArchivedMonth | null, newer: ArchiveMonth | null): ChainLinks {
  const prev = doc.part > 1 ? { month: doc.month, part: doc.part - 1 } : older ? { month: older.month, part: older.parts } : null;
  const next = doc.part < parts ? { month: doc.month, part: doc.part + 1 } : newer ? { month: newer, part: 1 } : null;
  return { prev, next };
}

/** The newest archive document of a section, the one its current feed links to. */
export function newestPart(newest: ArchivedMonth): ArchivePart {
  return { month: newest.month, part: newest.parts };
}
