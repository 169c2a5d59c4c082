// The Simplified Chinese twins: conversion (OpenCC t → cn plus the publication's glossary) checked
// against a golden set of the portal's own sentences, text-only conversion of HTML, and the twin
// feeds, pages and OPML as a reader gets them over HTTP.
import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseJsonFeed, parseOpml, parseRssFeed } from "feedsmith";
import { type DisplayString, parseDictionary } from "structured-headers";
import { beforeAll, describe, expect, it } from "vitest";
import golden from "../fixtures/zh-hans-golden.json";
import { SIMPLIFIED_TEXT } from "../src/config/zh-hans-text";
import { toSimplified } from "../src/feeds/zh-hans/convert";
import { htmlToSimplified } from "../src/feeds/zh-hans/html";
import { article, get, publish, push, SEED } from "./helpers/cms";

const hans = (traditional: string): string => {
  const pair = golden.pairs.find(([t]) => t === traditional);
  if (!pair) throw new Error(`no golden Simplified for ${traditional}`);
  return pair[1]!;
};
const SEED_TITLE = "蘭州:奮力答好強省會“民生答卷”";
const SEED_BODY = "2023年以來,蘭州市聚焦強省會行動目標任務,著力推進蘭州市委“1139”工作部署";
const BODY_PARAGRAPH = golden.pairs.find(([t]) => t.startsWith(SEED_BODY))!;
const twinTag = (id: string) => `tag:gansu.news.example,2024:article:${id}:zh-hans`;
/** Text a mainland reader would find unconverted: whatever the converter would still change. */
const leftInTraditional = (text: string) => toSimplified(text) !== text;

describe("conversion to Simplified", () => {
  it("writes every sentence of the golden set as a mainland editor does", () => {
    expect(golden.pairs.length).toBeGreaterThan(60);
    const wrong = golden.pairs.filter(([t, s]) => toSimplified(t!) !== s).map(([t, s]) => `${t} → ${toSimplified(t!)} (want ${s})`);
    expect(wrong).toEqual([]);
  });

  it("applies the publication's glossary where OpenCC's tables differ from mainland usage, and keeps URLs", () => {
    expect(toSimplified("記者報導")).toBe("记者报道");
    expect(toSimplified("按照程式辦理,解方程式")).toBe("按照程序办理,解方程式");
    expect(toSimplified("隨著發展,著名景區,著力推進")).toBe("随着发展,著名景区,着力推进");
    expect(toSimplified("註明「來源:國際在線」")).toBe("注明“来源:国际在线”");
    expect(toSimplified("詳見 https://gansu.news.example/蘭州/報導 。")).toBe("详见 https://gansu.news.example/蘭州/報導 。");
  });

  it("holds the service's own Simplified words to the converter", () => {
    const drift = Object.entries(SIMPLIFIED_TEXT).filter(([t, s]) => toSimplified(t) !== s);
    expect(drift).toEqual([]);
  });

  it("converts HTML text, alt and title, never markup, URLs, ids or other attributes", () => {
    const html =
      '<p lang="zh-Hant" id="蘭州" class="蘭州">蘭州報導 <a href="https://example.com/蘭州?q=報導" title="蘭州報導" rel="noopener nofollow">蘭州</a>' +
      '<img src="https://example.com/蘭.jpg" alt="蘭州夜景" width="2"></p><figure><figcaption>甘肅 &amp; 蘭州</figcaption></figure>';
    expect(htmlToSimplified(html)).toBe(
      '<p lang="zh-Hans" id="蘭州" class="蘭州">兰州报道 <a href="https://example.com/蘭州?q=報導" title="兰州报道" rel="noopener nofollow">兰州</a>' +
        '<img src="https://example.com/蘭.jpg" alt="兰州夜景" width="2"></p><figure><figcaption>甘肃 &amp; 兰州</figcaption></figure>',
    );
  });
});

