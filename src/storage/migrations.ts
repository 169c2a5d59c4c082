// Schema migrations for a Durable Object's SQLite: an ordered list of SQL steps, and how many are
// applied kept in the object's `schema_version` table (Durable Objects refuse `PRAGMA user_version`:
// SQLITE_AUTH, measured). A change to a table is a new step appended to its object's list, never an
// edit of an earlier step, so a database created by any earlier deploy reaches the same schema as a new one.

/**
 * Brings the object's schema up to date, all steps in one transaction (a failed step leaves the
 * database as it was). Call from the constructor, before anything reads a table.
 */
export function migrate(storage: DurableObjectStorage, steps: readonly string[]): void {
  const sql = storage.sql;
  storage.transactionSync(() => {
    sql.exec("CREATE TABLE IF NOT EXISTS schema_version (only INTEGER PRIMARY KEY CHECK (only = 1), version INTEGER NOT NULL)");
    const applied = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0]?.version ?? 0;
    // A database a newer deploy migrated (this deploy is a rollback): refusing to start would stop the service; say so loudly.
    if (applied > steps.length) console.error(`SQLite schema version ${applied} is newer than this code's ${steps.length}`);
    if (applied >= steps.length) return;
    for (const step of steps.slice(applied)) sql.exec(step);
    sql.exec("INSERT OR REPLACE INTO schema_version (only, version) VALUES (1, ?)", steps.length);
  });
}
