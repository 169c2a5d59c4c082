// The partner change log in the Newsroom's SQLite (`change_log`, `change_state`): every change to
// what partners may see gets the next position, in the same transaction as the change itself, and
// the log is published to KV as pages that only grow (src/feeds/change-log.ts says what an entry
// holds). Each entry that shows a version carries that version's ninjs items, rendered here once;
// an embargo lifting is logged when it passes (by the alarm, or before the next change, whichever
// comes first), so the log's order is the order things happened.
import {
  CHANGE_PAGE_SIZE,
  CHANGE_RETENTION_MS,
  type ChangeEntry,
  type ChangeHead,
  type ChangeItem,
  type ChangePage,
  type Coverage,
  type LoggedState,
  logLift,
  logVersion,
  logWithdrawal,
  type NewEntry,
  needsItem,
  pageOf,
} from "../feeds/change-log";
import { ninjsTemplate } from "../feeds/render/ninjs";
import type { StoredArticle } from "../model/article";
import { changeHeadKey, changeItemKey, changePageKey } from "../storage/kv-keys";
import type { KvWrite } from "../storage/kv-publisher";

/** Entries are pruned a day after retention ends, a whole page at a time, never the newest page. */
const PRUNE_AFTER_MS = CHANGE_RETENTION_MS + 24 * 3600 * 1000;

/**
 * The migration step that adds the log. Articles accepted before it existed start from what partners
 * could see of them then (the coverage `coverageOf` gives), so their next change reads right.
 */
export const CHANGE_LOG_MIGRATION = `
  CREATE TABLE change_log (seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    before TEXT, after TEXT, item TEXT);
  CREATE TABLE change_state (id TEXT PRIMARY KEY, version INTEGER NOT NULL, coverage TEXT, lift_ms INTEGER);
  CREATE INDEX change_state_lifts ON change_state (lift_ms) WHERE lift_ms IS NOT NULL;
  INSERT INTO change_state (id, version, coverage, lift_ms)
    SELECT id, version,
      CASE WHEN status = 'published' THEN json_object(
        'section', section,
        'regions', json(COALESCE(json_extract(doc, '$.regions'), '[]')),
        'topics', json(COALESCE(json_extract(doc, '$.topics'), '[]')),
        'syndication', json_extract(doc, '$.rights.syndication'),
        'visible', json(CASE WHEN embargo_ms IS NULL OR embargo_ms <= CAST(unixepoch('subsec') * 1000 AS INTEGER) THEN 'true' ELSE 'false' END))
      END,
      CASE WHEN status = 'published' AND embargo_ms > CAST(unixepoch('subsec') * 1000 AS INTEGER) THEN embargo_ms END
    FROM articles;
`;

/** Where the log's KV outputs are marked dirty: `changes:page:N`, `changes:item:S`, `changes:head`. */
export interface ChangeOutputs {
  markDirty(kind: "changes", name: string): void;
}

export class ChangeLog {
  constructor(
    private readonly sql: SqlStorage,
    private readonly outputs: ChangeOutputs,
  ) {}

  /** A version was accepted (a withdrawal pushed as a new version included). Call in the change's transaction. */
  versionAccepted(article: StoredArticle, now: number): void {
    this.liftDue(now);
    const { entry, state } = logVersion(this.state(article.id), article, now);
    saveState(this.sql, article.id, state);
    if (entry) this.append(entry, article);
  }

  /** The current version was withdrawn (no new version). Call in the change's transaction. */
  withdrawn(id: string, now: number): void {
    this.liftDue(now);
    const prev = this.state(id);
    if (!prev) return;
    const { entry, state } = logWithdrawal(prev, id, now);
    saveState(this.sql, id, state);
    if (entry) this.append(entry, null);
  }

  /** Logs every embargo that has passed by `now`, in the order they passed. */
  liftDue(now: number): void {
    const due = this.sql
      .exec<{ id: string }>("SELECT id FROM change_state WHERE lift_ms IS NOT NULL AND lift_ms <= ? ORDER BY lift_ms, id", now)
      .toArray();
    for (const { id } of due) {
      const prev = this.state(id) as LoggedState & { coverage: Coverage; liftAt: number };
      const { entry, state } = logLift(prev, id);
      saveState(this.sql, id, state);
      const doc = this.sql.exec<{ doc: string }>("SELECT doc FROM articles WHERE id = ?", id).toArray()[0]?.doc;
      this.append(entry, doc ? (JSON.parse(doc) as StoredArticle) : null);
    }
  }

  /** The next embargo the log waits for (ms), or null. */
  nextLift(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT MIN(lift_ms) AS at FROM change_state WHERE lift_ms IS NOT NULL").one().at;
  }

