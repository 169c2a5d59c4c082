// Documents are assembled around a shell feedsmith renders once per head: a copy for another time
// must differ from the first only in its `updated`, which is the one asked for.
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
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
