// Documents are assembled around a shell feedsmith renders once per head: a copy for another time
// must differ from the first only in its `updated`, which is the one asked for.
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { DEFAULT_FEED_LIMIT, findSection } from "../src/config/publication";
import { FEED_FORMATS } from "../src/feeds/model";
import { feedHead } from "../src/feeds/public-feed";
import { canonicalQuery, type FeedQuery } from "../src/feeds/query";
import { type FeedHead, renderDocument } from "../src/feeds/render";

const head = (updated: Date): FeedHead => ({
  id: "https://feeds.test/feeds/yaowen",
  title: "甘肅國際在線 · 要聞",
  description: "甘肅要聞",
  selfUrl: "https://feeds.test/feeds/yaowen.rss",
  homeUrl: "https://feeds.test/",
  alternates: [],
  licenceUrl: "https://feeds.test/licenses/public-reading",
  language: "zh-Hant",
  copyright: "版權所有 國際在線",
  updated,
  icon: "https://feeds.test/icon-512.png",
  favicon: "https://feeds.test/icon-64.png",
});
const A = new Date("2024-02-18T02:05:24.000Z");
const B = new Date("2026-12-01T08:00:00.000Z");

describe("document shells", () => {
  it("RSS: a second feed with the same head shows its own lastBuildDate, and nothing else differs", () => {
    const first = renderDocument("rss", head(A), []);
    const second = renderDocument("rss", head(B), []);
    expect(parseRssFeed(first).lastBuildDate).toBe(A.toUTCString());
    expect(parseRssFeed(second).lastBuildDate).toBe(B.toUTCString());
    expect(second).toBe(first.replaceAll(A.toUTCString(), B.toUTCString()));
  });

  it("Atom: the feed's updated is the one asked for", () => {
    renderDocument("atom", head(A), []);
    const second = renderDocument("atom", head(B), []);
    expect(parseAtomFeed(second).updated).toBe(B.toISOString());
    expect(second).not.toContain("1999");
  });
});

describe("one shell for every query of a feed", () => {
  const section = findSection("yaowen")!;
  const queries: FeedQuery[] = [
    { topics: ["culture", "tourism"], limit: 5, region: "gansu/lanzhou" },
    { topics: ["transport"], limit: DEFAULT_FEED_LIMIT },
    { topics: [], limit: 7 },
  ];
  it.each(FEED_FORMATS)("%s: a filtered feed spliced into the shared shell is the document rendered for its own head", (format) => {
    for (const script of ["zh-Hant", "zh-Hans"] as const) {
      for (const query of queries) {
        const head = feedHead({
          base: "https://feeds.test",
          pathPrefix: "/feeds",
          section,
          format,
          query,
          updated: B,
          licenceUrl: "https://feeds.test/l",
          script,
        });
        expect(head.querySlot?.query).toBe(canonicalQuery(query));
        // The same head with the query written into its URLs, rendered by feedsmith with no shell shared.
        const { querySlot, ...plain } = head;
        const own = JSON.parse(JSON.stringify({ ...plain, updated: 0 }).replaceAll(querySlot!.hole, querySlot!.query)) as FeedHead;
        // Its own head was never rendered before (each query and script once): feedsmith renders it afresh.
        const fresh = renderDocument(format, { ...own, updated: B }, ["ITEMS"]);
        const spliced = renderDocument(format, head, ["ITEMS"]);
        expect(spliced).toContain(format === "json" ? querySlot!.query : querySlot!.query.replaceAll("&", "&amp;"));
        expect(spliced).not.toContain(querySlot!.hole);
        expect(spliced).toBe(fresh);
      }
    }
  });
});
