// An article's feed items are in KV only while a section index can list it (its section's newest 200): an article
// loaded with an old date publishes its article and no items, gets them when it re-enters the window, and loses
// them when it leaves, while every feed that lists it shows it the same.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SCRIPTS } from "../src/config/publication";
import { partnerItemsTag } from "../src/feeds/partner-items";
import { SNAPSHOT_WINDOW } from "../src/feeds/snapshot";
import { app } from "../src/index";
import { articleKey, indexKey, itemKey } from "../src/storage/kv-keys";
import { article, get, publish, push, withdraw } from "./helpers/cms";
import { RecordingKv } from "./helpers/recording-kv";

const HOUR = 3_600_000;
const START = Date.UTC(2024, 1, 1, 0, 0, 0);
/** win-1 is the oldest, and the only article about tourism; win-201 the newest. */
const at = (n: number) => new Date(START + n * HOUR).toISOString();
const nth = (n: number, overrides: Record<string, unknown> = {}) =>
  article({ id: `win-${n}`, published_at: at(n), topics: n === 1 ? ["tourism"] : ["culture"], ...overrides });

async function itemsTag(): Promise<string> {
  return ((await env.FEEDS.get(indexKey("yaowen"), "json")) as { items: string }).items;
}

/** Which of the article version's nine item keys (three formats × two scripts, and the partner items) KV holds. */
async function itemsInKv(id: string, version: number): Promise<string[]> {
  const tag = await itemsTag();
  const keys = [
    ...SCRIPTS.flatMap((script) => ["atom", "json", "rss"].map((f) => itemKey(tag, id, version, f, script))),
    ...["atom", "json", "rss"].map((f) => itemKey(partnerItemsTag(tag), id, version, f)),
  ];
  const held = await Promise.all(keys.map(async (key) => ((await env.FEEDS.get(key)) === null ? [] : [key])));
  return held.flat();
}

const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;
/** The tourism feed (win-1 alone), through the Worker with its KV reads recorded. */
async function tourismFeed() {
  const kv = new RecordingKv(env.FEEDS);
  const res = await app.request(
    "http://feeds.test/feeds/yaowen.json?topic=tourism",
    {},
    { ...env, FEEDS: kv as unknown as KVNamespace },
    ctx,
  );
  expect(res.status).toBe(200);
  const feed = (await res.json()) as { items: { title: string }[] };
  return { titles: feed.items.map((i) => i.title), reads: kv.reads };
}

beforeAll(async () => {
  expect(SNAPSHOT_WINDOW).toBe(200);
  // 201 articles in one section, loaded oldest first in 100-article batches as a bulk load is: win-1 is outside the window.
  for (let from = 1; from <= 201; from += 100) {
    const batch = Array.from({ length: Math.min(100, 202 - from) }, (_, i) => nth(from + i));
    expect((await push(batch)).status).toBe(200);
  }
  await publish();
}, 60_000);

describe("items follow the windows", () => {
  it("an article no index can list publishes itself and no items; the newest 200 have theirs", async () => {
    expect(((await env.FEEDS.get(articleKey("win-1"), "json")) as { id: string }).id).toBe("win-1");
    expect(await itemsInKv("win-1", 1)).toEqual([]);
    expect(await itemsInKv("win-2", 1)).toHaveLength(9);
    expect(await itemsInKv("win-201", 1)).toHaveLength(9);
    // Outside the window, no feed lists it.
    expect((await tourismFeed()).titles).toEqual([]);
  });

  it("a correction outside the window publishes the new version and no items", async () => {
    expect((await push(nth(1, { version: 2, title: "標題 win-1 更正" }))).status).toBe(200);
    await publish();
    expect(((await env.FEEDS.get(articleKey("win-1"), "json")) as { version: number }).version).toBe(2);
    expect([...(await itemsInKv("win-1", 1)), ...(await itemsInKv("win-1", 2))]).toEqual([]);
  });

  it("an article that re-enters the window (a newer one withdrawn) gets its items, and its feeds read them", async () => {
    expect((await withdraw("win-201")).status).toBe(200);
    await publish();
    expect(await itemsInKv("win-1", 2)).toHaveLength(9);
    const { titles, reads } = await tourismFeed();
    expect(titles).toEqual(["標題 win-1 更正"]);
    expect(reads).toEqual([indexKey("yaowen"), itemKey(await itemsTag(), "win-1", 2, "json")]);
    // The twin and partner items came with them: the Simplified feed shows it too.
    const hans = (await (await get("/zh-hans/feeds/yaowen.json?topic=tourism")).json()) as { items: { title: string }[] };
    expect(hans.items.map((i) => i.title)).toEqual(["标题 win-1 更正"]);
  });

  it("an article pushed out of the window by a newer one loses its items, and no feed lists it", async () => {
    expect((await push(nth(202))).status).toBe(200);
    await publish();
    expect(await itemsInKv("win-1", 2)).toEqual([]);
    expect(await env.FEEDS.get(articleKey("win-1"))).not.toBeNull();
    expect((await tourismFeed()).titles).toEqual([]);
    expect(await itemsInKv("win-202", 1)).toHaveLength(9);
  });
});
