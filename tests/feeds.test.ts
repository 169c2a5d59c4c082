import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { type DisplayString, parseDictionary, Token } from "structured-headers";
import { beforeAll, describe, expect, it } from "vitest";
import { article, get, publish, push, request, SEED, withdraw } from "./helpers/cms";

const SEED_TITLE = "蘭州:奮力答好強省會“民生答卷”";
const tagOf = (id: string) => `tag:gansu.news.example,2024:article:${id}`;

const own = (id: string, extra: Record<string, unknown> = {}) =>
  article({ id, section: "wenlv", published_at: "2024-03-01T09:00:00+08:00", ...extra });

beforeAll(async () => {
  await push([
    SEED,
    own("wl-tourism", { regions: ["gansu/dunhuang"], topics: ["tourism"], published_at: "2024-03-03T09:00:00+08:00" }),
    own("wl-culture", { regions: ["gansu/lanzhou"], topics: ["culture", "heritage"], published_at: "2024-03-02T09:00:00+08:00" }),
    own("wl-north", { regions: ["gansu-north"], topics: ["tourism"], published_at: "2024-03-01T09:00:00+08:00" }),
    own("wl-none", { topics: ["economy"], published_at: "2024-02-28T09:00:00+08:00" }),
    own("wl-reprint", {
      source: { name: "甘肅日報", url: "https://gansu.daily.example/2024/1.html", own: false },
      published_at: "2024-02-27T09:00:00+08:00",
      images: [{ url: "https://gansu.news.example/img/1.jpg", caption: "莫高窟", width: 1200, height: 800, type: "image/jpeg" }],
    }),
  ]);
  await publish();
});

describe("GET /feeds/{section}.rss", () => {
  it("serves the seed article as RSS 2.0 a reader can parse, Chinese intact", async () => {
    const res = await get("/feeds/yaowen.rss");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseRssFeed(xml);
    expect(feed.language).toBe("zh-Hant");
    const item = feed.items!.find((i) => i.guid?.value === tagOf(SEED.id))!;
    expect(item.title).toBe(SEED_TITLE);
    expect(item.link).toBe(SEED.url);
    expect(item.description).toBe(SEED.summary);
    expect(item.content?.encoded).toContain("民生,一頭連著城市高品質發展");
    expect(item.dc?.creators).toEqual(["薛硯", "顏晨"]);
    expect(item.authors ?? []).toEqual([]);
    expect(xml).not.toMatch(/<author>/);
    expect(item.source).toEqual({ title: "甘肅日報", url: SEED.url });
    expect(item.dc?.rights?.[0]).toContain("甘肅日報");
    expect(item.categories?.map((c) => c.name)).toEqual(SEED.topics);
    // The CMS sends +08:00; the instant must survive.
    expect(new Date(item.pubDate!).toISOString()).toBe("2024-02-18T02:05:24.000Z");
    expect(new Date(item.atom!.updated as string).toISOString()).toBe("2024-02-18T02:05:24.000Z");
  });

  it("names the source URL of a reprint when the CMS gives one, and the lead image", async () => {
    const xml = await (await get("/feeds/wenlv.rss")).text();
    const item = parseRssFeed(xml).items!.find((i) => i.guid?.value === tagOf("wl-reprint"))!;
    expect(item.source).toEqual({ title: "甘肅日報", url: "https://gansu.daily.example/2024/1.html" });
    expect(item.media?.contents?.[0]).toMatchObject({
      url: "https://gansu.news.example/img/1.jpg",
      medium: "image",
      width: 1200,
      height: 800,
    });
  });

  it("keeps titles free of layout whitespace", async () => {
    const xml = await (await get("/feeds/yaowen.rss")).text();
    expect(xml).toContain(`<title>${SEED_TITLE}</title>`);
  });
});

