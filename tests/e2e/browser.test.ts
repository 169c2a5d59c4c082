// What a person and a feed reader see, in Debian's Chromium and feedparser against a real `wrangler dev`
// with sample data: the directory, the readable view of a feed, and the OPML. Screenshots go to test-artifacts/.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseFeed, parseOpml } from "feedsmith";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushArticles } from "../../scripts/lib/cms-client.mjs";
import { sampleArticles, seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { ALL_SECTION, SECTIONS } from "../../src/config/publication";
import { type DevServer, startDevServer } from "./helpers/dev-server";

const ARTIFACTS = "test-artifacts";
const SEED = seedArticle();
const EVERY_SECTION = [...SECTIONS, ALL_SECTION];
const CONTENT_TYPES = { rss: "application/rss+xml", atom: "application/atom+xml", json: "application/feed+json" } as const;
const run = promisify(execFile);

let server: DevServer;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDevServer();
  const pushed = await pushArticles(server.url, server.secrets.CMS_WEBHOOK_SECRET, [SEED, ...sampleArticles(24)]);
  expect(pushed.status).toBe(200);
  // The Newsroom publishes KV snapshots from an alarm about a second after a push: wait for the seed to show.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${server.url}/feeds/yaowen.rss`);
    if (res.ok && (await res.text()).includes(SEED.title)) break;
    if (Date.now() > deadline) throw new Error(`the seed never appeared in /feeds/yaowen.rss (last status ${res.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // The pages promise to need no JavaScript: prove it by browsing without any.
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: "zh-TW",
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** feedparser, the reference Python parser, fetching each URL itself (with its own Accept header). */
async function feedparser(urls: string[]): Promise<{ url: string; bozo: number; version: string; entries: number; titles: string[] }[]> {
  const script = `
import json, sys, feedparser
out = []
for url in sys.argv[1:]:
    d = feedparser.parse(url)
    out.append({"url": url, "bozo": int(bool(d.bozo)), "error": str(d.get("bozo_exception", "")), "version": d.version,
                "entries": len(d.entries), "titles": [e.get("title", "") for e in d.entries]})
print(json.dumps(out, ensure_ascii=False))
`;
  const { stdout } = await run("/usr/bin/python3", ["-c", script, ...urls], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}

describe("the directory at /", () => {
  it("shows every section by its Chinese name, readably on a phone, and advertises all their feeds", async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe("甘肅國際在線 · 訂閱源");
    for (const section of EVERY_SECTION) await expect(page.locator(`#${section.slug} h3`).textContent()).resolves.toBe(section.name);
    expect(await page.locator('link[rel="alternate"][type^="application/"]').count()).toBe(EVERY_SECTION.length * 3);
    // and the directory in Simplified, one link away
    expect(await page.locator('link[rel="alternate"][hreflang="zh-Hans"]').getAttribute("href")).toBe(`${server.url}/zh-hans/`);
    // Nothing wider than the phone: no sideways scrolling.
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.screenshot({ path: `${ARTIFACTS}/directory-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `${ARTIFACTS}/directory-desktop.png` });
    await page.close();
  });

  it("links feeds that all resolve to valid RSS, Atom and JSON Feed with the right content type", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const links = await page.locator(".formats a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    await page.close();
    expect(links).toHaveLength(EVERY_SECTION.length * 3);
    for (const url of links) {
      const format = url.slice(url.lastIndexOf(".") + 1) as keyof typeof CONTENT_TYPES;
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get("Content-Type"), url).toBe(`${CONTENT_TYPES[format]}; charset=utf-8`);
      const body = await res.text();
      const parsed = parseFeed(body);
      expect(parsed.format, url).toBe(format);
    }
    // The reference parser, fetching as a feed reader does, gets well-formed feeds (not the HTML page).
    const xmlFeeds = links.filter((u) => !u.endsWith(".json"));
    for (const result of await feedparser(xmlFeeds)) {
      expect(result.bozo, `${result.url}: ${(result as any).error}`).toBe(0);
      expect(result.version, result.url).toMatch(/^(rss20|atom10)$/);
    }
    const [yaowen] = await feedparser([`${server.url}/feeds/yaowen.rss`]);
    expect(yaowen!.titles).toContain(SEED.title);
  });
});

describe("a feed opened in the browser", () => {
  it("shows the readable page of /feeds/yaowen.rss with the seed article, not a download", async () => {
    const page = await browser.newPage();
    const downloads: string[] = [];
    page.on("download", (d) => downloads.push(d.url()));
    const res = await page.goto(`${server.url}/feeds/yaowen.rss`);
    expect(res?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    expect(res?.headers().vary).toMatch(/accept/i);
    expect(downloads).toEqual([]);
    expect(await page.locator("h1").textContent()).toBe("要聞");
    const seedLink = page.getByRole("link", { name: SEED.title });
    expect(await seedLink.getAttribute("href")).toBe(SEED.url);
    expect(await page.locator("code.url").textContent()).toBe(`${server.url}/feeds/yaowen.rss`);
    await expect(page.getByText("複製到你的閱讀器", { exact: false }).count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/feed-yaowen-rss-phone.png`, fullPage: true });
    await page.close();
  });

  it("gets there from the directory with one click on a section's RSS link", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.locator("#yaowen .formats a", { hasText: "RSS 2.0" }).click();
    await page.waitForURL(`${server.url}/feeds/yaowen.rss`);
    expect(await page.locator("h1").textContent()).toBe("要聞");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `${ARTIFACTS}/feed-yaowen-rss-desktop.png` });
    await page.close();
  });
});

