// The change feed's reads with the isolate memo on (as deployed): an item found once is held, since it never
// changes under its key; an item not found yet is not, since it may land any moment and must then be served.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadChangeItems, loadChangePage } from "../src/partners/change-read";
import { changeItemKey, changePageKey } from "../src/storage/kv-keys";

const item = (n: number) => JSON.stringify({ "2.2": `{"uri":"tag:x,2024:article:${n}"}`, "3.1": `{"uri":"tag:x,2024:article:${n}"}` });

describe("change feed reads through the isolate memo", () => {
  it("holds an item once found, and never a miss", async () => {
    await env.FEEDS.put(changeItemKey(900_001), item(1));
    const first = await loadChangeItems(env.FEEDS, [900_001, 900_002], 500);
    expect([...first.keys()]).toEqual([900_001]);
    // The held item is served even if this KV location no longer has it; the missing one is read again and found.
    await env.FEEDS.delete(changeItemKey(900_001));
    await env.FEEDS.put(changeItemKey(900_002), item(2));
    const second = await loadChangeItems(env.FEEDS, [900_001, 900_002], 500);
    expect(second.get(900_001)!["2.2"]).toContain("article:1");
    expect(second.get(900_002)!["2.2"]).toContain("article:2");
  });

  it("a page is held only within the window: a longer page shows once it has passed", async () => {
    const entry = (seq: number) => ({ seq, at: 0, id: `a${seq}`, version: 1, before: null, after: null });
    await env.FEEDS.put(changePageKey(9000), JSON.stringify({ page: 9000, entries: [entry(450_000)] }));
    expect((await loadChangePage(env.FEEDS, 9000, 200))!.entries).toHaveLength(1);
    await env.FEEDS.put(changePageKey(9000), JSON.stringify({ page: 9000, entries: [entry(450_000), entry(450_001)] }));
    expect((await loadChangePage(env.FEEDS, 9000, 200))!.entries).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await loadChangePage(env.FEEDS, 9000, 200))!.entries).toHaveLength(2);
  });
});