describe("GET /feeds/{section}.atom", () => {
  it("gives categories a term and label, rights, a licence link and the reprint's source", async () => {
    const res = await get("/feeds/yaowen.atom");
    expect(res.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const entry = parseAtomFeed(xml).entries!.find((e) => e.id === tagOf(SEED.id))!;
    expect(text(entry.title)).toBe(SEED_TITLE);
    expect(entry.categories).toContainEqual(expect.objectContaining({ term: "transport", label: "交通" }));
    expect(entry.links).toContainEqual(expect.objectContaining({ rel: "license", href: "http://feeds.test/licenses/public-reading" }));
    expect(entry.links).toContainEqual(expect.objectContaining({ rel: "alternate", href: SEED.url }));
    expect(text(entry.rights)).toContain("甘肅日報");
    expect(text(entry.source?.title)).toBe("甘肅日報");
    // No source.url: no link that would point at the wrong page, and an id of the source's name (the W3C validator wants one).
    expect(entry.source?.links ?? []).toEqual([]);
    expect(entry.source?.id).toBe(`tag:gansu.news.example,2024:source:${encodeURIComponent("甘肅日報")}`);
    expect(new Date(entry.source!.updated as string).getTime()).toBe(Date.parse(SEED.updated_at));
    expect(entry.authors?.map((a) => a.name)).toEqual(["薛硯", "顏晨"]);
  });

  it("gives a reprint with a source URL its source link and id", async () => {
    const entry = parseAtomFeed(await (await get("/feeds/wenlv.atom")).text()).entries!.find((e) => e.id === tagOf("wl-reprint"))!;
    expect(entry.source?.id).toBe("https://gansu.daily.example/2024/1.html");
    expect(entry.links).toContainEqual(expect.objectContaining({ rel: "enclosure", href: "https://gansu.news.example/img/1.jpg" }));
  });
});

describe("GET /feeds/{section}.json", () => {
  it("is JSON Feed 1.1 with authors, language and the _syndication extension", async () => {
    const res = await get("/feeds/yaowen.json");
    expect(res.headers.get("Content-Type")).toBe("application/feed+json; charset=utf-8");
    const feed = (await res.json()) as any;
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.language).toBe("zh-Hant");
    expect(feed.feed_url).toBe("http://feeds.test/feeds/yaowen.json");
    const item = feed.items.find((i: any) => i.id === tagOf(SEED.id));
    expect(item).toMatchObject({ title: SEED_TITLE, url: SEED.url, authors: [{ name: "薛硯" }, { name: "顏晨" }], language: "zh-Hant" });
    expect(item._syndication).toMatchObject({ syndication: "none", source: { name: "甘肅日報", own: false } });
    expect(item._syndication.license).toBe("http://feeds.test/licenses/public-reading");
    expect(parseJsonFeed(feed).items?.length).toBe(feed.items.length);
  });
});

