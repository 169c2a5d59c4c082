// Reads wrangler dev's local state on disk, read-only, beside the running workerd: what the
// Newsroom published for a section (miniflare keeps KV keys in SQLite and values as blob files):
// the section index (snapshot), each format's item-fragment text at the index's revision and the
// pre-rendered bodies; and the Newsroom's own SQLite (articles stored, keys still to publish).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/**
 * wrangler dev's local KV, read-only: miniflare keeps keys in a SQLite table (`_mf_entries`, key → blob_id)
 * and each value as a file in the blobs directory.
 */
export function openLocalKv(stateDir) {
  const kvDir = join(stateDir, "v3", "kv");
  const metaDir = join(kvDir, "miniflare-KVNamespaceObject");
  const dbFile = readdirSync(metaDir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  const blobDir = readdirSync(kvDir)
    .map((d) => join(kvDir, d, "blobs"))
    .find((d) => {
      try {
        return statSync(d).isDirectory();
      } catch {
        return false;
      }
    });
  return { db: new DatabaseSync(join(metaDir, dbFile), { readOnly: true }), blobDir };
}

export function kvSizes(stateDir, kvKeys, sections, formats) {
  const { db, blobDir } = openLocalKv(stateDir);
  const lookup = db.prepare("SELECT blob_id FROM _mf_entries WHERE key = ?");
  const blob = (key) => {
    const row = lookup.get(key);
    return row ? join(blobDir, row.blob_id) : null;
  };
  const size = (key) => {
    const file = blob(key);
    return file ? statSync(file).size : null;
  };
  const totals = db.prepare("SELECT COUNT(*) AS keys FROM _mf_entries").get();
  const out = {};
  for (const section of sections) {
    const indexFile = blob(kvKeys.indexKey(section));
    if (!indexFile) continue;
    const index = JSON.parse(readFileSync(indexFile, "utf8"));
    out[section] = {
      entries: index.entries.length,
      index_bytes: statSync(indexFile).size,
      // Each entry's item is a key of its own (written once per article version); the sum of those the index names.
      fragments_bytes: Object.fromEntries(
        formats.map((f) => [f, index.entries.reduce((n, e) => n + (size(kvKeys.itemKey(index.items, e.id, e.version, f)) ?? 0), 0)]),
      ),
      prerendered_bytes: Object.fromEntries(formats.map((f) => [f, size(kvKeys.feedKey(section, f))])),
    };
  }
  db.close();
  return { kv_keys: totals.keys, sections: out };
}

/** The Newsroom's own SQLite (read-only, beside workerd): stored articles and keys still waiting to be published. */
export function newsroomState(stateDir) {
  const dir = join(stateDir, "v3", "do");
  const objectDir = readdirSync(dir)
    .map((d) => join(dir, d))
    .find((d) => d.endsWith("-Newsroom"));
  const file = objectDir && readdirSync(objectDir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) return null;
  const db = new DatabaseSync(join(objectDir, file), { readOnly: true });
  try {
    return {
      articles: db.prepare("SELECT COUNT(*) AS n FROM articles").get().n,
      dirty: db.prepare("SELECT COUNT(*) AS n FROM kv_outbox").get().n,
    };
  } finally {
    db.close();
  }
}
