// Archives (RFC 5005) through HTTP, as a late subscriber, a feed reader revalidating and a person
// browsing see them. The chain's exactness under random changes is tests/archives-property.test.ts.

import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeAll, describe, expect, it } from "vitest";
import { toSimplified } from "../src/feeds/zh-hans/convert";
import { walkChain } from "./helpers/archive-walk";
import { article, get, publish, push, request, withdraw } from "./helpers/cms";

const shijie = (id: string, published_at: string, extra: Record<string, unknown> = {}) =>
  article({ id, section: "shijie", published_at, ...extra });

/** 20 February articles fill the current feed; January and the one before hold the rest. */
const FEBRUARY = Array.from({ length: 20 }, (_, i) => shijie(`feb-${i}`, `2024-02-${String(2 + i).padStart(2, "0")}T09:00:00+08:00`));
const JANUARY = [
  shijie("jan-late", "2024-01-31T23:59:00+08:00"), // 15:59Z on the 31st: January either way
  shijie("jan-mid", "2024-01-15T12:00:00+08:00"),
  shijie("dec-edge", "2024-01-01T07:59:00+08:00"), // January in Beijing, 31 December in UTC
];
const DECEMBER = [shijie("dec-last", "2023-12-31T23:59:59+08:00")];

beforeAll(async () => {
  expect((await push([...FEBRUARY, ...JANUARY, ...DECEMBER])).status).toBe(200);
  await publish();
});

const ids = (documents: { ids: string[] }[]) => documents.map((d) => d.ids);

describe("the chain from the current feed", () => {
  it("links the unfiltered feed to its newest archive in every format, and a filtered one to none", async () => {
    const atom = await (await get("/feeds/shijie.atom")).text();
    expect(atom).toContain('href="http://feeds.test/feeds/shijie/archive/2024-01.atom" rel="prev-archive"');
    const rss = await (await get("/feeds/shijie.rss")).text();
    expect(rss).toMatch(/<atom:link href="http:\/\/feeds.test\/feeds\/shijie\/archive\/2024-01.rss" rel="prev-archive"\/>/);
    const json = (await (await get("/feeds/shijie.json")).json()) as { next_url?: string };
    expect(json.next_url).toBe("http://feeds.test/feeds/shijie/archive/2024-01.json");
    for (const filtered of ["/feeds/shijie.atom?limit=5", "/feeds/shijie.atom?topic=transport"]) {
      expect(await (await get(filtered)).text()).not.toContain("prev-archive");
    }
    // No fh:archive in the subscription document.
    expect(atom).not.toContain("fh:archive");
  });

  it("walks month by month in Beijing time, newest first, each article once", async () => {
    for (const format of ["rss", "atom", "json"] as const) {
      const documents = await walkChain(get, format, `/feeds/shijie.${format}`);
      expect(documents.map((d) => d.url)).toEqual([
        `/feeds/shijie.${format}`,
        `http://feeds.test/feeds/shijie/archive/2024-01.${format}`,
        `http://feeds.test/feeds/shijie/archive/2023-12.${format}`,
      ]);
      expect(ids(documents)).toEqual([FEBRUARY.map((a) => a.id).reverse(), ["jan-late", "jan-mid", "dec-edge"], ["dec-last"]]);
    }
  });

  it("marks archives as archives, links current, self and neighbours, and parses in every reader library", async () => {
    const atom = await (await get("/feeds/shijie/archive/2024-01.atom")).text();
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(atom).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"');
    expect(atom).toMatch(/<fh:archive\/>/);
    const feed = parseAtomFeed(atom);
    const rels = Object.fromEntries((feed.links ?? []).map((l) => [l.rel, l.href]));
    expect(rels).toMatchObject({
      self: "http://feeds.test/feeds/shijie/archive/2024-01.atom",
      current: "http://feeds.test/feeds/shijie.atom",
      "prev-archive": "http://feeds.test/feeds/shijie/archive/2023-12.atom",
    });
    expect(rels["next-archive"]).toBeUndefined();
    expect(feed.title).toMatchObject({ value: expect.stringContaining("2024年1月存檔") });

    const rss = await (await get("/feeds/shijie/archive/2023-12.rss")).text();
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(rss).toMatch(/<channel>\s*<fh:archive\/>/);
    expect(rss).toContain('<atom:link href="http://feeds.test/feeds/shijie/archive/2024-01.rss" rel="next-archive"/>');
    expect(parseRssFeed(rss).items?.map((i) => i.guid?.value)).toEqual(["tag:gansu.news.example,2024:article:dec-last"]);

    const json = await (await get("/feeds/shijie/archive/2024-01.json")).json();
    expect(parseJsonFeed(json).items).toHaveLength(3);
    expect(json).toMatchObject({
      feed_url: "http://feeds.test/feeds/shijie/archive/2024-01.json",
      next_url: "http://feeds.test/feeds/shijie/archive/2023-12.json",
      home_page_url: "http://feeds.test/feeds/shijie/archive/",
    });
  });

  it("builds `all` the same way, across sections", async () => {
    await push(article({ id: "wenlv-jan", section: "wenlv", published_at: "2024-01-20T10:00:00+08:00" }));
    await publish();
    const documents = await walkChain(get, "atom", "/feeds/all.atom");
    expect(ids(documents)).toEqual([FEBRUARY.map((a) => a.id).reverse(), ["jan-late", "wenlv-jan", "jan-mid", "dec-edge"], ["dec-last"]]);
  });
});

