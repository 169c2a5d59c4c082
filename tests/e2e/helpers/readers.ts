// Real feed readers as a subscriber runs them: sfeed (parses a feed from stdin into TSV lines) and
// newsboat (fetches its URL list into an SQLite cache, read here with node:sqlite). Debian packages.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** The titles sfeed shows for a feed body, in document order (TSV field 2). */
export function sfeedTitles(body: string): string[] {
  const out = execFileSync("/usr/bin/sfeed", { input: body, maxBuffer: 64 * 1024 * 1024 }).toString();
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t")[1]!);
}

export interface NewsboatItem {
  feed: string;
  guid: string;
  title: string;
  url: string;
  content: string;
}

/**
 * Subscribes a fresh newsboat to `urls` (or to an OPML file's feeds), reloads every feed once, and
 * returns what its cache holds: each item under the feed newsboat filed it under.
 */
export function newsboatReload(source: { urls: string[] } | { opml: string }): NewsboatItem[] {
  const dir = mkdtempSync(join(tmpdir(), "newsboat-"));
  const urlFile = join(dir, "urls");
  const cache = join(dir, "cache.db");
  const config = join(dir, "config");
  writeFileSync(config, "reload-threads 4\n");
  const base = ["-u", urlFile, "-c", cache, "-C", config, "-q"];
  if ("urls" in source) writeFileSync(urlFile, `${source.urls.join("\n")}\n`);
  else {
    writeFileSync(urlFile, "");
    const opml = join(dir, "feeds.opml");
    writeFileSync(opml, source.opml);
    execFileSync("/usr/bin/newsboat", [...base, "-i", opml], { env: { ...process.env, HOME: dir }, timeout: 30_000 });
  }
  execFileSync("/usr/bin/newsboat", [...base, "-x", "reload"], { env: { ...process.env, HOME: dir }, timeout: 60_000 });
  const db = new DatabaseSync(cache, { readOnly: true });
  try {
    return db
      .prepare("SELECT feedurl AS feed, guid, title, url, content FROM rss_item ORDER BY feedurl, pubDate DESC")
      .all() as unknown as NewsboatItem[];
  } finally {
    db.close();
  }
}
