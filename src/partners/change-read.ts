// The change feed's KV reads: the log's head, its pages and the items of entries. Reads never call
// the Newsroom. Pages only grow and items never change, so a read that is behind shows less, never other.
import { KV_MUTABLE_CACHE_TTL } from "../config/cache";
import type { ChangeHead, ChangeItem, ChangePage } from "../feeds/change-log";
import { changeHeadKey, changeItemKey, changePageKey } from "../storage/kv-keys";

/** KV's minimum edge cache: a page or the head may look up to this much shorter than it is. */
const MUTABLE_CACHE_TTL = KV_MUTABLE_CACHE_TTL;

export function loadChangeHead(kv: KVNamespace): Promise<ChangeHead | null> {
  return kv.get<ChangeHead>(changeHeadKey(), { type: "json", cacheTtl: MUTABLE_CACHE_TTL });
}

export function loadChangePage(kv: KVNamespace, page: number): Promise<ChangePage | null> {
  return kv.get<ChangePage>(changePageKey(page), { type: "json", cacheTtl: MUTABLE_CACHE_TTL });
}

/** Items by entry position, in one bulk read (at most 100 positions); a missing one is absent from the map. */
export async function loadChangeItems(kv: KVNamespace, seqs: readonly number[]): Promise<Map<number, ChangeItem>> {
  const items = new Map<number, ChangeItem>();
  if (seqs.length === 0) return items;
  const values = await kv.get<ChangeItem>(
    seqs.map((s) => changeItemKey(s)),
    // Not "immutable": KV caches a miss too, and an item read just before it lands must not stay missing for long.
    { type: "json", cacheTtl: MUTABLE_CACHE_TTL },
  );
  for (const seq of seqs) {
    const item = values.get(changeItemKey(seq));
    if (item) items.set(seq, item);
  }
  return items;
}
