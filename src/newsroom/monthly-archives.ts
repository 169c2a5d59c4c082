// Monthly archives (RFC 5005), kept by the Newsroom at write time. The current feed shows a section's
// newest items (the window); every other visible article is in the archive of its month (+08:00),
// so walking from the current feed through prev-archive meets each visible article exactly once.
//
// Publishing a section records where its window ends (the boundary) and marks dirty the months whose
// archive that move, or an accepted change, touches; each dirty month is rebuilt on its own turn, and
// only the documents whose signature changed are rendered and written.
import { ALL_SECTIONS, DEFAULT_FEED_LIMIT, findSection, SCRIPTS, type Script } from "../config/publication";
import { type ArchiveIndex, type ArchiveMeta, archiveHead, archiveSignature } from "../feeds/archive/documents";
import { type ArchiveMonth, type ArchivePart, monthOf, monthRange, monthsBetween, partName } from "../feeds/archive/month";
import { type ArchivedMonth, chainLinks, cutParts, newestPart } from "../feeds/archive/parts";
import { FEED_FORMATS, type FeedFormat } from "../feeds/model";
import { renderDocument } from "../feeds/render";
import type { SnapshotItem } from "../feeds/snapshot";
import { isVisible, type StoredArticle } from "../model/article";
import { archiveIndexKey, archiveKey } from "../storage/kv-keys";
import type { KvWrite } from "../storage/kv-publisher";

/** Where the current feed's window ends, in feed order (published_ms DESC, id ASC); null: the feed shows nothing. */
interface Boundary {
  ms: number;
  id: string;
}

export interface ArchiveHost {
  sql: SqlStorage;
  markDirty(key: string): void;
  /** Marks a key dirty unless it already waits (keeping its backoff). */
  ensureDirty(key: string): void;
  /** The article's item fragments in both scripts (rendered and converted once per version, and cached). */
  fragments(article: StoredArticle): Record<Script, Record<FeedFormat, string>>;
  /** The fragments cache's key for the current rendering (renderer version and base URL). */
  renderer(): string;
  base(): string;
}

export const archiveMonthKey = (section: string, month: ArchiveMonth) => `archive:${section}/${month}`;
export const archiveIndexDirtyKey = (section: string) => `archive-index:${section}`;

export class MonthlyArchives {
  constructor(private readonly host: ArchiveHost) {}

  private get sql() {
    return this.host.sql;
  }

  /**
   * Called while a section is published, with the items of its snapshot: records the window's new end,
   * marks the months this touches, and answers the archive the current feed links to (null: none yet)
   * and the next embargo that will change an archive.
   */
  sectionPublished(
    section: string,
    items: readonly SnapshotItem[],
    now: number,
  ): { newest: ArchivePart | null; nextEmbargo: number | null } {
    this.placeChanges(now);
    const window = items.filter((i) => isVisible(i.article, now)).slice(0, DEFAULT_FEED_LIMIT);
    const last = window.at(-1)?.article;
    const boundary: Boundary | null = last ? { ms: Date.parse(last.published_at), id: last.id } : null;
    const rendering = this.host.renderer();
    const state = this.sql
      .exec<{ rendering: string; boundary_ms: number | null; boundary_id: string | null }>(
        "SELECT rendering, boundary_ms, boundary_id FROM archive_state WHERE section = ?",
        section,
      )
      .toArray()[0];
    const before: Boundary | null =
      state?.boundary_ms != null && state.boundary_id != null ? { ms: state.boundary_ms, id: state.boundary_id } : null;
    if (!state || state.rendering !== rendering || !before || !boundary) {
      // First publish, a new rendering, or a window that was or is empty: every month may change.
      this.markAllMonths(section);
    } else if (before.ms !== boundary.ms || before.id !== boundary.id) {
      // Items between the two ends moved in or out of the window: their months, and only those.
      const [from, to] = [monthOf(before.ms), monthOf(boundary.ms)].sort() as [string, string];
      for (const month of monthsBetween(from, to)) this.host.markDirty(archiveMonthKey(section, month));
    }
    this.sql.exec(
      "INSERT OR REPLACE INTO archive_state (section, rendering, boundary_ms, boundary_id) VALUES (?, ?, ?, ?)",
      section,
      rendering,
      boundary?.ms ?? null,
      boundary?.id ?? null,
    );
    const newestRow = this.archivedRows(section, boundary, now, "", [], "DESC", 1)[0];
    let newest: ArchivePart | null = null;
    if (newestRow) {
      const month = monthOf(newestRow.published_ms);
      newest = newestPart({ month, parts: this.recordedParts(section, month) ?? 1 });
    }
    return { newest, nextEmbargo: this.nextEmbargo(section, now) };
  }

