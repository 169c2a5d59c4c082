// The change feed's KV reads: the log's head, its pages and the items of entries. Reads never call
// the Newsroom. Pages only grow and items never change, so a read that is behind shows less, never other.
import { KV_MUTABLE_CACHE_TTL } from "../config/cache";
import { CHANGE_PAGE_SIZE, type ChangeHead, type ChangeItem, type ChangePage, needsItem, pageOf } from "../feeds/change-log";
import { changeHeadKey, changeItemKey, changePageKey } from "../storage/kv-keys";
import { pageComplete } from "./change-view";

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

/** What a pull reads from position `after` on before it knows the partner's licence (see readAhead). */
export interface ReadAhead {
  /** A log page: read ahead, or read now. */
  page(n: number): Promise<ChangePage | null>;
  /** The items of the entries that may need one, in order from `after`, at most `limit` of them. */
  items: Promise<Map<number, ChangeItem>>;
  /** The positions `items` asked for (an entry needing an item outside them is read separately). */
  asked: Promise<ReadonlySet<number>>;
}

/**
 * Reads the log from position `after` while the partner's desk is asked: the page the position falls in (and
 * the next when the rest of that page is shorter than `limit`), then at once the items of the entries that
 * show an article to someone, whichever partner this turns out to be. Once the desk answers, what the
 * licence shows is then mostly read already: a pull waits for about one KV read besides the desk, not three.
 */
export function readAhead(kv: KVNamespace, after: number, limit: number): ReadAhead {
  const first = pageOf(after + 1);
  const pages = new Map<number, Promise<ChangePage | null>>([[first, loadChangePage(kv, first)]]);
  if ((first + 1) * CHANGE_PAGE_SIZE - (after + 1) < limit) pages.set(first + 1, loadChangePage(kv, first + 1));
  const asked = (async () => {
    const seqs: number[] = [];
    for (const read of pages.values()) {
      const page = await read;
      if (page === null) break;
      for (const entry of page.entries) if (entry.seq > after && seqs.length < limit && needsItem(entry)) seqs.push(entry.seq);
      if (!pageComplete(page)) break;
    }
    return seqs;
  })();
  const items = asked.then((seqs) => loadChangeItems(kv, seqs));
  // A pull refused by the desk never waits for these: their failures must not go unhandled.
  for (const read of [...pages.values(), items]) read.catch(() => {});
  return {
    page: (n) => pages.get(n) ?? loadChangePage(kv, n),
    items,
    asked: asked.then((seqs) => new Set(seqs)),
  };
}
