// The WebSub hub's SQLite schema as ordered migration steps (applied by src/storage/migrations.ts).
// To change a table, append a step; never edit one that has shipped. docs/storage-schema.md says what
// each table holds.

export const HUB_MIGRATIONS: readonly string[] = [
  // 1. Subscriptions, requests awaiting verification, each topic's newest body, and the pushes owed.
  `CREATE TABLE subscriptions (
     topic TEXT NOT NULL, callback TEXT NOT NULL, host TEXT NOT NULL, secret TEXT,
     lease_seconds INTEGER NOT NULL, expires_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL,
     last_delivery_ms INTEGER, last_status INTEGER, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (topic, callback)
   );
   CREATE INDEX subscriptions_by_host ON subscriptions (host);
   CREATE INDEX subscriptions_by_expiry ON subscriptions (expires_ms);
   CREATE TABLE intents (
     id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, callback TEXT NOT NULL, host TEXT NOT NULL,
     mode TEXT NOT NULL, lease_seconds INTEGER NOT NULL, secret TEXT, spec TEXT NOT NULL,
     created_ms INTEGER NOT NULL, due_ms INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX intents_by_pair ON intents (topic, callback);
   CREATE INDEX intents_by_host ON intents (host);
   CREATE TABLE topics (
     topic TEXT PRIMARY KEY, spec TEXT NOT NULL, selection TEXT, etag TEXT, content_type TEXT, body BLOB, changed_ms INTEGER
   );
   CREATE TABLE deliveries (
     topic TEXT NOT NULL, callback TEXT NOT NULL, host TEXT NOT NULL, gen INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, due_ms INTEGER NOT NULL, PRIMARY KEY (topic, callback)
   );
   CREATE INDEX deliveries_due ON deliveries (due_ms);`,
  // 2. The newest section publish the Newsroom signalled, until the alarm has selected and rendered its topics
  //    (the signal only records it, so the Newsroom's next section never waits on this shard's rendering).
  `CREATE TABLE published (
     id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, published TEXT NOT NULL, received_ms INTEGER NOT NULL
   );`,
];