  /** Rebuilds one month's documents of a section: writes those whose content changed, deletes parts that went away. */
  buildMonth(section: string, month: ArchiveMonth, now: number): KvWrite[] {
    const info = findSection(section);
    const boundary = this.boundary(section);
    if (!info || boundary === undefined) return [];
    const [start, end] = monthRange(month);
    const rendering = this.host.renderer();
    // Each item's size as measured before (fragment_bytes: small rows, so this reads no fragment text); a version not
    // measured yet under this rendering is measured once, its fragments rendered if the cache lacks them (an old
    // article archived for the first time).
    const rows = this.archivedRows(
      section,
      boundary,
      now,
      "AND a.published_ms >= ? AND a.published_ms < ?",
      [start, end],
      "ASC",
      -1,
      ", b.bytes AS bytes",
      "LEFT JOIN fragment_bytes b ON b.id = a.id AND b.version = a.version AND b.renderer = ?",
      [rendering],
    );
    const parts = cutParts(rows.map((r) => ({ id: r.id, version: r.version, bytes: r.bytes ?? this.measure(r.id, r.version, rendering) })));
    const older = this.neighbour(section, boundary, now, start, "older");
    const newer = this.neighbour(section, boundary, now, end, "newer");
    const olderMonth: ArchivedMonth | null = older ? { month: older, parts: this.recordedParts(section, older) ?? 1 } : null;

    const stored = new Map(
      this.sql
        .exec<{ part: number; signature: string }>(
          "SELECT part, signature FROM archive_documents WHERE section = ? AND month = ?",
          section,
          month,
        )
        .toArray()
        .map((r) => [r.part, r.signature]),
    );
    const writes: KvWrite[] = [];
    const base = this.host.base();
    parts.forEach((items, i) => {
      const doc = { month, part: i + 1 };
      const links = chainLinks(doc, parts.length, olderMonth, newer);
      const signature = archiveSignature({ renderer: rendering, base, section, doc, parts: parts.length, links, items });
      if (stored.get(doc.part) === signature) return;
      const fragments = this.partFragments(items, rendering);
      const meta: ArchiveMeta = {
        signature,
        modified: now,
        base,
        prev: links.prev && partName(links.prev),
        next: links.next && partName(links.next),
        items: items.length,
      };
      // Both scripts' documents show the same items in the same chain, so one signature stands for the six.
      for (const script of SCRIPTS)
        for (const format of FEED_FORMATS) {
          const head = archiveHead({ base, section: info, doc, parts: parts.length, links, format, updated: new Date(now), script });
          // Items newest first, as in every feed.
          const body = renderDocument(format, head, fragments.map((f) => f[script][format]).reverse());
          writes.push({ key: archiveKey(section, partName(doc), format, script), value: body, metadata: { ...meta } });
        }
      this.sql.exec(
        "INSERT OR REPLACE INTO archive_documents (section, month, part, signature, modified_ms) VALUES (?, ?, ?, ?, ?)",
        section,
        month,
        doc.part,
        signature,
        now,
      );
    });
    for (const part of stored.keys()) {
      if (part <= parts.length) continue;
      for (const script of SCRIPTS)
        for (const format of FEED_FORMATS)
          writes.push({ key: archiveKey(section, partName({ month, part }), format, script), value: null });
      this.sql.exec("DELETE FROM archive_documents WHERE section = ? AND month = ? AND part = ?", section, month, part);
    }
    this.recordMonth(section, month, parts.length, rows.length, older, newer);
    return writes;
  }

  /** The list of a section's archived months for its index page. */
  buildIndex(section: string): KvWrite[] {
    const index: ArchiveIndex = {
      section,
      months: this.sql
        .exec<{ month: string; parts: number; items: number }>(
          "SELECT month, parts, items FROM archive_months WHERE section = ? ORDER BY month DESC",
          section,
        )
        .toArray()
        .map((r) => ({ month: r.month, parts: r.parts, items: r.items })),
    };
    return [{ key: archiveIndexKey(section), value: JSON.stringify(index) }];
  }

  // --- bookkeeping ---------------------------------------------------------------------------

