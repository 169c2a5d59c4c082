// What one change costs in KV, and what a feed request reads. An article version's items are written
// once, under keys of their own, and never again because another article changed; a section publish
// writes only its index, validators and pre-rendered bodies; a filtered feed reads the items it shows;
// a conditional request reads the section's validators only.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SCRIPTS } from "../src/config/publication";
import { partnerItemsTag } from "../src/feeds/partner-items";
import { app } from "../src/index";
import { changeHeadKey, changePageKey, feedKey, indexKey, itemKey, validatorsKey } from "../src/storage/kv-keys";
import { article, get, newsroomKv, publish, push } from "./helpers/cms";
import { RecordingKv } from "./helpers/recording-kv";
import { TEST_SECRETS } from "./helpers/secrets";

async function recordNewsroomWrites(): Promise<RecordingKv> {
  const kv = new RecordingKv(env.FEEDS);
  await newsroomKv(kv);
  return kv;
}

const restoreNewsroomKv = () => newsroomKv(env.FEEDS);

/** The renderer tag the Newsroom published items under (the index names it). */
async function itemsTag(section: string): Promise<string> {
  return ((await env.FEEDS.get(indexKey(section), "json")) as { items: string }).items;
}

const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;
/** A request through the Worker with its FEEDS binding recorded. */
async function readThrough(path: string, headers: Record<string, string> = {}) {
  const kv = new RecordingKv(env.FEEDS);
  const res = await app.request(`http://feeds.test${path}`, { headers }, { ...env, FEEDS: kv as unknown as KVNamespace }, ctx);
  return { res, reads: kv.reads };
}

/** An article version's item keys in every format and script, and its partner item in every format (own content: full). */
const everyItem = (tag: string, id: string, version: number) => [
  ...SCRIPTS.flatMap((script) => ["atom", "json", "rss"].map((f) => itemKey(tag, id, version, f, script))),
  ...["atom", "json", "rss"].map((f) => itemKey(partnerItemsTag(tag), id, version, f)),
];

beforeAll(async () => {
  // 30 articles in yaowen, an hour apart: the newest first in its feeds.
  for (let n = 1; n <= 30; n++) {
    const at = new Date(Date.UTC(2024, 1, 18, 0, 0, 0) + n * 3_600_000).toISOString();
    const topics = n % 3 === 0 ? ["transport"] : ["culture"];
    expect((await push(article({ id: `cost-${n}`, published_at: at, topics }))).status).toBe(200);
  }
  await publish();
}, 60_000);

describe("one article's update", () => {
  it("writes that version's items once, deletes the version it replaced, and rewrites no other article's items", async () => {
    const kv = await recordNewsroomWrites();
    try {
      const before = await itemsTag("yaowen");
      const at = new Date(Date.UTC(2024, 1, 18, 0, 0, 0) + 7 * 3_600_000).toISOString();
      expect(
        (await push(article({ id: "cost-7", version: 2, published_at: at, topics: ["culture"], title: "標題 cost-7 更正" }))).status,
      ).toBe(200);
      await publish();

      const items = kv.puts.filter((p) => p.key.startsWith("item:")).map((p) => p.key);
      expect(items.sort()).toEqual(everyItem(before, "cost-7", 2).sort());
      expect(kv.deletes.sort()).toEqual(everyItem(before, "cost-7", 1).sort());
      // Besides the article and its items: each of its two sections' index, validators and three bodies per script, once.
      // (The archive month the corrected article sits in is rebuilt too: that is the archives' own cost.)
      // The partner change log grows by one entry: its item once, and the page and head that list it.
      const changes = kv.puts.filter((p) => p.key.startsWith("changes:")).map((p) => p.key);
      expect(changes.filter((k) => k.includes(":item:"))).toHaveLength(1);
      expect(changes.filter((k) => !k.includes(":item:")).sort()).toEqual([changeHeadKey(), changePageKey(0)].sort());
      const others = kv.puts
        .filter((p) => !p.key.startsWith("item:") && !p.key.startsWith("archive:") && !p.key.startsWith("changes:"))
        .map((p) => p.key);
      expect(others.sort()).toEqual(
        [
          "article:cost-7",
          ...["yaowen", "all"].flatMap((s) => [
            indexKey(s),
            validatorsKey(s),
            ...SCRIPTS.flatMap((script) => ["rss", "atom", "json"].map((f) => feedKey(s, f, script))),
          ]),
        ].sort(),
      );
      // Bounded by the feeds' default limit, not by the section's size: a few hundred KB per script at most here.
      const bytes = kv.puts.filter((p) => !p.key.startsWith("archive:")).reduce((n, p) => n + p.bytes, 0);
      expect(bytes).toBeLessThan(600_000);

      const feed = (await (await get("/feeds/yaowen.json?topic=culture&limit=100")).json()) as { items: { title: string }[] };
      expect(feed.items.map((i) => i.title)).toContain("標題 cost-7 更正");
    } finally {
      await restoreNewsroomKv();
    }
  });

  it("deletes a withdrawn article's items", async () => {
    const kv = await recordNewsroomWrites();
    try {
      const tag = await itemsTag("yaowen");
      const { withdraw } = await import("./helpers/cms");
      expect((await withdraw("cost-8")).status).toBe(200);
      await publish();
      expect(kv.deletes).toEqual(expect.arrayContaining([...everyItem(tag, "cost-8", 1), "article:cost-8"]));
      expect(kv.puts.some((p) => p.key.startsWith("item:"))).toBe(false);
    } finally {
      await restoreNewsroomKv();
    }
  });
});

