// A late subscriber over real HTTP (wrangler dev): from /feeds/shijie.atom, follow prev-archive to the
// oldest month, as feedparser reads the links, and hold every article the section published and did not
// withdraw, once each. Every archive document is read by feedparser (bozo 0), feedsmith and the JSON
// Feed rules, and kept under test-artifacts/archives/ for the W3C feed validator. The same from the
// Simplified twin, /zh-hans/feeds/shijie.atom, whose archives are the twins' own, in Simplified.
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushArticles, withdrawArticle } from "../../scripts/lib/cms-client.mjs";
import { sampleArticles, seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { toSimplified } from "../../src/feeds/zh-hans/convert";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { checkWithPython, jsonFeedProblems, parseWithFeedsmith } from "./helpers/parsers";

let server: DevServer;
const FORMATS = ["rss", "atom", "json"] as const;
const DAY = 24 * 3600_000;

/** 64 sample articles every 2 days from 2023-11-02 (+08:00): half of them in 視界, some at 23:59 on a month's last day. */
const articles = sampleArticles(64).map((a: any, i: number) => {
  const at = Date.parse("2023-11-02T10:00:00+08:00") + i * 2 * DAY;
  const published = new Date(at + 8 * 3600_000).toISOString().slice(0, 10);
  const time = i % 5 === 0 ? "23:59:00" : "10:00:00";
  return { ...a, section: i % 2 === 0 ? "shijie" : a.section, published_at: `${published}T${time}+08:00` };
});
const WITHDRAWN = articles.filter((a: any) => a.section === "shijie")[3].id as string;
const expected = (section: string) =>
  articles
    .filter((a: any) => (section === "all" || a.section === section) && a.id !== WITHDRAWN)
    .map((a: any) => a.id as string)
    .concat(section === "all" ? [seedArticle().id] : [])
    .sort();

/** Walks the chain with feedparser's reading of each document's links (JSON: next_url); prefix "/zh-hans" for the twin. */
async function walk(section: string, format: (typeof FORMATS)[number], prefix = "") {
  const documents: { url: string; body: string }[] = [];
  let url: string | undefined = `${server.url}${prefix}/feeds/${section}.${format}`;
  while (url && documents.length < 50) {
    const res: Response = await fetch(url);
    expect(res.status, url).toBe(200);
    const body: string = await res.text();
    documents.push({ url, body });
    if (format === "json") url = JSON.parse(body).next_url;
    else url = checkWithPython([{ name: `${section}.${format}`, body }]).get(`${section}.${format}`)!.links["prev-archive"];
  }
  return documents;
}

function idsOf(format: string, body: string): string[] {
  const parsed = parseWithFeedsmith(body) as any;
  const items = format === "json" ? parsed.feed.items : format === "atom" ? parsed.feed.entries : parsed.feed.items;
  return (items ?? []).map((i: any) =>
    String(format === "rss" ? i.guid?.value : i.id)
      .replace(/^tag:[^:]+:article:/, "")
      .replace(/:zh-hans$/, ""),
  );
}

beforeAll(async () => {
  server = await startDevServer();
  const secret = server.secrets.CMS_WEBHOOK_SECRET;
  expect(await pushArticles(server.url, secret, [seedArticle(), ...articles])).toMatchObject({ status: 200 });
  expect(await withdrawArticle(server.url, secret, WITHDRAWN)).toMatchObject({ status: 200 });
  // Publishing runs from the Newsroom's alarm: wait until the chain holds what it should.
  const deadline = Date.now() + 60_000;
  const holds = async (section: string) => {
    try {
      const ids = (await walk(section, "json")).flatMap((d) => idsOf("json", d.body)).sort();
      return JSON.stringify(ids) === JSON.stringify(expected(section));
    } catch {
      return false; // a document the current feed names is still on its way to KV
    }
  };
  for (;;) {
    if ((await holds("all")) && (await holds("shijie"))) {
      // The twins' documents are written in the same step, but KV may take them a moment later.
      const hans = (await walk("shijie", "json", "/zh-hans").catch(() => [])).flatMap((d) => idsOf("json", d.body)).sort();
      if (JSON.stringify(hans) === JSON.stringify(expected("shijie"))) break;
    }
    if (Date.now() > deadline) throw new Error("the archives never settled");
    await new Promise((r) => setTimeout(r, 500));
  }
});
afterAll(() => server?.stop());

describe("a late subscriber", () => {
  it("follows prev-archive from /feeds/shijie.atom to the oldest month and holds every article once", async () => {
    for (const format of FORMATS) {
      const documents = await walk("shijie", format);
      expect(documents.length, format).toBeGreaterThan(2);
      const ids = documents.flatMap((d) => idsOf(format, d.body));
      expect(ids.length, format).toBe(new Set(ids).size);
      expect(ids.sort(), format).toEqual(expected("shijie"));
    }
  });

  it("finds archives that feedparser, feedsmith and the JSON Feed rules read without complaint", async () => {
    mkdirSync("test-artifacts/archives", { recursive: true });
    for (const section of ["shijie", "all"]) {
      for (const format of FORMATS) {
        const documents = (await walk(section, format)).slice(1);
        expect(documents.length).toBeGreaterThan(0);
        for (const doc of documents) {
          const name = `${section}-${doc.url.split("/").at(-1)}`;
          writeFileSync(`test-artifacts/archives/${name}`, doc.body);
          expect(() => parseWithFeedsmith(doc.body), name).not.toThrow();
          if (format === "json") {
            expect(jsonFeedProblems(JSON.parse(doc.body)), name).toEqual([]);
            continue;
          }
          const report = checkWithPython([{ name, body: doc.body }]).get(name)!;
          expect(report.wellformed, name).toBe(true);
          expect(report.bozo, `${name}: ${report.bozo_exception}`).toBe(0);
          expect(report.links.current, name).toBe(`${server.url}/feeds/${section}.${format}`);
          expect(doc.body, name).toContain("<fh:archive/>");
        }
      }
    }
  });

  it("follows prev-archive from /zh-hans/feeds/shijie.atom too: the twins' archives, in Simplified, hold every article once", async () => {
    for (const format of FORMATS) {
      const documents = await walk("shijie", format, "/zh-hans");
      expect(documents.length, format).toBeGreaterThan(2);
      for (const doc of documents) expect(doc.url, format).toContain(`${server.url}/zh-hans/feeds/shijie`);
      const ids = documents.flatMap((d) => idsOf(format, d.body));
      expect(ids.length, format).toBe(new Set(ids).size);
      expect(ids.sort(), format).toEqual(expected("shijie"));
    }
  });

  it("finds zh-Hans archives that feedparser, feedsmith and the JSON Feed rules read without complaint, nothing left in Traditional", async () => {
    mkdirSync("test-artifacts/archives", { recursive: true });
    for (const format of FORMATS) {
      const documents = (await walk("shijie", format, "/zh-hans")).slice(1);
      for (const doc of documents) {
        const name = `zh-hans-shijie-${doc.url.split("/").at(-1)}`;
        writeFileSync(`test-artifacts/archives/${name}`, doc.body);
        expect(() => parseWithFeedsmith(doc.body), name).not.toThrow();
        // Whatever the converter would still change is text a mainland reader finds unconverted.
        expect(toSimplified(doc.body) === doc.body, name).toBe(true);
        if (format === "json") {
          expect(jsonFeedProblems(JSON.parse(doc.body)), name).toEqual([]);
          expect(JSON.parse(doc.body).language, name).toBe("zh-Hans");
          continue;
        }
        const report = checkWithPython([{ name, body: doc.body }]).get(name)!;
        expect(report.wellformed, name).toBe(true);
        expect(report.bozo, `${name}: ${report.bozo_exception}`).toBe(0);
        expect(report.links.current, name).toBe(`${server.url}/zh-hans/feeds/shijie.${format}`);
        expect(doc.body, name).toContain("<fh:archive/>");
        expect(doc.body, name).toContain(`${server.url}/feeds/shijie/archive/${doc.url.split("/").at(-1)}`);
      }
    }
  });
});