  /**
   * Accepted changes since the last call (new, corrected, moved, withdrawn articles, lifted embargoes):
   * marks the months each article was and is in, for its section and `all`.
   */
  private placeChanges(now: number): void {
    const since = Number(
      this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'archive_watermark'").toArray()[0]?.value ?? 0,
    );
    const changed = this.sql
      .exec<{ id: string; section: string; published_ms: number }>(
        `SELECT id, section, published_ms FROM articles WHERE changed_ms >= ?
         UNION SELECT id, section, published_ms FROM articles WHERE embargo_ms >= ? AND embargo_ms <= ?`,
        since,
        since,
        now,
      )
      .toArray();
    for (const article of changed) {
      const month = monthOf(article.published_ms);
      const was = this.sql
        .exec<{ section: string; month: string }>("SELECT section, month FROM archive_placements WHERE id = ?", article.id)
        .toArray()[0];
      for (const place of [was, { section: article.section, month }]) {
        if (!place) continue;
        this.host.markDirty(archiveMonthKey(place.section, place.month));
        this.host.markDirty(archiveMonthKey(ALL_SECTIONS, place.month));
      }
      this.sql.exec("INSERT OR REPLACE INTO archive_placements (id, section, month) VALUES (?, ?, ?)", article.id, article.section, month);
    }
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('archive_watermark', ?)", String(now));
  }

  private markAllMonths(section: string): void {
    const { where, params } = inSection(section);
    const span = this.sql
      .exec<{ first: number | null; last: number | null }>(
        `SELECT MIN(published_ms) AS first, MAX(published_ms) AS last FROM articles a WHERE ${where}`,
        ...params,
      )
      .one();
    const months = new Set(
      this.sql
        .exec<{ month: string }>("SELECT month FROM archive_months WHERE section = ?", section)
        .toArray()
        .map((r) => r.month),
    );
    if (span.first !== null && span.last !== null)
      for (const month of monthsBetween(monthOf(span.first), monthOf(span.last))) months.add(month);
    for (const month of months) this.host.markDirty(archiveMonthKey(section, month));
  }

  /** Records a month's shape; a change of shape changes its neighbours' links (and the current feed's). */
  private recordMonth(
    section: string,
    month: ArchiveMonth,
    parts: number,
    items: number,
    older: ArchiveMonth | null,
    newer: ArchiveMonth | null,
  ) {
    const before = this.sql
      .exec<{ parts: number; items: number }>("SELECT parts, items FROM archive_months WHERE section = ? AND month = ?", section, month)
      .toArray()[0];
    if ((before?.parts ?? 0) === parts && (before?.items ?? 0) === items) return;
    if (parts === 0) this.sql.exec("DELETE FROM archive_months WHERE section = ? AND month = ?", section, month);
    else
      this.sql.exec(
        "INSERT OR REPLACE INTO archive_months (section, month, parts, items) VALUES (?, ?, ?, ?)",
        section,
        month,
        parts,
        items,
      );
    this.host.markDirty(archiveIndexDirtyKey(section));
    if ((before?.parts ?? 0) === parts) return;
    // The newer month's first part links back to this month's last part; with no newer month, the current feed does.
    if (newer) this.host.markDirty(archiveMonthKey(section, newer));
    else this.host.ensureDirty(`section:${section}`);
    // A month that appears or disappears also changes where the older month's last part leads.
    if ((before === undefined || parts === 0) && older) this.host.markDirty(archiveMonthKey(section, older));
  }

  private recordedParts(section: string, month: ArchiveMonth): number | undefined {
    return this.sql.exec<{ parts: number }>("SELECT parts FROM archive_months WHERE section = ? AND month = ?", section, month).toArray()[0]
      ?.parts;
  }

  /** The boundary recorded at the section's last publish; undefined before its first. */
  private boundary(section: string): Boundary | null | undefined {
    const row = this.sql
      .exec<{ boundary_ms: number | null; boundary_id: string | null }>(
        "SELECT boundary_ms, boundary_id FROM archive_state WHERE section = ?",
        section,
      )
      .toArray()[0];
    if (!row) return undefined;
    return row.boundary_ms !== null && row.boundary_id !== null ? { ms: row.boundary_ms, id: row.boundary_id } : null;
  }

  // --- queries -------------------------------------------------------------------------------

