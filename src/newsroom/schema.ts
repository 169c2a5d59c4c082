// The Newsroom's SQLite schema as ordered migration steps (applied by src/storage/migrations.ts).
// To change a table, append a step; never edit one that has shipped. docs/storage-schema.md says what
// each table holds.
import { KV_PUBLISHER_TABLES } from "../storage/kv-publisher";
import { CHANGE_LOG_MIGRATION } from "./change-log";

export const NEWSROOM_MIGRATIONS: readonly string[] = [
  // 1. The schema as it stood before migrations were numbered; IF NOT EXISTS, so databases created then pass through.
  `CREATE TABLE IF NOT EXISTS articles (
     id TEXT PRIMARY KEY,
     version INTEGER NOT NULL,
     status TEXT NOT NULL,
     section TEXT NOT NULL,
     published_ms INTEGER NOT NULL,
     embargo_ms INTEGER,
     changed_ms INTEGER NOT NULL,
     withdrawn_ms INTEGER,
     announced INTEGER NOT NULL DEFAULT 0,
     doc TEXT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS articles_by_section ON articles (section, status, published_ms DESC);
   CREATE INDEX IF NOT EXISTS articles_by_time ON articles (status, published_ms DESC);
   CREATE INDEX IF NOT EXISTS articles_withdrawn ON articles (withdrawn_ms) WHERE withdrawn_ms IS NOT NULL;
   CREATE INDEX IF NOT EXISTS articles_changed ON articles (changed_ms);
   CREATE INDEX IF NOT EXISTS articles_section_changed ON articles (section, changed_ms);
   CREATE TABLE IF NOT EXISTS deliveries (webhook_id TEXT PRIMARY KEY, received_ms INTEGER NOT NULL, response TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS dirty (key TEXT PRIMARY KEY, gen INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE IF NOT EXISTS fragments (id TEXT PRIMARY KEY, version INTEGER NOT NULL, renderer TEXT NOT NULL, rss TEXT NOT NULL, atom TEXT NOT NULL, json TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS published (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, written_ms INTEGER NOT NULL, next_embargo_ms INTEGER);
   CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE INDEX IF NOT EXISTS published_embargoes ON published (next_embargo_ms) WHERE next_embargo_ms IS NOT NULL;`,

  // 2. Publishing goes through the shared KV publisher: dirty keys move to its outbox and their last
  //    write times to its spacing table; `published` keeps only sections' revisions and next embargoes.
  `${KV_PUBLISHER_TABLES}
   INSERT INTO kv_outbox (key, writes, gen, attempts, not_before_ms) SELECT key, NULL, gen, attempts, not_before_ms FROM dirty;
   INSERT INTO kv_written (key, written_ms) SELECT key, written_ms FROM published WHERE written_ms > 0;
   DROP TABLE dirty;
   DELETE FROM published WHERE key NOT LIKE 'section:%';
   ALTER TABLE published DROP COLUMN written_ms;`,

  // 3. Monthly archives (src/newsroom/monthly-archives.ts): where each section's current feed ends, which
  //    month each article was last placed in, each archived month's shape and each document's signature;
  //    an index for embargoes that lift on articles older than any current feed.
  `CREATE TABLE archive_state (section TEXT PRIMARY KEY, rendering TEXT NOT NULL, boundary_ms INTEGER, boundary_id TEXT);
   CREATE TABLE archive_placements (id TEXT PRIMARY KEY, section TEXT NOT NULL, month TEXT NOT NULL);
   CREATE TABLE archive_months (section TEXT NOT NULL, month TEXT NOT NULL, parts INTEGER NOT NULL, items INTEGER NOT NULL, PRIMARY KEY (section, month));
   CREATE TABLE archive_documents (section TEXT NOT NULL, month TEXT NOT NULL, part INTEGER NOT NULL, signature TEXT NOT NULL, modified_ms INTEGER NOT NULL, PRIMARY KEY (section, month, part));
   CREATE INDEX articles_embargo ON articles (embargo_ms) WHERE embargo_ms IS NOT NULL;`,

  // 4. Which version of each article has its feed items in KV (under which renderer), so publishing a
  //    newer version, or a withdrawal, deletes exactly the keys published before.
  `CREATE TABLE published_items (id TEXT PRIMARY KEY, version INTEGER NOT NULL, renderer TEXT NOT NULL);`,

  // 5. Each article version's items are kept in both scripts: the Simplified twin's fragments beside the
  //    Traditional ones, converted once when the version is first published. Rows from before hold a
  //    previous renderer version and are re-rendered (then filled) on their next publish.
  `ALTER TABLE fragments ADD COLUMN hans_rss TEXT NOT NULL DEFAULT '';
   ALTER TABLE fragments ADD COLUMN hans_atom TEXT NOT NULL DEFAULT '';
   ALTER TABLE fragments ADD COLUMN hans_json TEXT NOT NULL DEFAULT '';`,

  // 6. The partner change log (src/newsroom/change-log.ts): its entries, and what it last said of each article.
  CHANGE_LOG_MIGRATION,

  // 7. Partner items (src/feeds/partner-items.ts): each cached version's, rendered when its article is published
  //    (NULL: not yet; '': none, its rights allow no syndication; else JSON by format), and whether the version
  //    published in KV has them, so replacing it deletes exactly its keys (1 for rows from before: delete to be sure).
  `ALTER TABLE fragments ADD COLUMN partner TEXT;
   ALTER TABLE published_items ADD COLUMN partner INTEGER NOT NULL DEFAULT 1;`,

  // 8. Publishing's queries stay bounded by what they publish, not by the archive: the size an archive month cuts
  //    its parts by, measured once per article version and rendering (a row of its own: reading it must not read the
  //    fragments' text, as every build of a month did for each of its items); and indexes for the change log's pruning
  //    and the replay memory's expiry, which otherwise scan their whole tables on every alarm run.
  `CREATE TABLE fragment_bytes (id TEXT PRIMARY KEY, version INTEGER NOT NULL, renderer TEXT NOT NULL, bytes INTEGER NOT NULL);
   CREATE INDEX change_log_at ON change_log (at_ms);
   CREATE INDEX deliveries_received ON deliveries (received_ms);`,
];
