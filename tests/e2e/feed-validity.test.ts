// Every public feed, every format, with and without filters, over the seed article and an
// adversarial corpus, read by independent clients over real HTTP from `wrangler dev`.
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushArticles } from "../../scripts/lib/cms-client.mjs";
import { SECTIONS, sampleArticles, seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { adversarialArticles } from "./helpers/adversarial";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { checkWithPython, jsonFeedProblems, parseWithFeedsmith } from "./helpers/parsers";

const SEED_TITLE = "蘭州:奮力答好強省會“民生答卷”";
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
  for (const section of [...SECTIONS, "all"]) {
    for (const format of ["rss", "atom", "json"]) {
      for (const filter of FILTERS) {
        const res = await fetch(`${server.url}/feeds/${section}.${format}${filter}`);
        expect(res.status, `${section}.${format}${filter}`).toBe(200);
        feeds.push({ name: `${section}.${format}${filter}`, body: await res.text(), type: res.headers.get("Content-Type") ?? "" });
      }
    }
  }
  // Kept as artefacts, e.g. to run the W3C feed validator over them by hand.
  mkdirSync("test-artifacts/feeds", { recursive: true });
  for (const feed of feeds) writeFileSync(`test-artifacts/feeds/${feed.name.replace(/[?&=,/]/g, "_")}`, feed.body);
});
afterAll(() => server?.stop());

describe("every feed, every format, every filter", () => {
  it("is well-formed XML that feedparser reads without complaint (bozo == 0)", () => {
    const xmlFeeds = feeds.filter((f) => !f.name.includes(".json"));
    const reports = checkWithPython(xmlFeeds);
    const broken = [...reports]
      .filter(([, r]) => !r.wellformed || r.bozo !== 0)
      .map(([name, r]) => `${name}: ${r.xml_error ?? r.bozo_exception}`);
    expect(broken).toEqual([]);
    expect(reports.size).toBe(9 * 2 * FILTERS.length);
  });

  // Debian's feedparser (6.0.10) predates its JSON Feed support, so JSON is checked against the spec's rules and by feedsmith.
  it("is JSON Feed 1.1 by the spec's rules", () => {
    const jsonFeeds = feeds.filter((f) => f.name.includes(".json"));
    const problems = jsonFeeds.flatMap((f) => jsonFeedProblems(JSON.parse(f.body)).map((p) => `${f.name}: ${p}`));
    expect(problems).toEqual([]);
    expect(jsonFeeds).toHaveLength(9 * FILTERS.length);
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

  it("keeps the seed article's Chinese title intact for feedparser", () => {
    const yaowen = feeds.filter((f) => /^yaowen\.(rss|atom)$/.test(f.name));
    expect(yaowen).toHaveLength(2);
    for (const [name, report] of checkWithPython(yaowen)) expect(report.titles, name).toContain(SEED_TITLE);
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
      const format = feed.name.split("?")[0]!.split(".")[1]!;
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
