// Every public feed, in both scripts (the portal's Traditional and the /zh-hans/ twins), every format,
// with and without filters, over the seed article and an adversarial corpus, read by independent
// clients over real HTTP from `wrangler dev`: feedparser, expat, feedsmith, sfeed and newsboat.
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushArticles } from "../../scripts/lib/cms-client.mjs";
import { SECTIONS, sampleArticles, seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { adversarialArticles } from "./helpers/adversarial";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { checkWithPython, jsonFeedProblems, parseWithFeedsmith } from "./helpers/parsers";
import { newsboatReload, sfeedTitles } from "./helpers/readers";

const SEED_TITLE = "蘭州:奮力答好強省會“民生答卷”";
const SEED_TITLE_HANS = "兰州:奋力答好强省会“民生答卷”";
const PREFIXES = ["", "/zh-hans"];
/** A title's words: runs of whitespace and control characters are one space to every reader here. */
const words = (title: string | undefined) => (title ?? "").replace(/[\s\p{Cc}]+/gu, " ").trim();
const FILTERS = ["", "?region=gansu", "?topic=culture,tourism&limit=5", "?region=gansu/lanzhou&topic=transport"];
let server: DevServer;
const feeds: { name: string; body: string; type: string }[] = [];

async function waitFor(path: string, predicate: (body: string) => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = await (await fetch(`${server.url}${path}`)).text();
    if (predicate(body)) return;
    if (Date.now() > deadline) throw new Error(`${path} never satisfied the condition`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  server = await startDevServer();
  const secret = server.secrets.CMS_WEBHOOK_SECRET;
  const pushed = await pushArticles(server.url, secret, [seedArticle(), ...sampleArticles(40), ...adversarialArticles().slice(0, 6)]);
  expect(pushed).toMatchObject({ status: 200 });
  const rest = await pushArticles(server.url, secret, adversarialArticles().slice(6));
  expect(rest).toMatchObject({ status: 200 });
  await waitFor("/feeds/all.json?limit=100", (body) => body.includes("hostile-large") && body.includes("sample-00040"));
  await waitFor("/feeds/yaowen.rss", (body) => body.includes(SEED_TITLE));
  await waitFor("/zh-hans/feeds/yaowen.rss", (body) => body.includes(SEED_TITLE_HANS));
  // Both scripts' feeds, fetched a few at a time (twice the Traditional set alone).
  const names = PREFIXES.flatMap((prefix) =>
    [...SECTIONS, "all"].flatMap((section) =>
      ["rss", "atom", "json"].flatMap((format) => FILTERS.map((filter) => ({ prefix, path: `${section}.${format}${filter}` }))),
    ),
  );
  for (let i = 0; i < names.length; i += 8) {
    const batch = await Promise.all(
      names.slice(i, i + 8).map(async ({ prefix, path }) => {
        const res = await fetch(`${server.url}${prefix}/feeds/${path}`);
        const name = `${prefix ? "zh-hans." : ""}${path}`;
        expect(res.status, name).toBe(200);
        return { name, body: await res.text(), type: res.headers.get("Content-Type") ?? "" };
      }),
    );
    feeds.push(...batch);
  }
  // Kept as artefacts, e.g. to run the W3C feed validator over them by hand.
  mkdirSync("test-artifacts/feeds", { recursive: true });
  for (const feed of feeds) writeFileSync(`test-artifacts/feeds/${feed.name.replace(/[?&=,/]/g, "_")}`, feed.body);
}, 240_000);
afterAll(() => server?.stop());

describe("every feed, every format, every filter", () => {
  it("is well-formed XML that feedparser reads without complaint (bozo == 0)", () => {
    const xmlFeeds = feeds.filter((f) => !f.name.includes(".json"));
    const reports = checkWithPython(xmlFeeds);
    const broken = [...reports]
      .filter(([, r]) => !r.wellformed || r.bozo !== 0)
      .map(([name, r]) => `${name}: ${r.xml_error ?? r.bozo_exception}`);
    expect(broken).toEqual([]);
    expect(reports.size).toBe(PREFIXES.length * 9 * 2 * FILTERS.length);
  });

  // Debian's feedparser (6.0.10) predates its JSON Feed support, so JSON is checked against the spec's rules and by feedsmith.
  it("is JSON Feed 1.1 by the spec's rules", () => {
    const jsonFeeds = feeds.filter((f) => f.name.includes(".json"));
    const problems = jsonFeeds.flatMap((f) => jsonFeedProblems(JSON.parse(f.body)).map((p) => `${f.name}: ${p}`));
    expect(problems).toEqual([]);
    expect(jsonFeeds).toHaveLength(PREFIXES.length * 9 * FILTERS.length);
  });

  it("parses with feedsmith in every format", () => {
    const failures: string[] = [];
    for (const feed of feeds) {
      try {
        parseWithFeedsmith(feed.body);
      } catch (error) {
        failures.push(`${feed.name}: ${error}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("keeps the seed article's Chinese title intact for feedparser, in Simplified in the twin", () => {
    const yaowen = feeds.filter((f) => /^(zh-hans\.)?yaowen\.(rss|atom)$/.test(f.name));
    expect(yaowen).toHaveLength(4);
    for (const [name, report] of checkWithPython(yaowen))
      expect(report.titles, name).toContain(name.startsWith("zh-hans.") ? SEED_TITLE_HANS : SEED_TITLE);
  });

  it("shows each item's own title in sfeed, as feedparser and feedsmith do, reprints included", () => {
    const xmlFeeds = feeds.filter((f) => !f.name.includes(".json"));
    const reports = checkWithPython(xmlFeeds);
    const wrong: string[] = [];
    for (const feed of xmlFeeds) {
      const own = reports.get(feed.name)!.titles;
      const parsed = parseWithFeedsmith(feed.body).feed as {
        items?: { title?: string }[];
        entries?: { title?: string | { value?: string } }[];
      };
      const feedsmithTitles = (parsed.items ?? parsed.entries ?? []).map((i) => (typeof i.title === "object" ? i.title?.value : i.title));
      // sfeed writes TSV, so line breaks and tabs in a title become spaces: compare text, not whitespace.
      const same = (a: (string | undefined)[], b: string[]) => JSON.stringify(a.map(words)) === JSON.stringify(b.map(words));
      const sfeed = sfeedTitles(feed.body);
      if (!same(sfeed, own)) wrong.push(`${feed.name}: sfeed ${JSON.stringify(sfeed)} vs ${JSON.stringify(own)}`);
      // feedsmith drops comment-like text from inside a title (one adversarial title has `<!-- x -->` as text): leave that one out.
      const plain = (titles: (string | undefined)[]) => titles.filter((t) => !t?.includes("--"));
      if (!same(plain(feedsmithTitles), plain(own) as string[]))
        wrong.push(`${feed.name}: feedsmith ${JSON.stringify(feedsmithTitles)} vs ${JSON.stringify(own)}`);
    }
    expect(wrong).toEqual([]);
    // The reprint (source 甘肅日報) is there, under its own title.
    expect(sfeedTitles(feeds.find((f) => f.name === "yaowen.atom")!.body)).toContain(SEED_TITLE);
  });

  it("never lets hostile HTML through to a reader", () => {
    for (const feed of feeds.filter((f) => f.name.startsWith("all.json"))) {
      for (const item of JSON.parse(feed.body).items) {
        const html: string = item.content_html ?? "";
        expect(html).not.toMatch(/<script|<iframe|<style|onerror=|onclick=|javascript:|data:image\/svg/i);
        expect(html).not.toMatch(/(src|href)="\/(?!\/)/);
      }
    }
  });

  it("serves the three formats with their media types", () => {
    for (const feed of feeds) {
      const format = feed.name
        .split("?")[0]!
        .replace(/^zh-hans\./, "")
        .split(".")[1]!;
      expect(feed.type, feed.name).toBe(
        {
          rss: "application/rss+xml; charset=utf-8",
          atom: "application/atom+xml; charset=utf-8",
          json: "application/feed+json; charset=utf-8",
        }[format],
      );
    }
  });
});

/** A GET that survives a kept-alive socket the server closed while the tests above were busy parsing. */
async function fetchAgain(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch {
    return fetch(url);
  }
}

describe("newsboat, as a subscriber uses it", () => {
  it("reads /zh-hans/feeds/wenlv.rss?region=gansu in Simplified, links intact, the Traditional twin one link away", async () => {
    const path = "/zh-hans/feeds/wenlv.rss?region=gansu";
    const items = newsboatReload({ urls: [`${server.url}${path}`] });
    const expected = JSON.parse(await (await fetchAgain(`${server.url}/zh-hans/feeds/wenlv.json?region=gansu`)).text()).items;
    expect(items.length).toBe(expected.length);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const twin = expected.find((e: { id: string }) => e.id === item.guid)!;
      expect(words(item.title)).toBe(words(twin.title));
      expect(item.url).toBe(twin.url);
      expect(item.url).toMatch(/^https:\/\/gansu\.news\.example\/a\//);
    }
    const res = await fetchAgain(`${server.url}${path}`);
    expect(res.headers.get("Link")).toContain(
      `<${server.url}/feeds/wenlv.rss?region=gansu>; rel="alternate"; type="application/rss+xml"; hreflang="zh-Hant"`,
    );
    await res.body?.cancel();
  });

  it("imports /feeds.opml and shows every section complete (all is a separate OPML)", async () => {
    const opml = await (await fetchAgain(`${server.url}/feeds.opml`)).text();
    const items = newsboatReload({ opml });
    for (const section of SECTIONS) {
      const url = `${server.url}/feeds/${section}.rss`;
      const served = checkWithPython([{ name: section, body: await (await fetchAgain(url)).text() }]).get(section)!;
      const shown = items.filter((i) => i.feed === url);
      expect(shown.map((i) => i.guid).sort(), section).toEqual([...served.ids].sort());
    }
    expect(new Set(items.map((i) => i.feed)).size).toBe(SECTIONS.length);
  });
});

describe("a feed reader's session", () => {
  it("subscribes to the issue's three feeds; filters return exactly the matching items; a repeat with the ETag is 304", async () => {
    for (const path of ["/feeds/yaowen.rss", "/feeds/all.atom?region=gansu", "/feeds/wenlv.json?topic=tourism,culture&limit=5"]) {
      const first = await fetch(`${server.url}${path}`, {
        headers: { Accept: "application/rss+xml, application/atom+xml, application/feed+json, */*;q=0.1" },
      });
      expect(first.status).toBe(200);
      const again = await fetch(`${server.url}${path}`, { headers: { "If-None-Match": first.headers.get("ETag")! } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
    }
    const json = await (await fetch(`${server.url}/feeds/wenlv.json?topic=tourism,culture&limit=5`)).json();
    expect(json.items.length).toBeLessThanOrEqual(5);
    for (const item of json.items) expect(item.tags.some((t: string) => t === "tourism" || t === "culture")).toBe(true);
    const atom = checkWithPython([{ name: "gansu.atom", body: await (await fetch(`${server.url}/feeds/all.atom?region=gansu`)).text() }]);
    expect(atom.get("gansu.atom")!.titles).toContain(SEED_TITLE);
  });
});
