// Archive measurements (RFC 5005 monthly archives): what building a busy month costs in-process, where
// a section's settled archive document is (to load it like a feed), and how many bytes KV received for
// one change (wrangler dev keeps each KV value as a blob file, so files written after a marker are it).
import { statSync } from "node:fs";
import { join } from "node:path";
import { openLocalKv } from "./local-state.mjs";
import { storedArticles, timeIt } from "./render-cost.mjs";

const BASE = "http://127.0.0.1:8787";
const MONTH = "2024-05";
const NOW = Date.parse("2030-01-01T00:00:00Z");

/**
 * One month of `count` articles built as the Newsroom builds it: each article's fragments rendered in both
 * scripts (from scratch, the Simplified converted, as for a month archived for the first time; or cached),
 * cut into parts, every part assembled in the three formats and two scripts. Returns the time per build,
 * the largest document's bytes and the bytes of all the month's documents (what rewriting it all writes).
 */
export function measureMonthBuild(p, count = 600) {
  const articles = storedArticles(p, count).reverse(); // oldest first
  const section = p.findSection("all");
  const utf8 = (s) => Buffer.byteLength(s);
  const build = (fragmentsOf) => {
    const items = articles.map((a) => {
      const fragments = fragmentsOf(a);
      const sizes = p.SCRIPTS.flatMap((script) => p.FEED_FORMATS.map((f) => utf8(fragments[script][f])));
      return { id: a.id, version: a.version, fragments, bytes: Math.max(...sizes) };
    });
    const parts = p.cutParts(items);
    let largest = 0;
    let total = 0;
    parts.forEach((part, i) => {
      const doc = { month: MONTH, part: i + 1 };
      const links = p.chainLinks(doc, parts.length, { month: "2024-04", parts: 1 }, null);
      p.archiveSignature({ renderer: "bench", base: BASE, section: "all", doc, parts: parts.length, links, items: part });
      for (const script of p.SCRIPTS)
        for (const format of p.FEED_FORMATS) {
          const head = p.archiveHead({ base: BASE, section, doc, parts: parts.length, links, format, updated: new Date(NOW), script });
          const body = p.renderDocument(format, head, part.map((x) => x.fragments[script][format]).reverse());
          largest = Math.max(largest, utf8(body));
          total += utf8(body);
        }
    });
    return { parts: parts.length, largest, total };
  };
  const cache = new Map(articles.map((a) => [a.id, p.twinFragments(a, BASE)]));
  const shape = build((a) => cache.get(a.id));
  return {
    articles: count,
    parts: shape.parts,
    largest_document_bytes: shape.largest,
    month_bytes: shape.total,
    fresh_ms: timeIt(() => build((a) => p.twinFragments(a, BASE)), { runs: 5, warm: 1 }),
    cached_ms: timeIt(() => build((a) => cache.get(a.id)), { runs: 20, warm: 3 }),
  };
}

/** The path of a section's second archive document (a settled month), following prev-archive from the current RSS feed. */
export async function settledArchivePath(url, section) {
  let path = `/feeds/${section}.rss`;
  for (let hop = 0; hop < 2; hop++) {
    const body = await (await fetch(`${url}${path}`)).text();
    const href = /<atom:link href="([^"]+)" rel="prev-archive"\/>/.exec(body)?.[1];
    if (!href) return null;
    path = new URL(href).pathname;
  }
  return path;
}

/** KV values written since `sinceMs` (blob files' mtime), by key: what one change cost in bytes. */
export function kvWrittenSince(stateDir, sinceMs) {
  const { db, blobDir } = openLocalKv(stateDir);
  try {
    const keys = [];
    for (const { key, blob_id } of db.prepare("SELECT key, blob_id FROM _mf_entries").all()) {
      const stat = statSync(join(blobDir, blob_id), { throwIfNoEntry: false });
      if (stat && stat.mtimeMs >= sinceMs) keys.push({ key, bytes: stat.size });
    }
    const sum = (list) => list.reduce((n, k) => n + k.bytes, 0);
    const archive = keys.filter((k) => k.key.startsWith("archive:"));
    // The partner change log's share: its entry's item, the page listing it and the head.
    const changes = keys.filter((k) => k.key.startsWith("changes:"));
    return {
      keys: keys.length,
      bytes: sum(keys),
      archive_keys: archive.map((k) => k.key).sort(),
      archive_bytes: sum(archive),
      changes_keys: changes.map((k) => k.key).sort(),
      changes_bytes: sum(changes),
    };
  } finally {
    db.close();
  }
}