describe("a Simplified reader in the browser", () => {
  it("opens /zh-hans/feeds/wenlv.rss?region=gansu: Simplified, says it is filtered, titles look like links, the Traditional twin one click away", async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/zh-hans/feeds/wenlv.rss?region=gansu`);
    expect(res?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
    expect(await page.locator("h1").textContent()).toBe("文旅");
    await expect(page.locator(".filtered").textContent()).resolves.toContain("已筛选");
    const title = page.locator("article.item h3 a").first();
    const style = await title.evaluate((a) => {
      const own = getComputedStyle(a);
      return { line: own.textDecorationLine, color: own.color, body: getComputedStyle(document.body).color };
    });
    expect(style.line).toBe("underline");
    expect(style.color).not.toBe(style.body);
    // The favicon the page names loads as a 64 px image.
    const favicon = await page.locator('link[rel="icon"]').getAttribute("href");
    const icon = await browser.newPage();
    await icon.goto(new URL(favicon!, server.url).href);
    expect(
      await icon.locator("img").evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]),
    ).toEqual([64, 64]);
    await icon.close();
    await page.screenshot({ path: `${ARTIFACTS}/feed-zh-hans-wenlv-phone.png`, fullPage: true });
    await page.getByRole("link", { name: "繁體訂閱源" }).click();
    expect(page.url()).toBe(`${server.url}/feeds/wenlv.rss?region=gansu`);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hant");
    await expect(page.locator(".filtered").textContent()).resolves.toContain("已篩選");
    // The licence is named once, in the footer.
    expect((await page.locator("body").textContent())!.match(/使用許可/g)).toHaveLength(1);
    await expect(page.locator("footer").textContent()).resolves.toContain("使用許可");
    await page.close();
  });
});

describe("the OPML", () => {
  it("parses and lists every section's RSS feed once (`all` in an OPML of its own)", async () => {
    const res = await fetch(`${server.url}/feeds.opml`);
    expect(res.headers.get("Content-Type")).toBe("text/x-opml; charset=utf-8");
    const all = parseOpml(await (await fetch(`${server.url}/feeds-all.opml`)).text());
    const outlines = [...parseOpml(await res.text()).body!.outlines!, ...all.body!.outlines!].filter((o) => o.type === "rss");
    expect(outlines.map((o) => o.xmlUrl)).toEqual(EVERY_SECTION.map((s) => `${server.url}/feeds/${s.slug}.rss`));
    for (const [i, section] of EVERY_SECTION.entries()) expect(outlines[i]!.text).toContain(section.name);
    const results = await feedparser(outlines.map((o) => o.xmlUrl!));
    expect(results.map((r) => r.bozo)).toEqual(EVERY_SECTION.map(() => 0));
  });
});

describe("the licence page", () => {
  it("reads as a page", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: "公開閱讀許可" }).click();
    expect(await page.locator("h1").textContent()).toBe("公開閱讀許可");
    await page.screenshot({ path: `${ARTIFACTS}/licence-phone.png`, fullPage: true });
    await page.close();
  });
});
