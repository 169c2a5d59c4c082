import { env } from "cloudflare:workers";
import { parseOpml } from "feedsmith";
import { describe, expect, it } from "vitest";
import { ALL_SECTION, SECTIONS } from "../src/config/publication";
import { renderFeedPage } from "../src/discovery/feed-page";
import { pageItem, prefersHtml } from "../src/feeds/page-view";
import { withDefaults } from "../src/model/article";
import { licenceKey } from "../src/storage/kv-keys";
import { article, BASE, request, SEED } from "./helpers/cms";

// Accept headers as real clients send them.
const ACCEPT = {
  chromium:
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
  firefox: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  safari: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  feedparser:
    "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
  netnewswire: "application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml, text/xml, */*;q=0.5",
  miniflux: "application/xml, application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, text/html, */*;q=0.9",
  curl: "*/*",
};

describe("prefersHtml: who gets the readable page", () => {
  it.each([
    ["Chromium", ACCEPT.chromium],
    ["Firefox", ACCEPT.firefox],
    ["Safari", ACCEPT.safari],
    ["a client asking only for HTML", "text/html"],
    ["HTML over a text/* wildcard", "text/html, text/*;q=0.5"],
  ])("gives %s the HTML page", (_, accept) => {
    expect(prefersHtml(accept)).toBe(true);
  });

  it.each([
    ["feedparser", ACCEPT.feedparser],
    ["NetNewsWire", ACCEPT.netnewswire],
    ["Miniflux (HTML tied with feed types)", ACCEPT.miniflux],
    ["curl's */*", ACCEPT.curl],
    ["no Accept header", undefined],
    ["an empty Accept header", ""],
    ["HTML tied with application/* wildcard", "text/html, application/*"],
    ["HTML tied with text/xml via text/*", "text/*"],
    ["HTML refused (q=0)", "text/html;q=0, */*;q=0.1"],
    ["HTML below XML", "application/xml, text/html;q=0.9"],
    ["a malformed q on text/html", "text/html;q=high, */*;q=0.5"],
  ])("gives %s the feed", (_, accept) => {
    expect(prefersHtml(accept)).toBe(false);
  });

  it("takes each type's quality from its most specific range, not the first or the highest", () => {
    // application/rss+xml is pushed down to 0.1, but application/xml still falls to */* (1), above text/html.
    expect(prefersHtml("*/*, text/html;q=0.5, application/rss+xml;q=0.1")).toBe(false);
    // Every feed type is named below text/html; the wildcard that would tie is more general.
    expect(prefersHtml("*/*;q=0.9, text/html, application/*;q=0.2, text/xml;q=0.2")).toBe(true);
  });
});