describe("the Simplified twins' archives", () => {
  const T = "http://feeds.test";
  /** Text a mainland reader would find unconverted: whatever the converter would still change. */
  const leftInTraditional = (text: string) => toSimplified(text) !== text;

  it("chain from the zh-Hans current feed through zh-Hans archives only, holding the same articles", async () => {
    const json = (await (await get("/zh-hans/feeds/shijie.json")).json()) as { next_url?: string };
    expect(json.next_url).toBe(`${T}/zh-hans/feeds/shijie/archive/2024-01.json`);
    expect(await (await get("/zh-hans/feeds/shijie.atom?limit=5")).text()).not.toContain("prev-archive");
    for (const format of ["rss", "atom", "json"] as const) {
      const documents = await walkChain(get, format, `/zh-hans/feeds/shijie.${format}`);
      expect(documents.map((d) => d.url)).toEqual([
        `/zh-hans/feeds/shijie.${format}`,
        `${T}/zh-hans/feeds/shijie/archive/2024-01.${format}`,
        `${T}/zh-hans/feeds/shijie/archive/2023-12.${format}`,
      ]);
      expect(ids(documents)).toEqual([FEBRUARY.map((a) => a.id).reverse(), ["jan-late", "jan-mid", "dec-edge"], ["dec-last"]]);
      for (const doc of documents.slice(1)) {
        expect(doc.body, doc.url).toContain(":zh-hans");
        if (format !== "json") expect(doc.links.current, doc.url).toBe(`${T}/zh-hans/feeds/shijie.${format}`);
      }
    }
  });

  it("are archives in Simplified, each naming its Traditional twin and back, in every format", async () => {
    const atom = await (await get("/zh-hans/feeds/shijie/archive/2024-01.atom")).text();
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(atom).toMatch(/<fh:archive\/>/);
    expect(atom).toContain('xml:lang="zh-Hans"');
    const feed = parseAtomFeed(atom);
    expect(feed.id).toBe(`${T}/zh-hans/feeds/shijie`);
    expect(feed.title).toMatchObject({ value: expect.stringContaining("视界 · 2024年1月存档") });
    expect(atom).toMatch(/<title[^>]*>标题 jan-mid<\/title>/);
    const rels = (feed.links ?? []).map((l) => [l.rel, l.href, l.hreflang ?? ""]);
    expect(rels).toContainEqual(["self", `${T}/zh-hans/feeds/shijie/archive/2024-01.atom`, ""]);
    expect(rels).toContainEqual(["current", `${T}/zh-hans/feeds/shijie.atom`, ""]);
    expect(rels).toContainEqual(["prev-archive", `${T}/zh-hans/feeds/shijie/archive/2023-12.atom`, ""]);
    expect(rels).toContainEqual(["alternate", `${T}/feeds/shijie/archive/2024-01.atom`, "zh-Hant"]);
    expect(leftInTraditional(atom)).toBe(false);

    const traditional = await (await get("/feeds/shijie/archive/2024-01.atom")).text();
    expect(traditional).toMatch(
      /<link[^>]*href="http:\/\/feeds.test\/zh-hans\/feeds\/shijie\/archive\/2024-01.atom"[^>]*hreflang="zh-Hans"/,
    );

    const rss = await (await get("/zh-hans/feeds/shijie/archive/2023-12.rss")).text();
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(rss).toMatch(/<channel>\s*<fh:archive\/>/);
    expect(rss).toContain("<language>zh-Hans</language>");
    expect(rss).toContain(`<atom:link href="${T}/zh-hans/feeds/shijie/archive/2024-01.rss" rel="next-archive"/>`);
    expect(rss).toMatch(
      /<atom:link href="http:\/\/feeds.test\/feeds\/shijie\/archive\/2023-12.rss" rel="alternate"[^>]*hreflang="zh-Hant"/,
    );
    expect(parseRssFeed(rss).items?.map((i) => i.guid?.value)).toEqual(["tag:gansu.news.example,2024:article:dec-last:zh-hans"]);
    expect(leftInTraditional(rss)).toBe(false);

    const jsonText = await (await get("/zh-hans/feeds/shijie/archive/2024-01.json")).text();
    const json = JSON.parse(jsonText);
    expect(parseJsonFeed(json).items).toHaveLength(3);
    expect(json).toMatchObject({
      language: "zh-Hans",
      feed_url: `${T}/zh-hans/feeds/shijie/archive/2024-01.json`,
      next_url: `${T}/zh-hans/feeds/shijie/archive/2023-12.json`,
      home_page_url: `${T}/zh-hans/feeds/shijie/archive/`,
      _alternates: [{ url: `${T}/feeds/shijie/archive/2024-01.json`, hreflang: "zh-Hant" }],
    });
    expect(leftInTraditional(jsonText)).toBe(false);
  });

  it("answer HTTP like the Traditional archives: their own strong ETag, 304, Link with hreflang both ways", async () => {
    const path = "/zh-hans/feeds/shijie/archive/2023-12.atom";
    const res = await get(path);
    expect(res.status).toBe(200);
    const etag = res.headers.get("ETag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(etag).not.toBe((await get("/feeds/shijie/archive/2023-12.atom")).headers.get("ETag"));
    expect((await get(path, { "If-None-Match": etag })).status).toBe(304);
    expect((await get(path, { "If-Modified-Since": res.headers.get("Last-Modified")! })).status).toBe(304);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    const link = res.headers.get("Link")!;
    expect(link).toContain(`<${T}/zh-hans/feeds/shijie.atom>; rel="current"`);
    expect(link).toContain(`<${T}/zh-hans/feeds/shijie/archive/2024-01.atom>; rel="next-archive"`);
    expect(link).toContain(`<${T}/feeds/shijie/archive/2023-12.atom>; rel="alternate"; type="application/atom+xml"; hreflang="zh-Hant"`);
    // The credit line in Simplified, as an RFC 9651 Display String (percent-encoded UTF-8).
    expect(res.headers.get("Syndication-License")).toContain(`attribution=%"${encodeURIComponent("来源").toLowerCase()}`);
    expect((await get("/feeds/shijie/archive/2023-12.atom")).headers.get("Link")).toContain(
      `<${T}/zh-hans/feeds/shijie/archive/2023-12.atom>; rel="alternate"; type="application/atom+xml"; hreflang="zh-Hans"`,
    );
  });

  it("refuse what the Traditional archives refuse", async () => {
    for (const [path, status] of [
      ["/zh-hans/feeds/shijie/archive/2024-13.atom", 400],
      ["/zh-hans/feeds/shijie/archive/2099-01.rss", 400],
      ["/zh-hans/feeds/sports/archive/2024-01.atom", 404],
      ["/zh-hans/feeds/sports/archive/", 404],
      ["/zh-hans/feeds/shijie/archive/2024-01.xml", 404],
      ["/zh-hans/feeds/shijie/archive/2024-01-2.atom", 404],
      ["/zh-hans/feeds/shijie/archive/2023-06.atom", 404],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("Content-Type"), path).toMatch(/^application\/problem\+json/);
    }
  });

  it("have pages in Simplified: the month list, linked from the zh-Hans directory, and each document", async () => {
    const index = await (await get("/zh-hans/feeds/shijie/archive/")).text();
    expect(index).toContain('<html lang="zh-Hans"');
    expect(index).toContain("视界 · 存档");
    expect(index).toContain(`href="${T}/zh-hans/feeds/shijie/archive/2024-01.atom"`);
    expect(index).toContain(`hreflang="zh-Hant" type="text/html" href="${T}/feeds/shijie/archive/"`);
    expect(leftInTraditional(index.replace("繁體中文", ""))).toBe(false);
    expect(await (await get("/zh-hans/")).text()).toContain(`href="${T}/zh-hans/feeds/shijie/archive/"`);
    const page = await (await get("/zh-hans/feeds/shijie/archive/2024-01.rss", { Accept: "text/html" })).text();
    expect(page).toContain("标题 jan-mid");
    expect(page).toContain(`href="${T}/zh-hans/feeds/shijie.rss"`);
    expect(leftInTraditional(page.replace("繁體中文", ""))).toBe(false);
  });
});

describe("HTTP", () => {
  it("answers with a strong validator, 304 (weak comparison too), HEAD, caching and the Link header", async () => {
    const path = "/feeds/shijie/archive/2023-12.atom";
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    const etag = res.headers.get("ETag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await get(path, { "If-None-Match": etag })).status).toBe(304);
    expect((await get(path, { "If-None-Match": `W/${etag}` })).status).toBe(304);
    expect((await get(path, { "If-Modified-Since": res.headers.get("Last-Modified")! })).status).toBe(304);
    const head = await request(path, { method: "HEAD" });
    expect(head.headers.get("ETag")).toBe(etag);
    expect(await head.text()).toBe("");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect((await get("/feeds/shijie/archive/2024-01.atom")).headers.get("Cache-Control")).toBe("public, max-age=60");
    const link = res.headers.get("Link")!;
    expect(link).toContain('<http://feeds.test/feeds/shijie.atom>; rel="current"');
    expect(link).toContain('<http://feeds.test/feeds/shijie/archive/2024-01.atom>; rel="next-archive"');
    expect(link).toContain('<http://feeds.test/feeds/shijie/archive/2023-12.json>; rel="alternate"');
    expect(res.headers.get("Syndication-License")).toContain("scope=public");
    expect(res.headers.get("Vary")).toContain("Accept");
  });

  it("leaves a closed month's bytes and validators alone when newer articles arrive, and changes them for a correction", async () => {
    const path = "/feeds/shijie/archive/2023-12.json";
    const before = await get(path);
    const etag = before.headers.get("ETag")!;
    const body = await before.text();
    await push(shijie("mar-1", "2024-03-01T10:00:00+08:00"));
    await publish();
    // feb-0 left the current feed for January; December is untouched.
    expect((await get(path, { "If-None-Match": etag })).status).toBe(304);
    expect(await (await get(path)).text()).toBe(body);
    expect((await get("/feeds/shijie/archive/2024-01.json")).headers.get("ETag")).not.toBe(etag);

    await push(shijie("dec-last", "2023-12-31T23:59:59+08:00", { version: 2, title: "更正後的標題" }));
    await publish();
    const corrected = await get(path, { "If-None-Match": etag });
    expect(corrected.status).toBe(200);
    expect(((await corrected.json()) as any).items[0].title).toBe("更正後的標題");
  });

  it("takes a withdrawn article out of its archive, and a month left empty is gone", async () => {
    await withdraw("dec-last");
    await publish();
    const res = await get("/feeds/shijie/archive/2023-12.atom");
    expect(res.status).toBe(404);
    const documents = await walkChain(get, "atom", "/feeds/shijie.atom");
    expect(documents.flatMap((d) => d.ids)).not.toContain("dec-last");
    expect(documents.at(-1)!.links["prev-archive"]).toBeUndefined();
  });
});

describe("bad input", () => {
  const problem = async (path: string, status: number) => {
    const res = await get(path);
    expect(res.status, path).toBe(status);
    expect(res.headers.get("Content-Type"), path).toMatch(/^application\/problem\+json/);
    return (await res.json()) as { detail: string; errors?: { pointer: string }[] };
  };

  it("refuses a malformed or future month and part 0 or 1 with 400 naming the month", async () => {
    for (const path of [
      "2024-13.atom",
      "2024-00.rss",
      "2024-1.json",
      "24-01.atom",
      "2024-01-0.atom",
      "2024-01-1.atom",
      "2024-01-02x.atom",
      "2099-01.atom",
    ]) {
      const body = await problem(`/feeds/shijie/archive/${path}`, 400);
      expect(body.errors?.[0]?.pointer).toBe("#/path/month");
    }
  });

  it("answers 404 for an unknown section or format, a part beyond the last and a month with nothing archived", async () => {
    await problem("/feeds/sports/archive/2024-01.atom", 404);
    await problem("/feeds/sports/archive/", 404);
    await problem("/feeds/shijie/archive/2024-01.xml", 404);
    await problem("/feeds/shijie/archive/2024-01-2.atom", 404);
    expect((await problem("/feeds/shijie/archive/2023-06.atom", 404)).detail).toContain("/feeds/shijie/archive/");
    // February's articles are still in the current feed: nothing of February is archived yet.
    await problem("/feeds/yaowen/archive/2024-02.atom", 404);
  });
});

describe("a busy month", () => {
  it("continues in small parts (≤ 48 KiB of items, ≤ 500), chained like months, and the current feed links the newest part", async () => {
    const may = Array.from({ length: 540 }, (_, i) =>
      article({
        id: `may-${String(i).padStart(3, "0")}`,
        section: "laowai-zai-gansu",
        published_at: new Date(Date.parse("2024-05-01T00:00:00+08:00") + i * 60_000).toISOString(),
      }),
    );
    for (let i = 0; i < may.length; i += 100) expect((await push(may.slice(i, i + 100))).status).toBe(200);
    await publish();
    const documents = await walkChain(get, "json", "/feeds/laowai-zai-gansu.json");
    const [current, ...archives] = documents;
    expect(current!.ids).toHaveLength(20);
    const parts = archives.length;
    expect(parts).toBeGreaterThan(1);
    // Newest part first, down to part 1 (`2024-05`), each named after its place in the month.
    expect(archives.map((d) => d.url.replace("http://feeds.test/feeds/laowai-zai-gansu/archive/", ""))).toEqual(
      Array.from({ length: parts }, (_, i) => (parts - i === 1 ? "2024-05.json" : `2024-05-${parts - i}.json`)),
    );
    // Every archived article once, newest first across the parts: part 1 ends with the month's oldest.
    const ids = archives.flatMap((d) => d.ids);
    expect(ids).toEqual(
      may
        .slice(0, 520)
        .map((a) => a.id)
        .reverse(),
    );
    for (const part of archives) expect(part.ids.length).toBeLessThanOrEqual(500);
    for (const format of ["rss", "atom", "json"]) {
      for (const [i, name] of ["2024-05", ...Array.from({ length: parts - 1 }, (_, k) => `2024-05-${k + 2}`)].entries()) {
        const res = await get(`/feeds/laowai-zai-gansu/archive/${name}.${format}`);
        expect(res.status, name).toBe(200);
        const body = await res.text();
        // The items of a part stay within the bound; the head and the links add little.
        expect(new TextEncoder().encode(body).length, `${name}.${format}`).toBeLessThan(48 * 1024 + 8 * 1024);
        if (format === "atom" && i === 0) {
          expect(body).toContain('href="http://feeds.test/feeds/laowai-zai-gansu/archive/2024-05-2.atom" rel="next-archive"');
          expect(body).toContain("第 1 部分");
          expect(body).not.toContain(`第 1/${parts} 部分`);
        }
      }
    }
  }, 120_000);

  it("as it fills, rewrites only its newest part and the parts it grows, never the ones before", async () => {
    const names = (n: number) => ["2024-05", ...Array.from({ length: n - 1 }, (_, k) => `2024-05-${k + 2}`)];
    const validators = async () => {
      const archives = (await walkChain(get, "atom", "/feeds/laowai-zai-gansu.atom")).slice(1);
      const tags: string[] = [];
      for (const name of names(archives.length))
        tags.push((await get(`/feeds/laowai-zai-gansu/archive/${name}.atom`)).headers.get("ETag") ?? "");
      return tags;
    };
    const before = await validators();
    // 100 newer articles push 100 more of May out of the current feed, into the month's newest end: new parts.
    const later = Array.from({ length: 100 }, (_, i) =>
      article({
        id: `may-late-${i}`,
        section: "laowai-zai-gansu",
        published_at: new Date(Date.parse("2024-05-02T00:00:00+08:00") + i * 60_000).toISOString(),
      }),
    );
    expect((await push(later)).status).toBe(200);
    await publish();
    const after = await validators();
    expect(after.length).toBeGreaterThan(before.length);
    // Every part before the newest is byte for byte what it was (same validator); the newest gains items or a next link.
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
    expect(after[before.length - 1]).not.toBe(before.at(-1));
  }, 120_000);
});

describe("browsing", () => {
  it("shows an archive as a page to a browser, with the way back to the current feed", async () => {
    const res = await get("/feeds/shijie/archive/2024-01.rss", { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toContain("標題 jan-mid");
    expect(page).toContain('href="http://feeds.test/feeds/shijie.rss"');
    expect(page).toContain('href="http://feeds.test/feeds/shijie/archive/"');
  });

  it("lists a section's months on its archive page, linked from the directory", async () => {
    const res = await get("/feeds/shijie/archive/");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("2024年1月");
    expect(page).toContain('href="http://feeds.test/feeds/shijie/archive/2024-01.atom"');
    expect(page).not.toContain("2023年12月");
    expect(await (await get("/")).text()).toContain('href="http://feeds.test/feeds/shijie/archive/"');
  });
});
