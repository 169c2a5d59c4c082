// The PartnerDesk's SQLite schema as ordered migration steps (applied by src/storage/migrations.ts).
// To change a table, append a step; never edit one that has shipped. docs/storage-schema.md says what
// each table holds.
import { KV_PUBLISHER_TABLES } from "../storage/kv-publisher";

export const DESK_MIGRATIONS: readonly string[] = [
  // 1. The schema as it stood before migrations were numbered (the KV outbox's tables included).
  `CREATE TABLE IF NOT EXISTS partner (
     only INTEGER PRIMARY KEY CHECK (only = 1),
     doc TEXT NOT NULL,
     revision INTEGER NOT NULL,
     key_hash TEXT
   );
   CREATE TABLE IF NOT EXISTS usage (day TEXT NOT NULL, feed TEXT NOT NULL, status INTEGER NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (day, feed, status));
   CREATE TABLE IF NOT EXISTS rate (window INTEGER PRIMARY KEY, count INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS kv_outbox (key TEXT PRIMARY KEY, value TEXT, gen INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE IF NOT EXISTS kv_written (key TEXT PRIMARY KEY, written_ms INTEGER NOT NULL);`,
  // 2. The shared KV publisher's tables: each queued value becomes a one-write list; spacing kept.
  `ALTER TABLE kv_outbox RENAME TO kv_outbox_v1;
   ALTER TABLE kv_written RENAME TO kv_written_v1;
   ${KV_PUBLISHER_TABLES}
   INSERT INTO kv_outbox (key, writes, gen, attempts, not_before_ms)
     SELECT key, json_array(json_object('key', key, 'value', value)), gen, attempts, not_before_ms FROM kv_outbox_v1;
   INSERT INTO kv_written (key, written_ms) SELECT key, written_ms FROM kv_written_v1;
   DROP TABLE kv_outbox_v1;
   DROP TABLE kv_written_v1;`,
];
