import { describe, expect, it } from "vitest";
import { ALL_SECTION, SECTIONS } from "../src/config/publication";
import { prefersHtml, renderFeedPage } from "../src/discovery/feed-page";
import { withDefaults } from "../src/model/article";
import { article, SEED } from "./helpers/cms";

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
    items: [seed],
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
    const page = renderFeedPage({ ...view, items: [hostile] });
    expect(page).not.toContain("<script");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("javascript:");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;");
    expect(page).not.toMatch(/<(script|img|iframe)\b|<link[^>]+rel="stylesheet"|@import|url\(/);
  });

  it("says so when a feed has no items, and renders the all pseudo-section", () => {
    const page = renderFeedPage({ ...view, section: ALL_SECTION, items: [] });
    expect(page).toContain("<h1>全部</h1>");
    expect(page).toContain("這個訂閱源暫時沒有文章。");
  });
});