  /** Visible articles of the section beyond the window's end (archived ones), in published order. */
  private archivedRows(
    section: string,
    boundary: Boundary | null,
    now: number,
    extraWhere: string,
    extraParams: SqlStorageValue[],
    order: "ASC" | "DESC",
    limit: number,
    extraColumns = "",
    join = "",
    joinParams: SqlStorageValue[] = [],
  ) {
    const { where, params } = inSection(section, "a.");
    const beyond = boundary ? "AND (a.published_ms < ? OR (a.published_ms = ? AND a.id > ?))" : "";
    const idOrder = order === "DESC" ? "ASC" : "DESC";
    return this.sql
      .exec<{ id: string; version: number; published_ms: number; bytes?: number | null }>(
        `SELECT a.id, a.version, a.published_ms ${extraColumns} FROM articles a ${join}
         WHERE a.status = 'published' AND (a.embargo_ms IS NULL OR a.embargo_ms <= ?) AND ${where} ${beyond} ${extraWhere}
         ORDER BY a.published_ms ${order}, a.id ${idOrder} LIMIT ?`,
        ...joinParams,
        now,
        ...params,
        ...(boundary ? [boundary.ms, boundary.ms, boundary.id] : []),
        ...extraParams,
        limit,
      )
      .toArray();
  }

  /** The nearest archived month before `edge` (older) or from `edge` on (newer). */
  private neighbour(section: string, boundary: Boundary | null, now: number, edge: number, side: "older" | "newer"): ArchiveMonth | null {
    const row =
      side === "older"
        ? this.archivedRows(section, boundary, now, "AND a.published_ms < ?", [edge], "DESC", 1)[0]
        : this.archivedRows(section, boundary, now, "AND a.published_ms >= ?", [edge], "ASC", 1)[0];
    return row ? monthOf(row.published_ms) : null;
  }

  private nextEmbargo(section: string, now: number): number | null {
    const { where, params } = inSection(section, "a.");
    // Through the embargo index: only articles still under embargo are read (otherwise SQLite may pick the section's
    // index and read every published article of the section, a scan that grows with the archive).
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(a.embargo_ms) AS at FROM articles a INDEXED BY articles_embargo
         WHERE a.embargo_ms > ? AND a.status = 'published' AND ${where}`,
        now,
        ...params,
      )
      .one().at;
  }

  /**
   * The largest of a version's six fragments in UTF-8 bytes (what parts are cut by), recorded in `fragment_bytes`:
   * measuring reads every fragment, so it is done once per version and rendering, not on every build of its month.
   */
  private measure(id: string, version: number, rendering: string): number {
    const fragments = this.host.fragments(this.article(id));
    const bytes = Math.max(...SCRIPTS.flatMap((script) => FEED_FORMATS.map((format) => utf8.encode(fragments[script][format]).length)));
    this.sql.exec(
      "INSERT OR REPLACE INTO fragment_bytes (id, version, renderer, bytes) VALUES (?, ?, ?, ?)",
      id,
      version,
      rendering,
      bytes,
    );
    return bytes;
  }

  private article(id: string): StoredArticle {
    const row = this.sql.exec<{ doc: string }>("SELECT doc FROM articles WHERE id = ?", id).one();
    return JSON.parse(row.doc) as StoredArticle;
  }

  /** The cached fragments of a part's items in both scripts, oldest first. */
  private partFragments(
    items: readonly { id: string; version: number }[],
    rendering: string,
  ): Record<Script, Record<FeedFormat, string>>[] {
    return items.map((item) => {
      const row = this.sql
        .exec<Record<"rss" | "atom" | "json" | "hans_rss" | "hans_atom" | "hans_json", string>>(
          "SELECT rss, atom, json, hans_rss, hans_atom, hans_json FROM fragments WHERE id = ? AND version = ? AND renderer = ?",
          item.id,
          item.version,
          rendering,
        )
        .toArray()[0];
      return row
        ? {
            "zh-Hant": { rss: row.rss, atom: row.atom, json: row.json },
            "zh-Hans": { rss: row.hans_rss, atom: row.hans_atom, json: row.hans_json },
          }
        : this.host.fragments(this.article(item.id));
    });
  }
}

const utf8 = new TextEncoder();

/** The SQL condition for articles of `section` (every article for `all`). */
function inSection(section: string, prefix = ""): { where: string; params: string[] } {
  return section === ALL_SECTIONS ? { where: "1", params: [] } : { where: `${prefix}section = ?`, params: [section] };
}
