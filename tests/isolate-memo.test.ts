// The isolate memo in front of the read path (src/feeds/isolate-memo.ts): a feed read answers from a KV read
// begun less than FEED_MEMO_MS ago and never from an older one, so an update shows up once the window has
// passed; items (one key per article version) are held up to a byte bound; memory stays within its bounds.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { IsolateMemo, MAX_FEED_MEMO_MS, memoWindowMs } from "../src/feeds/isolate-memo";
import { app } from "../src/index";
import { feedKey, validatorsKey } from "../src/storage/kv-keys";
import { article, publish, push } from "./helpers/cms";
import { RecordingKv } from "./helpers/recording-kv";

const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;
const WINDOW = 500;

/** A GET as the Worker answers it with the memo on (wrangler.toml's window), reading KV through `kv`. */
async function memoGet(path: string, headers: Record<string, string> = {}) {
  const kv = new RecordingKv(env.FEEDS);
  const res = await app.request(
    `http://feeds.test${path}`,
    { headers },
    { ...env, FEED_MEMO_MS: String(WINDOW), FEEDS: kv as unknown as KVNamespace },
    ctx,
  );
  return { res, body: await res.text(), reads: kv.reads };
}

const titled = (version: number) => article({ id: "memo-1", version, section: "shijie", title: `記憶 v${version}` });

describe("IsolateMemo, clocked", () => {
  it("answers from a read begun less than the window ago, and reads again once it has passed", async () => {
    let now = 1_000_000;
    const memo = new IsolateMemo(() => now);
    let reads = 0;
    const load = async () => ({ value: ++reads, bytes: 8 });
    expect(await memo.recent("k", WINDOW, load)).toBe(1);
    now += WINDOW - 1;
    expect(await memo.recent("k", WINDOW, load)).toBe(1);
    now += 1;
    expect(await memo.recent("k", WINDOW, load)).toBe(2);
    expect(await memo.recent("k", 0, load)).toBe(3);
    expect(reads).toBe(3);
  });

  it("holds values, never a read in flight (it belongs to its request): reads that overlap each go to KV, and a failed one is not held", async () => {
    let now = 0;
    const memo = new IsolateMemo(() => now);
    let reads = 0;
    const slow = (value: string) => async () => {
      reads++;
      await new Promise((r) => setTimeout(r, 5));
      return { value, bytes: 2 };
    };
    const first = memo.recent("k", WINDOW, slow("older"));
    now = 10;
    const second = memo.recent("k", WINDOW, slow("newer"));
    expect(await Promise.all([first, second])).toEqual(["older", "newer"]);
    expect(reads).toBe(2);
    // The read begun last is the one held, whichever finished last.
    expect(await memo.recent("k", WINDOW, slow("unused"))).toBe("newer");
    expect(reads).toBe(2);
    await expect(memo.recent("bad", WINDOW, () => Promise.reject(new Error("KV down")))).rejects.toThrow("KV down");
    expect(await memo.recent("bad", WINDOW, async () => ({ value: "ok", bytes: 4 }))).toBe("ok");
  });

  it("stays within its byte bounds, evicting the least recently used item first", async () => {
    const memo = new IsolateMemo(() => 0, { recent: 100, items: 100 });
    memo.keepItem("a", "x".repeat(20)); // 42 bytes with its key
    memo.keepItem("b", "x".repeat(20));
    expect(memo.item("a")).toBeDefined(); // a is now the most recently used
    memo.keepItem("c", "x".repeat(20));
    expect(memo.item("b")).toBeUndefined();
    expect(memo.item("a")).toBeDefined();
    expect(memo.item("c")).toBeDefined();
    expect(memo.size().itemBytes).toBeLessThanOrEqual(100);
    for (const key of ["p", "q", "r"]) await memo.recent(key, WINDOW, async () => ({ value: key, bytes: 40 }));
    expect(memo.size()).toMatchObject({ recent: 2, recentBytes: 84 });
  });

  it("takes its window from FEED_MEMO_MS, never longer than the bound", () => {
    expect(memoWindowMs({ FEED_MEMO_MS: "250" })).toBe(250);
    expect(memoWindowMs({ FEED_MEMO_MS: "60000" })).toBe(MAX_FEED_MEMO_MS);
    expect(memoWindowMs({ FEED_MEMO_MS: "0" })).toBe(0);
    expect(memoWindowMs({ FEED_MEMO_MS: "soon" })).toBe(0);
    expect(memoWindowMs({})).toBe(0);
  });
});

describe("feeds through the memo", () => {
  beforeAll(async () => {
    expect((await push(titled(1))).status).toBe(200);
    await publish();
  });
  afterEach(() => vi.useRealTimers());

  it("serves an unfiltered feed, a 304 and a filtered feed from memory within the window, and an update once it has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2026, 11, 2, 2, 0, 0) });
    const first = await memoGet("/feeds/shijie.rss");
    expect(first.body).toContain("記憶 v1");
    expect(first.reads).toEqual([feedKey("shijie", "rss")]);
    const etag = first.res.headers.get("ETag")!;
    const notModified = await memoGet("/feeds/shijie.rss", { "If-None-Match": etag });
    expect(notModified.res.status).toBe(304);
    expect(notModified.reads).toEqual([validatorsKey("shijie")]);
    const filtered = await memoGet("/feeds/shijie.json?limit=5");
    expect(filtered.body).toContain("記憶 v1");

    // Published meanwhile: within the window this isolate still answers from what it read, KV untouched.
    vi.useRealTimers();
    expect((await push(titled(2))).status).toBe(200);
    await publish();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2026, 11, 2, 2, 0, 0) + WINDOW - 1 });
    const held = await memoGet("/feeds/shijie.rss");
    expect(held.reads).toEqual([]);
    expect(held.body).toBe(first.body); // the same bytes again: a body handed to one response is not used up
    const heldNotModified = await memoGet("/feeds/shijie.rss", { "If-None-Match": etag });
    expect(heldNotModified.res.status).toBe(304);
    expect(heldNotModified.reads).toEqual([]);
    const heldFiltered = await memoGet("/feeds/shijie.json?limit=5");
    expect(heldFiltered.reads).toEqual([]);

    // From the window's end on, never the old answer.
    vi.setSystemTime(Date.UTC(2026, 11, 2, 2, 0, 0) + WINDOW);
    const fresh = await memoGet("/feeds/shijie.rss");
    expect(fresh.body).toContain("記憶 v2");
    expect(fresh.body).not.toContain("記憶 v1");
    expect((await memoGet("/feeds/shijie.rss", { "If-None-Match": etag })).res.status).toBe(200);
    const freshFiltered = await memoGet("/feeds/shijie.json?limit=5");
    expect(freshFiltered.body).toContain("記憶 v2");
    expect(freshFiltered.body).not.toContain("記憶 v1");
  });
});