  /** Drops whole pages older than retention (never the newest page); their KV pages and items are deleted. */
  prune(now: number): void {
    const old = this.sql
      // Through the time index: only entries past retention are read (few, they are pruned), not the whole log.
      .exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM change_log INDEXED BY change_log_at WHERE at_ms < ?", now - PRUNE_AFTER_MS)
      .one().seq;
    const last = this.lastSeq();
    if (old === null || last === 0) return;
    const keepFrom = Math.min(pageOf(old + 1), pageOf(last)) * CHANGE_PAGE_SIZE;
    const gone = this.sql.exec<{ seq: number }>("SELECT seq FROM change_log WHERE seq < ?", keepFrom).toArray();
    if (gone.length === 0) return;
    this.sql.exec("DELETE FROM change_log WHERE seq < ?", keepFrom);
    for (const { seq } of gone) this.outputs.markDirty("changes", `item:${seq}`);
    for (const page of new Set(gone.map((g) => pageOf(g.seq)))) this.outputs.markDirty("changes", `page:${page}`);
    this.outputs.markDirty("changes", "head");
  }

  /** The KV writes of one dirty output: `page:N`, `item:S` or `head`. */
  build(name: string): KvWrite[] {
    if (name === "head") {
      const head: ChangeHead = { first: this.firstSeq(), last: this.lastSeq() };
      return [{ key: changeHeadKey(), value: JSON.stringify(head) }];
    }
    const [kind, number] = name.split(":") as [string, string];
    const n = Number(number);
    if (kind === "item") {
      const item = this.sql.exec<{ item: string | null }>("SELECT item FROM change_log WHERE seq = ?", n).toArray()[0]?.item ?? null;
      return [{ key: changeItemKey(n), value: item }];
    }
    if (kind === "page") {
      const entries = this.sql
        .exec<{ seq: number; at_ms: number; id: string; version: number; before: string | null; after: string | null }>(
          "SELECT seq, at_ms, id, version, before, after FROM change_log WHERE seq >= ? AND seq < ? ORDER BY seq",
          n * CHANGE_PAGE_SIZE,
          (n + 1) * CHANGE_PAGE_SIZE,
        )
        .toArray()
        .map(
          (r): ChangeEntry => ({
            seq: r.seq,
            at: r.at_ms,
            id: r.id,
            version: r.version,
            before: r.before === null ? null : (JSON.parse(r.before) as Coverage),
            after: r.after === null ? null : (JSON.parse(r.after) as Coverage),
          }),
        );
      const page: ChangePage = { page: n, entries };
      return [{ key: changePageKey(n), value: entries.length ? JSON.stringify(page) : null }];
    }
    throw new Error(`unknown change-log output ${name}`);
  }

  private append(entry: NewEntry, article: StoredArticle | null): void {
    const seq = this.lastSeq() + 1;
    const shows = needsItem(entry) && article !== null && article.version === entry.version;
    const item: ChangeItem | null = shows ? { "2.2": ninjsTemplate(article, "2.2"), "3.1": ninjsTemplate(article, "3.1") } : null;
    this.sql.exec(
      "INSERT INTO change_log (seq, at_ms, id, version, before, after, item) VALUES (?, ?, ?, ?, ?, ?, ?)",
      seq,
      entry.at,
      entry.id,
      entry.version,
      entry.before === null ? null : JSON.stringify(entry.before),
      entry.after === null ? null : JSON.stringify(entry.after),
      item === null ? null : JSON.stringify(item),
    );
    if (item) this.outputs.markDirty("changes", `item:${seq}`);
    this.outputs.markDirty("changes", `page:${pageOf(seq)}`);
    this.outputs.markDirty("changes", "head");
  }

  private state(id: string): LoggedState | null {
    const row = this.sql
      .exec<{ version: number; coverage: string | null; lift_ms: number | null }>(
        "SELECT version, coverage, lift_ms FROM change_state WHERE id = ?",
        id,
      )
      .toArray()[0];
    return row
      ? { version: row.version, coverage: row.coverage === null ? null : (JSON.parse(row.coverage) as Coverage), liftAt: row.lift_ms }
      : null;
  }

  private lastSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM change_log").one().seq ?? 0;
  }

  private firstSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM change_log").one().seq ?? this.lastSeq() + 1;
  }
}

function saveState(sql: SqlStorage, id: string, state: LoggedState): void {
  sql.exec(
    "INSERT OR REPLACE INTO change_state (id, version, coverage, lift_ms) VALUES (?, ?, ?, ?)",
    id,
    state.version,
    state.coverage === null ? null : JSON.stringify(state.coverage),
    state.liftAt,
  );
}
