// Independent clients for feed validity: Python's feedparser and expat (via /usr/bin/python3, where
// Debian's python3-feedparser lives), feedsmith, and the JSON Feed 1.1 rules.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFeed } from "feedsmith";

export interface PythonReport {
  wellformed?: boolean;
  xml_error?: string;
  bozo: number;
  bozo_exception?: string;
  version: string;
  titles: string[];
  ids: string[];
  has_content: boolean[];
  links: Record<string, string>;
}

/** Runs feedparser and expat over many feed bodies in one python process. */
export function checkWithPython(feeds: { name: string; body: string }[]): Map<string, PythonReport> {
  const dir = mkdtempSync(join(tmpdir(), "feeds-check-"));
  const paths = feeds.map((feed, i) => {
    const path = join(dir, `${i}-${feed.name.replace(/[^a-z0-9.]+/gi, "_")}`);
    writeFileSync(path, feed.body);
    return path;
  });
  const out = execFileSync("/usr/bin/python3", [join(import.meta.dirname, "check_feeds.py"), ...paths], { maxBuffer: 256 * 1024 * 1024 });
  const reports = JSON.parse(out.toString()) as Record<string, PythonReport>;
  return new Map(feeds.map((feed, i) => [feed.name, reports[paths[i]!]!]));
}

/** feedsmith's parser; throws on what it cannot read. */
export function parseWithFeedsmith(body: string) {
  return parseFeed(body);
}

/** Problems against JSON Feed 1.1 (jsonfeed.org/version/1.1); empty when valid. */
export function jsonFeedProblems(feed: any): string[] {
  const problems: string[] = [];
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  if (feed.version !== "https://jsonfeed.org/version/1.1") problems.push("version");
  if (typeof feed.title !== "string") problems.push("title");
  if (!Array.isArray(feed.items)) return [...problems, "items"];
  for (const [i, item] of feed.items.entries()) {
    if (typeof item.id !== "string" || item.id === "") problems.push(`items[${i}].id`);
    if (typeof item.content_html !== "string" && typeof item.content_text !== "string") problems.push(`items[${i}].content`);
    for (const key of ["url", "image", "external_url"])
      if (key in item && !/^https?:\/\//.test(item[key])) problems.push(`items[${i}].${key}`);
    for (const key of ["date_published", "date_modified"]) if (key in item && !rfc3339.test(item[key])) problems.push(`items[${i}].${key}`);
    if ("authors" in item && (!Array.isArray(item.authors) || item.authors.some((a: any) => typeof a.name !== "string")))
      problems.push(`items[${i}].authors`);
    for (const key of Object.keys(item)) {
      if (!key.startsWith("_") && !KNOWN_ITEM_KEYS.has(key)) problems.push(`items[${i}] unknown key ${key}`);
    }
  }
  return problems;
}

const KNOWN_ITEM_KEYS = new Set([
  "id",
  "url",
  "external_url",
  "title",
  "content_html",
  "content_text",
  "summary",
  "image",
  "banner_image",
  "date_published",
  "date_modified",
  "authors",
  "tags",
  "language",
  "attachments",
]);
