// Which entries a feed shows, and the validators that follow from them. Pure: no I/O.
import { embargoLifted } from "../model/article";
import type { FeedIndex, IndexEntry } from "./feed-index";
import type { FeedQuery } from "./query";

/** An index entry is a published article, so `isVisible` reduces to its embargo (kept in ms, no date parsing per request). */
export function isEntryVisible(entry: IndexEntry, now: number): boolean {
  return embargoLifted(entry.embargo_ms, now);
}

/** `gansu` covers `gansu` and `gansu/lanzhou/chengguan`, not `gansu-north`. */
export function regionCovers(region: string, candidate: string): boolean {
  return candidate === region || candidate.startsWith(`${region}/`);
}

export function matchesQuery(entry: IndexEntry, query: FeedQuery): boolean {
  if (query.region !== undefined) {
    const region = query.region;
    if (!entry.regions.some((r) => regionCovers(region, r))) return false;
  }
  if (query.topics.length && !entry.topics.some((t) => query.topics.includes(t))) return false;
  return true;
}

/** Newest first, visible now, matching the query and `allowed`, at most `query.limit`. */
export function selectEntries(
  index: FeedIndex,
  query: FeedQuery,
  now: number,
  allowed: (entry: IndexEntry) => boolean = () => true,
): IndexEntry[] {
  const selected: IndexEntry[] = [];
  for (const entry of index.entries) {
    if (selected.length >= query.limit) break;
    if (isEntryVisible(entry, now) && matchesQuery(entry, query) && allowed(entry)) selected.push(entry);
  }
  return selected;
}

/** How many embargoes in the section have lifted by `now`: what changes a feed without a publish. */
export function liftedEmbargoes(index: Pick<FeedIndex, "entries">, now: number): number {
  let lifted = 0;
  for (const entry of index.entries) if (entry.embargo_ms !== undefined && embargoLifted(entry.embargo_ms, now)) lifted++;
  return lifted;
}

/** Never earlier than the newest change the feed shows: any accepted change, or an embargo lifting. */
export function lastModified(index: Pick<FeedIndex, "entries" | "changed_ms">, now: number): number {
  let newest = index.changed_ms;
  for (const entry of index.entries) {
    if (entry.embargo_ms !== undefined && embargoLifted(entry.embargo_ms, now) && entry.embargo_ms > newest) newest = entry.embargo_ms;
  }
  return newest;
}

/** The next time an embargo lifts (ms), or null. */
export function nextEmbargo(index: Pick<FeedIndex, "entries">, now: number): number | null {
  let next: number | null = null;
  for (const entry of index.entries) {
    if (entry.embargo_ms !== undefined && !embargoLifted(entry.embargo_ms, now) && (next === null || entry.embargo_ms < next)) {
      next = entry.embargo_ms;
    }
  }
  return next;
}
