// The change feed's KV reads: the log's head, its pages and the items of entries. Reads never call
// the Newsroom. Pages only grow and items never change, so a read that is behind shows less, never other;
// so this isolate may answer from what it read (src/feeds/isolate-memo.ts): the head and pages for `memoMs`,
// items (once found) for as long as it holds them.
import { KV_MUTABLE_CACHE_TTL } from "../config/cache";
import { CHANGE_PAGE_SIZE, type ChangeHead, type ChangeItem, type ChangePage, needsItem, pageOf } from "../feeds/change-log";
import { isolateMemo, textBytes } from "../feeds/isolate-memo";
import { NINJS_VERSIONS } from "../feeds/render/ninjs";
import { changeHeadKey, changeItemKey, changePageKey } from "../storage/kv-keys";
import { pageComplete } from "./change-view";

/** KV's minimum edge cache: a page or the head may look up to this much shorter than it is. */
const MUTABLE_CACHE_TTL = KV_MUTABLE_CACHE_TTL;

export function loadChangeHead(kv: KVNamespace, memoMs = 0): Promise<ChangeHead | null> {
  return recentJson<ChangeHead>(kv, changeHeadKey(), memoMs);
}

export function loadChangePage(kv: KVNamespace, page: number, memoMs = 0): Promise<ChangePage | null> {
  return recentJson<ChangePage>(kv, changePageKey(page), memoMs);
}

function recentJson<T>(kv: KVNamespace, key: string, memoMs: number): Promise<T | null> {
  return isolateMemo.recent(key, memoMs, async () => {
    const text = await kv.get(key, { type: "text", cacheTtl: MUTABLE_CACHE_TTL });
    return { value: text === null ? null : (JSON.parse(text) as T), bytes: textBytes(text) };
  });
}

/**
 * Items by entry position, in one bulk read (at most 100 positions) of those this isolate does not hold (all
 * of them when `memoMs` is 0); a missing one is absent from the map.
 */
export async function loadChangeItems(kv: KVNamespace, seqs: readonly number[], memoMs = 0): Promise<Map<number, ChangeItem>> {
  const items = new Map<number, ChangeItem>();
  for (const seq of memoMs > 0 ? seqs : []) {
    const held = heldItem(seq);
    if (held) items.set(seq, held);
  }
  const unread = seqs.filter((seq) => !items.has(seq));
  if (unread.length > 0) {
    const values = await kv.get<ChangeItem>(
      unread.map((s) => changeItemKey(s)),
      // Not "immutable": KV caches a miss too, and an item read just before it lands must not stay missing for long.
      { type: "json", cacheTtl: MUTABLE_CACHE_TTL },
    );
    for (const seq of unread) {
      const item = values.get(changeItemKey(seq));
      if (!item) continue;
      items.set(seq, item);
      // Found once, an item never changes under its key (a miss is not held: it may land any moment). Each
      // ninjs version is held as the text a pull copies, so a held item costs no parsing.
      if (memoMs > 0) for (const version of NINJS_VERSIONS) isolateMemo.keepItem(`${changeItemKey(seq)}|${version}`, item[version]);
    }
  }
  return items;
}

function heldItem(seq: number): ChangeItem | null {
  const [v22, v31] = NINJS_VERSIONS.map((version) => isolateMemo.item(`${changeItemKey(seq)}|${version}`));
  return v22 !== undefined && v31 !== undefined ? { "2.2": v22, "3.1": v31 } : null;
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
export function readAhead(kv: KVNamespace, after: number, limit: number, memoMs = 0): ReadAhead {
  const first = pageOf(after + 1);
  const pages = new Map<number, Promise<ChangePage | null>>([[first, loadChangePage(kv, first, memoMs)]]);
  if ((first + 1) * CHANGE_PAGE_SIZE - (after + 1) < limit) pages.set(first + 1, loadChangePage(kv, first + 1, memoMs));
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
  const items = asked.then((seqs) => loadChangeItems(kv, seqs, memoMs));
  // A pull refused by the desk never waits for these: their failures must not go unhandled.
  for (const read of [...pages.values(), items]) read.catch(() => {});
  return {
    page: (n) => pages.get(n) ?? loadChangePage(kv, n, memoMs),
    items,
    asked: asked.then((seqs) => new Set(seqs)),
  };
}