describe("what a feed request reads", () => {
  it("a filtered feed reads the index and the items it shows, nothing of the section's other articles", async () => {
    const { res, reads } = await readThrough("/feeds/yaowen.rss?topic=transport&limit=3");
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body.match(/<item>/g)).toHaveLength(3);
    const tag = await itemsTag("yaowen");
    expect(reads).toEqual([indexKey("yaowen"), ...[30, 27, 24].map((n) => itemKey(tag, `cost-${n}`, 1, "rss"))]);
  });

  it("a partner pull reads the key's digest, the index and the partner items it shows: no article, nothing rendered", async () => {
    const admin = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };
    const licence = {
      id: "cost-licence",
      url: "https://partners.example/licences/cost",
      attribution: "來源:國際在線",
      expires_at: "2099-01-01T00:00:00Z",
    };
    const created = await app.request(
      "http://feeds.test/v1/partners/cost",
      {
        method: "PUT",
        headers: admin,
        body: JSON.stringify({ name: "Cost", sections: ["yaowen"], license: licence }),
      },
      env,
      ctx,
    );
    expect(created.status).toBe(201);
    const keyed = await app.request("http://feeds.test/v1/partners/cost/keys", { method: "POST", headers: admin }, env, ctx);
    const { key } = (await keyed.json()) as { key: string };
    const { res, reads } = await readThrough("/partner/feeds/yaowen.atom?topic=transport&limit=3", { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body.match(/<entry>/g)).toHaveLength(3);
    expect(body).toContain('href="https://partners.example/licences/cost"');
    expect(body).not.toContain("\u0001");
    const tag = await itemsTag("yaowen");
    expect(reads.filter((k) => !k.startsWith("partner-key:"))).toEqual([
      indexKey("yaowen"),
      ...[30, 27, 24].map((n) => itemKey(partnerItemsTag(tag), `cost-${n}`, 1, "atom")),
    ]);
  });

  it("a filtered Simplified twin reads the index and its own Simplified items, converting nothing per request", async () => {
    const { res, reads } = await readThrough("/zh-hans/feeds/yaowen.rss?topic=transport&limit=3");
    expect(res.status).toBe(200);
    expect((await res.text()).match(/<item>/g)).toHaveLength(3);
    const tag = await itemsTag("yaowen");
    expect(reads).toEqual([indexKey("yaowen"), ...[30, 27, 24].map((n) => itemKey(tag, `cost-${n}`, 1, "rss", "zh-Hans"))]);
  });

  it("a filtered render goes into the Cache API on its second ask, so a one-off query writes no cache entry", async () => {
    const waiting: Promise<unknown>[] = [];
    const capturing = { waitUntil: (p: Promise<unknown>) => waiting.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
    const ask = async () => {
      const kv = new RecordingKv(env.FEEDS);
      const env2 = { ...env, FEEDS: kv as unknown as KVNamespace };
      const res = await app.request("http://feeds.test/feeds/yaowen.atom?topic=transport&limit=2", {}, env2, capturing);
      expect(res.status).toBe(200);
      await res.text();
      await Promise.all(waiting.splice(0));
      return kv.reads.length;
    };
    expect(await ask()).toBe(3); // the index and two items, rendered and not kept
    expect(await ask()).toBe(3); // not in the cache: rendered again, and now kept
    expect(await ask()).toBe(1); // the index only (for the ETag): the render comes from the Cache API
  });

  it("an item whose key has not reached KV yet is rendered from its article", async () => {
    const tag = await itemsTag("yaowen");
    await env.FEEDS.delete(itemKey(tag, "cost-27", 1, "json"));
    const res = await get("/feeds/yaowen.json?topic=transport&limit=3");
    const feed = (await res.json()) as { items: { title: string }[] };
    expect(feed.items.map((i) => i.title)).toEqual(["標題 cost-30", "標題 cost-27", "標題 cost-24"]);
  });

  it("a conditional request for a current feed, filtered or not, reads the section's validators only", async () => {
    for (const path of ["/feeds/yaowen.rss", "/feeds/yaowen.atom?topic=transport"]) {
      const etag = (await get(path)).headers.get("ETag")!;
      const { res, reads } = await readThrough(path, { "If-None-Match": etag });
      expect(res.status).toBe(304);
      expect(reads).toEqual([validatorsKey("yaowen")]);
    }
  });

  it("a conditional request for a copy that is no longer current gets the new feed", async () => {
    const old = (await get("/feeds/yaowen.rss")).headers.get("ETag")!;
    const at = new Date(Date.UTC(2024, 1, 19, 12, 0, 0)).toISOString();
    expect((await push(article({ id: "cost-new", published_at: at, title: "標題 cost-new" }))).status).toBe(200);
    await publish();
    const res = await get("/feeds/yaowen.rss", { "If-None-Match": old });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("標題 cost-new");
  });
});