describe("filters", () => {
  const ids = async (path: string) =>
    ((await (await get(path)).json()) as any).items.map((i: any) => i.id.replace(/^tag:[^:]+:article:/, "")) as string[];

  it("matches a region and everything under it by whole segments", async () => {
    expect(await ids("/feeds/all.json?region=gansu")).toEqual(["wl-culture", "wl-tourism", SEED.id].sort(byNewest));
    expect(await ids("/feeds/all.json?region=gansu/lanzhou")).toEqual(["wl-culture", SEED.id]);
    expect(await ids("/feeds/all.json?region=gansu-north")).toEqual(["wl-north"]);
  });

  it("matches any of several topics, and combines filters with AND", async () => {
    expect(await ids("/feeds/wenlv.json?topic=tourism,culture")).toEqual(["wl-tourism", "wl-culture", "wl-north"]);
    expect(await ids("/feeds/wenlv.json?topic=tourism,culture&region=gansu")).toEqual(["wl-tourism", "wl-culture"]);
    expect(await ids("/feeds/wenlv.json?topic=tourism,culture&limit=1")).toEqual(["wl-tourism"]);
  });

  it("orders newest first and honours limit", async () => {
    expect(await ids("/feeds/wenlv.json")).toEqual(["wl-tourism", "wl-culture", "wl-north", "wl-none", "wl-reprint"]);
    expect(await ids("/feeds/wenlv.json?limit=2")).toEqual(["wl-tourism", "wl-culture"]);
  });

  it("refuses bad values with 400 and unknown sections with 404, as problem+json", async () => {
    for (const bad of [
      "limit=0",
      "limit=101",
      "limit=abc",
      "region=Gansu",
      "region=gansu//x",
      "topic=a,,b",
      "topic=%3Cscript%3E",
      "limit=1&limit=2",
    ]) {
      const res = await get(`/feeds/yaowen.rss?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as any).errors[0].pointer).toMatch(/^#\/query\//);
    }
    for (const path of ["/feeds/sports.rss", "/feeds/yaowen.xml", "/feeds/yaowen", "/feeds/.rss"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
    }
  });
});

describe("HTTP", () => {
  it("answers 304 to If-None-Match (weak too) and If-Modified-Since, and HEAD without a body", async () => {
    for (const path of ["/feeds/yaowen.rss", "/feeds/all.atom?region=gansu"]) {
      const first = await get(path);
      const etag = first.headers.get("ETag")!;
      expect(etag).toMatch(/^"[^"]+"$/);
      expect((await get(path, { "If-None-Match": etag })).status).toBe(304);
      expect((await get(path, { "If-None-Match": `W/${etag}` })).status).toBe(304);
      expect((await get(path, { "If-None-Match": '"other"' })).status).toBe(200);
      const lastModified = first.headers.get("Last-Modified")!;
      expect((await get(path, { "If-Modified-Since": lastModified })).status).toBe(304);
      const head = await request(path, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("ETag")).toBe(etag);
      expect(head.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
      expect(await head.text()).toBe("");
    }
  });

  it("sends a 304 only what updates the reader's stored copy, and the CORS headers a script needs to read it", async () => {
    for (const path of ["/feeds/yaowen.rss", "/feeds/all.atom?region=gansu", "/zh-hans/feeds/yaowen.json"]) {
      const first = await get(path);
      const notModified = await get(path, { "If-None-Match": first.headers.get("ETag")!, Origin: "https://reader.example" });
      expect(notModified.status).toBe(304);
      expect(Object.fromEntries(notModified.headers)).toEqual({
        "access-control-allow-origin": "*",
        "access-control-expose-headers": "ETag,Last-Modified,Link,Syndication-License",
        "cache-control": first.headers.get("Cache-Control"),
        etag: first.headers.get("ETag"),
        vary: "Accept",
      });
    }
  });

  it("gives each format its own ETag and the filters theirs", async () => {
    const tags = await Promise.all(
      ["/feeds/yaowen.rss", "/feeds/yaowen.atom", "/feeds/yaowen.json", "/feeds/yaowen.rss?limit=5"].map(async (p) =>
        (await get(p)).headers.get("ETag"),
      ),
    );
    expect(new Set(tags).size).toBe(4);
  });

  it("answers a browser's CORS preflight from any origin, conditional headers allowed", async () => {
    const res = await request("/feeds/yaowen.json", {
      method: "OPTIONS",
      headers: {
        Origin: "https://reader.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe("GET,HEAD");
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe("if-none-match");
    expect(Number(res.headers.get("Access-Control-Max-Age"))).toBeGreaterThan(0);
  });

  it("sends the security headers on feeds and on refusals alike, and no CORS on admin routes", async () => {
    for (const res of [await get("/feeds/yaowen.rss"), await get("/feeds/nowhere.rss"), await get("/v1/partners/acme")]) {
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    }
    expect((await get("/v1/partners/acme")).headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("states caching, links and the licence in headers a program can parse", async () => {
    const res = await get("/feeds/wenlv.json?topic=culture,tourism");
    expect(res.headers.get("Cache-Control")).toMatch(/max-age=(\d+)/);
    expect(Number(/max-age=(\d+)/.exec(res.headers.get("Cache-Control")!)![1])).toBeLessThanOrEqual(300);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Expose-Headers")?.split(",")).toEqual(["ETag", "Last-Modified", "Link", "Syndication-License"]);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Vary")).toContain("Accept");
    const link = res.headers.get("Link")!;
    expect(link).toContain('<http://feeds.test/feeds/wenlv.json?topic=culture,tourism>; rel="self"');
    expect(link).toContain('<http://feeds.test/feeds/wenlv.rss?topic=culture,tourism>; rel="alternate"');
    expect(link).toContain('<http://feeds.test/feeds/wenlv.atom?topic=culture,tourism>; rel="alternate"');
    expect(link).toContain('<http://feeds.test/licenses/public-reading>; rel="license"');
    const header = res.headers.get("Syndication-License")!;
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    const licence = parseDictionary(header);
    expect(licence.get("scope")![0]).toEqual(new Token("public"));
    expect(licence.get("license")![0]).toBe("public-reading");
    expect(licence.get("url")![0]).toBe("http://feeds.test/licenses/public-reading");
    expect((licence.get("attribution")![0] as DisplayString).toString()).toBe("來源:國際在線");
  });
});

describe("what a feed shows", () => {
  it("keeps an item's id across versions and shows the newest version only", async () => {
    await push(own("versioned", { section: "shijie", title: "第一版" }));
    await publish();
    const before = ((await (await get("/feeds/shijie.json")).json()) as any).items;
    await push(own("versioned", { section: "shijie", title: "第二版", version: 2 }));
    await publish();
    const after = ((await (await get("/feeds/shijie.json")).json()) as any).items;
    expect(before.map((i: any) => [i.id, i.title])).toEqual([[tagOf("versioned"), "第一版"]]);
    expect(after.map((i: any) => [i.id, i.title])).toEqual([[tagOf("versioned"), "第二版"]]);
  });

  it("drops a withdrawn article from every feed", async () => {
    await push(own("gone-soon", { section: "yuanchuang" }));
    await publish();
    for (const path of ["/feeds/yuanchuang.json", "/feeds/yuanchuang.json?limit=5", "/feeds/yuanchuang.json?limit=5"]) {
      expect(((await (await get(path)).json()) as any).items, path).toHaveLength(1);
    }
    await withdraw("gone-soon");
    await publish();
    // The filtered render was cached by ETag: the withdrawal must still show at once.
    for (const path of ["/feeds/yuanchuang.json", "/feeds/yuanchuang.json?limit=5"]) {
      expect(((await (await get(path)).json()) as any).items, path).toHaveLength(0);
    }
    expect(await (await get("/feeds/all.rss")).text()).not.toContain("gone-soon");
  });

  it("hides an embargoed article until its time, then shows it with no push, renewing validators", async () => {
    const until = new Date(Date.now() + 2500);
    await push(own("embargoed", { section: "redian-zhuanti", embargo_until: until.toISOString() }));
    await publish();
    const before = await get("/feeds/redian-zhuanti.rss");
    const etag = before.headers.get("ETag")!;
    expect(await before.text()).not.toContain("embargoed");
    expect(await (await get("/feeds/all.json?limit=100")).text()).not.toContain("embargoed");
    await new Promise((r) => setTimeout(r, until.getTime() - Date.now() + 100));
    const after = await get("/feeds/redian-zhuanti.rss", { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain(tagOf("embargoed"));
    expect(Date.parse(after.headers.get("Last-Modified")!)).toBeGreaterThanOrEqual(Math.floor(until.getTime() / 1000) * 1000);
  });
});

/** feedsmith gives Atom text constructs as { value, type }. */
function text(construct: unknown): string | undefined {
  return typeof construct === "object" && construct !== null ? (construct as { value?: string }).value : (construct as string | undefined);
}

function byNewest(a: string, b: string) {
  const order = ["wl-tourism", "wl-culture", "wl-north", "wl-none", "wl-reprint", SEED.id];
  return order.indexOf(a) - order.indexOf(b);
}