describe("renderFeedPage", () => {
  const seed = withDefaults(SEED as any);
  const view = {
    section: SECTIONS[0]!,
    format: "rss" as const,
    feedUrl: "https://feeds.example/feeds/yaowen.rss?topic=livelihood",
    alternates: [
      { format: "atom" as const, url: "https://feeds.example/feeds/yaowen.atom?topic=livelihood" },
      { format: "json" as const, url: "https://feeds.example/feeds/yaowen.json?topic=livelihood" },
    ],
    licenceUrl: "https://feeds.example/licenses/public-reading",
    items: [pageItem(seed)],
  };

  it("shows the section, each item linked with its Beijing-time date and summary, and the URL to copy", () => {
    const page = renderFeedPage(view);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain("<h1>要聞</h1>");
    expect(page).toContain(`<a href="${SEED.url}">蘭州:奮力答好強省會“民生答卷”</a>`);
    // published_at 2024-02-18T10:05:24+08:00
    expect(page).toContain('<time datetime="2024-02-18T10:05:24+08:00">2024年2月18日 10:05</time>');
    expect(page).toContain(SEED.summary);
    expect(page).toContain("來源:甘肅日報");
    expect(page).toContain('<code class="url">https://feeds.example/feeds/yaowen.rss?topic=livelihood</code>');
    expect(page).toContain("閱讀器");
  });

  it("links the other formats and the licence, and advertises all three feeds for autodiscovery", () => {
    const page = renderFeedPage(view);
    expect(page).toContain('<a href="https://feeds.example/feeds/yaowen.atom?topic=livelihood" type="application/atom+xml">Atom 1.0</a>');
    expect(page).toContain(
      'href="https://feeds.example/feeds/yaowen.json?topic=livelihood" type="application/feed+json">JSON Feed 1.1</a>',
    );
    expect(page).toContain('rel="license"');
    expect(page).toContain("https://feeds.example/licenses/public-reading");
    expect(page.match(/<link rel="alternate"/g)).toHaveLength(3);
    expect(page).toContain(
      '<link rel="alternate" type="application/rss+xml" title="要聞 · RSS 2.0" href="https://feeds.example/feeds/yaowen.rss?topic=livelihood">',
    );
  });

  it("escapes article text and refuses non-http links, and carries no script or external asset", () => {
    const hostile = withDefaults(
      article({ title: '<script>alert(1)</script>"', summary: "<img src=x onerror=alert(1)>", url: "javascript:alert(1)" }) as any,
    );
    const page = renderFeedPage({ ...view, items: [pageItem(hostile)] });
    expect(page).not.toContain("<script");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("javascript:");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;");
    expect(page).not.toMatch(/<(script|img|iframe)\b|<link[^>]+rel="stylesheet"|@import|url\(/);
  });

  it("says so when a feed has no items, and renders the all pseudo-section", () => {
    const page = renderFeedPage({ ...view, section: ALL_SECTION, items: [] });
    expect(page).toContain("<h1>全部欄目</h1>");
    expect(page).toContain("這個訂閱源暫時沒有文章。");
  });
});

describe("GET / (directory)", () => {
  it("lists every section in Chinese with absolute RSS, Atom and JSON Feed links, each also advertised for autodiscovery", async () => {
    const res = await request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    for (const section of [...SECTIONS, ALL_SECTION]) {
      expect(page).toContain(`<h3>${section.name}</h3>`);
      for (const [format, type] of [
        ["rss", "application/rss+xml"],
        ["atom", "application/atom+xml"],
        ["json", "application/feed+json"],
      ]) {
        const url = `${BASE}/feeds/${section.slug}.${format}`;
        expect(page).toContain(`<a href="${url}" type="${type}">`);
        expect(page).toMatch(
          new RegExp(`<link rel="alternate" type="${type.replace("+", "\\+")}" title="${section.name} · [^"]+" href="${url}">`),
        );
      }
    }
    expect(page.match(/<link rel="alternate" type="application\/(rss\+xml|atom\+xml|feed\+json)"/g)).toHaveLength(
      (SECTIONS.length + 1) * 3,
    );
    // and the directory in the other script
    expect(page).toContain(`<link rel="alternate" hreflang="zh-Hans" type="text/html" href="${BASE}/zh-hans/">`);
    expect(page).toContain(`href="${BASE}/licenses/public-reading"`);
    expect(page).toContain(`href="${BASE}/feeds.opml"`);
    expect(page).toContain("如何訂閱");
    expect(page).toContain("合作夥伴");
  });

  it("needs no script and loads nothing from elsewhere", async () => {
    const res = await request("/");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).not.toMatch(/<script|<img|<iframe|rel="stylesheet"|@import|url\(/);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it("prints links under PUBLIC_BASE_URL when one is configured", async () => {
    const { renderDirectoryPage } = await import("../src/discovery/directory-page");
    const page = renderDirectoryPage("https://feeds.gansu.example");
    expect(page).toContain('href="https://feeds.gansu.example/feeds/yaowen.rss"');
    expect(page).not.toContain(BASE);
  });
});

describe("GET /feeds.opml", () => {
  it("is OPML 2.0 with one RSS outline per section, in Chinese, and links to `all` and the Simplified OPML", async () => {
    const res = await request("/feeds.opml");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/x-opml; charset=utf-8");
    const opml = parseOpml(await res.text());
    const outlines = opml.body?.outlines ?? [];
    const feeds = outlines.filter((o) => o.type === "rss");
    expect(feeds.map((o) => o.xmlUrl)).toEqual(SECTIONS.map((s) => `${BASE}/feeds/${s.slug}.rss`));
    expect(feeds[0]).toMatchObject({ text: "甘肅國際在線 · 要聞", title: "甘肅國際在線 · 要聞", htmlUrl: `${BASE}/#yaowen` });
    // Readers that keep one copy per item id would let `all` take the sections' items: it is a file of its own.
    expect(outlines.filter((o) => o.type !== "rss").map((o) => [o.type, o.url])).toEqual([
      ["link", `${BASE}/feeds-all.opml`],
      ["link", `${BASE}/zh-hans/feeds.opml`],
    ]);
    expect(opml.head?.title).toBe("甘肅國際在線 各欄目訂閱源");
  });

  it("offers `all` as its own OPML", async () => {
    const opml = parseOpml(await (await request("/feeds-all.opml")).text());
    const feeds = (opml.body?.outlines ?? []).filter((o) => o.type === "rss");
    expect(feeds.map((o) => [o.text, o.xmlUrl])).toEqual([[`甘肅國際在線 · ${ALL_SECTION.name}`, `${BASE}/feeds/all.rss`]]);
  });
});

describe("GET /licenses/{id}", () => {
  it("shows the public reading licence as a readable page", async () => {
    const res = await request("/licenses/public-reading");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toContain("<h1>公開閱讀許可</h1>");
    expect(page).toContain("未經書面授權");
    expect(page).toContain("來源:國際在線");
  });

  it("shows a partner licence from KV with its expiry, and nothing else the record holds", async () => {
    await env.FEEDS.put(
      licenceKey("acme-2026"),
      JSON.stringify({
        id: "acme-2026",
        title: "Acme 聚合授權",
        url: "https://gansu.news.example/licences/acme-2026.pdf",
        attribution: "來源:國際在線",
        expires_at: "2027-01-01T00:00:00+08:00",
        text: ["授權 Acme 在其聚合平台轉載要聞欄目。"],
        key_hash: "sha256-SECRET-should-not-show",
      }),
    );
    const res = await request("/licenses/acme-2026");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("<h1>Acme 聚合授權</h1>");
    expect(page).toContain("授權 Acme 在其聚合平台轉載要聞欄目。");
    expect(page).toContain("2027年1月1日 00:00");
    expect(page).toContain('href="https://gansu.news.example/licences/acme-2026.pdf"');
    expect(page).not.toContain("SECRET");
  });

  it("says a licence has expired once its time has passed", async () => {
    await env.FEEDS.put(
      licenceKey("old"),
      JSON.stringify({ id: "old", url: "https://x.example/l", attribution: "來源:國際在線", expires_at: "2020-01-01T00:00:00Z" }),
    );
    const page = await (await request("/licenses/old")).text();
    expect(page).toContain("已於");
    expect(page).toContain("不再授權使用");
  });

  it("answers 404 problem+json for a licence that does not exist", async () => {
    for (const id of ["nope", "..%2F..%2Fsnapshot%3Aall"]) {
      const res = await request(`/licenses/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as any).status).toBe(404);
    }
  });
});
