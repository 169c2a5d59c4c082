// Independent validity checks for fetched feeds: expat well-formedness and feedparser's bozo flag
// (one /usr/bin/python3 run per batch of feeds, not per feed), feedsmith's parser, and the JSON
// Feed 1.1 required fields. Returns problems as strings so a test can print them all at once.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";

export interface FetchedFeed {
  name: string;
  format: "rss" | "atom" | "json";
  body: string;
}

const PYTHON = `
import json, sys, feedparser, xml.etree.ElementTree as ET
out = []
for path in json.load(sys.stdin):
    problems = []
    try:
        ET.parse(path)
    except Exception as e:
        problems.append("not well-formed XML: %s" % e)
    d = feedparser.parse(path)
    if d.bozo:
        problems.append("feedparser bozo: %r" % (d.get("bozo_exception"),))
    out.append({"entries": len(d.entries), "problems": problems, "version": d.get("version", "")})
json.dump(out, sys.stdout)
`;

/** Problems found in `feeds` (empty when every feed is valid), keyed by feed name. */
export function validateFeeds(feeds: FetchedFeed[]): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  const add = (name: string, problem: string) => problems.set(name, [...(problems.get(name) ?? []), problem]);

  const xml = feeds.filter((f) => f.format !== "json");
  if (xml.length > 0) {
    const dir = mkdtempSync(join(tmpdir(), "stress-feeds-"));
    try {
      const paths = xml.map((f, i) => {
        const path = join(dir, `${i}.xml`);
        writeFileSync(path, f.body);
        return path;
      });
      const results = JSON.parse(
        execFileSync("/usr/bin/python3", ["-c", PYTHON], { input: JSON.stringify(paths), maxBuffer: 64 * 1024 * 1024 }).toString(),
      ) as { entries: number; problems: string[]; version: string }[];
      results.forEach((r, i) => {
        const feed = xml[i]!;
        for (const p of r.problems) add(feed.name, p);
        const wanted = feed.format === "rss" ? /^rss20/ : /^atom10/;
        if (!wanted.test(r.version)) add(feed.name, `feedparser reads it as "${r.version}"`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  for (const feed of feeds) {
    try {
      if (feed.format === "rss") parseRssFeed(feed.body);
      else if (feed.format === "atom") parseAtomFeed(feed.body);
      else {
        parseJsonFeed(feed.body);
        for (const p of jsonFeedProblems(JSON.parse(feed.body))) add(feed.name, p);
      }
    } catch (error) {
      add(feed.name, `feedsmith: ${String(error)}`);
    }
  }
  return problems;
}

/** JSON Feed 1.1's required fields and types (jsonfeed.org/version/1.1). */
export function jsonFeedProblems(feed: any): string[] {
  const problems: string[] = [];
  if (feed?.version !== "https://jsonfeed.org/version/1.1") problems.push(`version is ${JSON.stringify(feed?.version)}`);
  if (typeof feed?.title !== "string") problems.push("title missing");
  if (!Array.isArray(feed?.items)) return [...problems, "items missing"];
  feed.items.forEach((item: any, i: number) => {
    if (typeof item?.id !== "string" || item.id === "") problems.push(`items[${i}].id missing`);
    if (typeof item?.content_html !== "string" && typeof item?.content_text !== "string") {
      problems.push(`items[${i}] has neither content_html nor content_text`);
    }
    for (const key of ["url", "external_url", "title", "summary", "date_published", "date_modified"]) {
      if (key in item && typeof item[key] !== "string") problems.push(`items[${i}].${key} is not a string`);
    }
  });
  return problems;
}