describe("the zh-Hans twins over HTTP", () => {
  beforeAll(async () => {
    const sample = (id: string, i: number, extra: Record<string, unknown>) =>
      article({
        id,
        title: `天水:文旅融合(${i})`,
        summary: "天水聚焦文旅融合,精準發力,持續增進民生福祉。",
        body_html: "<p>天水文旅融合:第1段。2024年以來,天水聚焦文旅融合,持續提升群眾獲得感、幸福感、安全感。</p>",
        ...extra,
      });
    const response = await push([
      SEED,
      sample("tw-wenlv", 2, {
        section: "wenlv",
        regions: ["gansu/tianshui"],
        topics: ["tourism"],
        published_at: "2024-03-01T09:00:00+08:00",
        body_html: "<p>天水文旅融合:第1段。</p><p>專題見 https://gansu.news.example/專題/天水文旅</p>",
        images: [
          { url: "https://gansu.news.example/img/tianshui.jpg", caption: "天水文旅融合", width: 1200, height: 800, type: "image/jpeg" },
        ],
      }),
      sample("tw-north", 3, { section: "wenlv", regions: ["qinghai"], published_at: "2024-03-02T09:00:00+08:00" }),
    ]);
    expect(response.status, await response.clone().text()).toBe(200);
    await publish();
  });

  it("serves RSS in zh-Hans: the golden text, the article's own links, its own ids, nothing left in Traditional", async () => {
    const res = await get("/zh-hans/feeds/yaowen.rss");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseRssFeed(xml);
    expect(feed.language).toBe("zh-Hans");
    expect(feed.title).toBe("甘肃国际在线 · 要闻");
    const item = feed.items!.find((i) => i.guid?.value === twinTag(SEED.id))!;
    expect(item.title).toBe(hans(SEED_TITLE));
    expect(item.link).toBe(SEED.url);
    expect(item.description).toBe(hans(SEED.summary));
    expect(item.content?.encoded).toContain(BODY_PARAGRAPH[1]);
    expect(item.dc?.creators).toEqual(["薛砚", "颜晨"]);
    expect(item.dc?.contributors).toEqual(["王奇英", "尹红燕"]);
    expect(item.source).toEqual({ title: "甘肃日报", url: SEED.url });
    expect(item.dc?.rights?.[0]).toBe("版权归原作者及甘肃日报所有 来源:甘肃日报");
    expect(item.categories?.map((c) => c.name)).toEqual(SEED.topics);
    expect(leftInTraditional(xml)).toBe(false);
  });

  it("serves Atom and JSON Feed in zh-Hans with the same golden text, topic labels and rights", async () => {
    const atomXml = await (await get("/zh-hans/feeds/yaowen.atom")).text();
    expect(atomXml).toContain('xml:lang="zh-Hans"');
    const entry = parseAtomFeed(atomXml).entries!.find((e) => e.id === twinTag(SEED.id))!;
    expect(entry.title?.value).toBe(hans(SEED_TITLE));
    expect(entry.content?.value).toContain(BODY_PARAGRAPH[1]);
    expect(entry.categories?.map((c) => c.label)).toEqual(["民生", "治理", "交通", "供暖", "就业", "教育"]);
    expect(entry.source?.title?.value).toBe("甘肃日报");
    expect(entry.rights?.value).toBe("版权归原作者及甘肃日报所有 来源:甘肃日报");
    expect(leftInTraditional(atomXml)).toBe(false);

    const jsonText = await (await get("/zh-hans/feeds/yaowen.json")).text();
    expect(parseJsonFeed(JSON.parse(jsonText)).language).toBe("zh-Hans");
    const item = JSON.parse(jsonText).items.find((i: { id: string }) => i.id === twinTag(SEED.id));
    expect(item.title).toBe(hans(SEED_TITLE));
    expect(item.summary).toBe(hans(SEED.summary));
    expect(item.content_html).toContain(BODY_PARAGRAPH[1]);
    expect(item.language).toBe("zh-Hans");
    expect(item._syndication.source.name).toBe("甘肃日报");
    expect(leftInTraditional(jsonText)).toBe(false);
  });

  it("names each twin from the other with hreflang, in the Link header and in the document", async () => {
    const twin = await get("/zh-hans/feeds/yaowen.atom");
    const base = "http://feeds.test";
    expect(twin.headers.get("Link")).toContain(
      `<${base}/feeds/yaowen.atom>; rel="alternate"; type="application/atom+xml"; hreflang="zh-Hant"`,
    );
    expect(twin.headers.get("Link")).toContain(`<${base}/zh-hans/feeds/yaowen.atom>; rel="self"`);
    expect(await twin.text()).toContain(
      `<link href="${base}/feeds/yaowen.atom" rel="alternate" type="application/atom+xml" hreflang="zh-Hant"/>`,
    );
    const original = await get("/feeds/yaowen.rss");
    expect(original.headers.get("Link")).toContain(
      `<${base}/zh-hans/feeds/yaowen.rss>; rel="alternate"; type="application/rss+xml"; hreflang="zh-Hans"`,
    );
    expect(await original.text()).toContain(
      `href="${base}/zh-hans/feeds/yaowen.rss" rel="alternate" type="application/rss+xml" hreflang="zh-Hans"`,
    );
    const json = await (await get("/zh-hans/feeds/yaowen.json")).json<any>();
    expect(json._alternates).toEqual([{ url: `${base}/feeds/yaowen.json`, type: "application/feed+json", hreflang: "zh-Hant" }]);
  });

  it("keeps the feed headers: validators and 304, caching, the licence with its credit line in Simplified", async () => {
    const res = await get("/zh-hans/feeds/wenlv.rss?region=gansu");
    expect(res.status).toBe(200);
    const etag = res.headers.get("ETag")!;
    expect(etag).toMatch(/^"r\d+/);
    expect(etag).not.toBe((await get("/feeds/wenlv.rss?region=gansu")).headers.get("ETag"));
    expect(res.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    expect(res.headers.get("Link")).toContain('rel="license"');
    const licence = parseDictionary(res.headers.get("Syndication-License")!);
    expect((licence.get("attribution")![0] as DisplayString).toString()).toBe("来源:国际在线");
    expect((await get("/zh-hans/feeds/wenlv.rss?region=gansu", { "If-None-Match": etag })).status).toBe(304);
  });

  it("filters like the Traditional feed: /zh-hans/feeds/wenlv.rss?region=gansu in Simplified, links intact", async () => {
    const xml = await (await get("/zh-hans/feeds/wenlv.rss?region=gansu")).text();
    const feed = parseRssFeed(xml);
    expect(feed.items!.map((i) => i.guid?.value)).toEqual([twinTag("tw-wenlv")]);
    const item = feed.items![0]!;
    expect(item.title).toBe("天水:文旅融合(2)");
    expect(item.link).toBe("https://gansu.news.example/a/tw-wenlv.html");
    // The lead image tops the content, its caption converted; a URL in the text keeps its Chinese as written.
    expect(item.content?.encoded).toMatch(/^<figure><img src="https:\/\/gansu.news.example\/img\/tianshui.jpg" alt="天水文旅融合"/);
    expect(item.content?.encoded).toContain("<p>专题见 https://gansu.news.example/專題/天水文旅</p>");
    expect(xml).toContain('<atom:link href="http://feeds.test/zh-hans/feeds/wenlv.rss?region=gansu" rel="self"');
  });

  it("refuses what the Traditional feeds refuse", async () => {
    expect((await get("/zh-hans/feeds/nope.rss")).status).toBe(404);
    expect((await get("/zh-hans/feeds/wenlv.rss?region=Gansu")).status).toBe(400);
  });

  it("shows a browser the twin feed in Simplified: filtered, linking its Traditional twin", async () => {
    const res = await get("/zh-hans/feeds/wenlv.rss?region=gansu", { Accept: "text/html" });
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toContain('<html lang="zh-Hans">');
    expect(page).toContain("<h1>文旅</h1>");
    expect(page).toContain(">天水:文旅融合(2)</a>");
    expect(page).toContain("已筛选:");
    expect(page).toContain('<a href="http://feeds.test/feeds/wenlv.rss?region=gansu" hreflang="zh-Hant" lang="zh-Hant">繁體訂閱源</a>');
    expect(leftInTraditional(page.replace("繁體中文版:", "").replace("繁體訂閱源", ""))).toBe(false);
  });

  it("serves /zh-hans/ as the directory in Simplified, and each directory links the other", async () => {
    const page = await (await get("/zh-hans/")).text();
    expect(page).toContain('<html lang="zh-Hans">');
    expect(page).toContain("<h3>全部栏目</h3>");
    expect(page).toContain('href="http://feeds.test/zh-hans/feeds/laowai-zai-gansu.atom"');
    expect(page).toContain('<a href="http://feeds.test/" hreflang="zh-Hant">繁體中文</a>');
    expect(page).toContain('href="http://feeds.test/zh-hans/feeds.opml"');
    expect(leftInTraditional(page.replace("繁體中文", ""))).toBe(false);
    const original = await (await get("/")).text();
    expect(original).toContain('<a href="http://feeds.test/zh-hans/" hreflang="zh-Hans">简体中文</a>');
    expect(await (await get("/zh-hans")).text()).toBe(page);
  });

  it("offers OPML per script, with `all` in a file of its own", async () => {
    const opml = parseOpml(await (await get("/zh-hans/feeds.opml")).text());
    const feeds = opml.body!.outlines!.filter((o) => o.type === "rss");
    expect(feeds).toHaveLength(8);
    expect(feeds.every((o) => o.xmlUrl!.startsWith("http://feeds.test/zh-hans/feeds/") && o.xmlUrl!.endsWith(".rss"))).toBe(true);
    expect(feeds[0]!.text).toBe("甘肃国际在线 · 要闻");
    expect(feeds.some((o) => o.xmlUrl!.includes("/all."))).toBe(false);
    const links = opml.body!.outlines!.filter((o) => o.type === "link").map((o) => o.url);
    expect(links).toEqual(["http://feeds.test/zh-hans/feeds-all.opml", "http://feeds.test/feeds.opml"]);
    const all = parseOpml(await (await get("/zh-hans/feeds-all.opml")).text());
    expect(all.body!.outlines!.filter((o) => o.type === "rss").map((o) => [o.text, o.xmlUrl])).toEqual([
      ["甘肃国际在线 · 全部栏目", "http://feeds.test/zh-hans/feeds/all.rss"],
    ]);
  });
});
