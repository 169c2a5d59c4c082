// Publishing: what each dirty key stands for in KV, built from the archive when the key is due.
// Accepting an article only marks keys dirty (in its transaction); the shared KV publisher
// (src/storage/kv-publisher.ts) paces, writes and retries them. To publish something new, add a kind
// of dirty key to `outputs` below and mark it dirty where it changes.
import { ALL_SECTIONS, configuredBaseUrl, SECTIONS } from "../config/publication";
import { partName } from "../feeds/archive/month";
import { PLACEHOLDER_BASE } from "../feeds/public-feed";
import { type PublishedSection, publishedItemsTag, RENDERER_VERSION, sectionIndex, sectionOutputs } from "../feeds/publish";
import type { SnapshotItem } from "../feeds/snapshot";
import { embargoLifted, epochMs, type StoredArticle } from "../model/article";
import { articleKey, PUBLISHED_FORMAT } from "../storage/kv-keys";
import { KvPublisher, type KvWrite } from "../storage/kv-publisher";
import { articleRow, lastChange, listable, newestPublished, newestPublishedIds, ParsedArticles, recentWithdrawals } from "./archive";
import { ChangeLog } from "./change-log";
import { articleItemDeletes, articleItemWrites, cachedFragments, itemsBeyondWindow, itemsNotPublished } from "./fragment-cache";
import { MonthlyArchives } from "./monthly-archives";

/**
 * How many articles that left a section's window one pass marks for their items' deletion. A window moves by an
 * article or a batch at a time; only a bulk load, or a store published before items followed the windows, leaves more.
 */
const ITEM_CLEANUP_PER_PASS = 500;

/**
 * A dirty key is `{kind}:{name}`: `section:yaowen`, `article:{id}`, `archive:yaowen/2026-11`, `archive-index:yaowen`,
 * `changes:page:3`, `window-items:yaowen`.
 */
type DirtyKind = "section" | "article" | "archive" | "archive-index" | "changes" | "window-items";

export class Publishing {
  private readonly sql: SqlStorage;
  private readonly publisher: KvPublisher;
  private readonly archives: MonthlyArchives;
  /** Each section as last built, until its writes land and listeners hear of it. */
  private readonly built = new Map<string, PublishedSection>();
  /** Sections whose writes landed in this run, for the listeners. */
  private landed: PublishedSection[] = [];
  /** The window's documents, parsed once per version for every section build of this object's life. */
  private readonly parsed = new ParsedArticles();

  /** What each kind of dirty key publishes, built synchronously from SQLite when the key is due. */
  private readonly outputs: Record<DirtyKind, (name: string, now: number) => KvWrite[]> = {
    // The section's index, its validators and its pre-rendered unfiltered feeds (items are the articles' own keys).
    section: (section, now) => this.section(section, now),
    // The stored article for single-article reads, and its version's feed items under keys of their own while
    // a section index can list it (written once per version; the replaced version's deleted); the items are
    // deleted once no index can list it, and the article too once it is not published.
    article: (id) => this.article(id),
    // A month's archive documents of a section (`yaowen/2026-11`): those whose content changed.
    archive: (name, now) => {
      const slash = name.lastIndexOf("/");
      return this.archives.buildMonth(name.slice(0, slash), name.slice(slash + 1), now);
    },
    // The list of a section's archived months, for its archive page.
    "archive-index": (section) => this.archives.buildIndex(section),
    // The partner change log's pages, items and head.
    changes: (name) => this.changeLog.build(name),
    // No writes of its own: the articles that left the section's window, whose publishes delete their items.
    "window-items": (section) => this.windowItems(section),
  };
  /** The partner change log; what it publishes is marked dirty here like any other output. */
  readonly changeLog: ChangeLog;

  constructor(
    storage: DurableObjectStorage,
    /** The object's env, read when used (tests swap its KV binding). */
    private readonly env: () => Env,
    /** Told of each section whose publish has landed in KV (the WebSub hub and the Workers Cache purge listen). It must not throw. */
    private readonly sectionLanded: (published: PublishedSection) => Promise<void> = async () => {},
  ) {
    this.sql = storage.sql;
    this.changeLog = new ChangeLog(this.sql, this);
    this.publisher = new KvPublisher(storage, () => this.env().FEEDS, {
      build: (key, now) => this.build(key, now),
      // Sections are what readers see, and building one is the slow part: first, one per run; then archive months.
      heavy: ["section:", "archive:"],
      landed: (key) => {
        const published = this.built.get(key);
        this.built.delete(key);
        if (published) this.landed.push(published);
      },
    });
    this.archives = new MonthlyArchives({
      sql: this.sql,
      markDirty: (key) => this.publisher.markDirty(key),
      ensureDirty: (key) => this.publisher.ensureDirty(key),
      // Archives in both scripts, from the same cached fragments as the current feeds.
      fragments: (article) => cachedFragments(this.sql, article, this.base()),
      // The fragments table's own tag, so archive builds find the fragments the current feeds cached.
      renderer: () => publishedItemsTag(this.base()),
      base: () => this.base(),
    });
  }

  markDirty(kind: DirtyKind, name: string): void {
    this.publisher.markDirty(`${kind}:${name}`);
  }

  /** An article changed in `section`: that section's outputs, `all`'s and the article's own. */
  articleChanged(section: string, id: string): void {
    this.markDirty("section", section);
    this.markDirty("section", ALL_SECTIONS);
    this.markDirty("article", id);
  }

  versionAccepted(article: StoredArticle, now: number): void {
    this.changeLog.versionAccepted(article, now);
  }

  withdrawn(id: string, now: number): void {
    this.changeLog.withdrawn(id, now);
  }

  /**
   * After a deploy that changes what is published (keys or rendering), publish every section anew, and
   * the items of every article a section index can list under the new renderer's keys.
   */
  async republishIfFormatChanged(): Promise<void> {
    const format = `${PUBLISHED_FORMAT}|${RENDERER_VERSION}|${this.base()}`;
    const current = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'published_format'").toArray()[0]?.value;
    if (current === format) return;
    for (const section of [...SECTIONS.map((s) => s.slug), ALL_SECTIONS]) {
      this.markDirty("section", section);
      for (const id of newestPublishedIds(this.sql, section)) this.markDirty("article", id);
    }
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('published_format', ?)", format);
    await this.schedule();
  }

  /** Publishes what is due (embargoes that lifted included), then tells the listeners what landed. */
  async run(now: number): Promise<void> {
    this.liftEmbargoes(now);
    this.changeLog.liftDue(now);
    this.changeLog.prune(now);
    await this.publisher.publishDue();
    const landed = this.landed;
    this.landed = [];
    // The hub only records the change (its alarm makes the requests): this waits on no subscriber.
    await Promise.all(landed.map((published) => this.sectionLanded(published)));
  }

  /**
   * Arms the alarm for the next due key or embargo. While the alarm's run is publishing, the alarm re-arms when
   * it ends (it sees what was marked meanwhile), so a push acknowledged then waits for no storage call here.
   */
  async schedule(): Promise<void> {
    if (this.publisher.busy) return;
    const embargo = this.sql
      .exec<{ at: number | null }>("SELECT MIN(next_embargo_ms) AS at FROM published WHERE next_embargo_ms IS NOT NULL")
      .one().at;
    const lift = this.changeLog.nextLift();
    await this.publisher.schedule(embargo === null ? lift : lift === null ? embargo : Math.min(embargo, lift));
  }

  private build(key: string, now: number): KvWrite[] {
    const colon = key.indexOf(":");
    const output = this.outputs[key.slice(0, colon) as DirtyKind];
    if (!output) throw new Error(`unknown dirty key ${key}`);
    return output(key.slice(colon + 1), now);
  }

  /** An embargo that has passed changes what its sections show: republish them. */
  private liftEmbargoes(now: number): void {
    const lifted = this.sql
      .exec<{ key: string }>("SELECT key FROM published WHERE next_embargo_ms IS NOT NULL AND next_embargo_ms <= ?", now)
      .toArray();
    for (const { key } of lifted) {
      this.publisher.markDirty(key);
      this.sql.exec("UPDATE published SET next_embargo_ms = NULL WHERE key = ?", key);
    }
  }

  private article(id: string): KvWrite[] {
    const row = articleRow(this.sql, id);
    if (row?.status !== "published") return [{ key: articleKey(id), value: null }, ...articleItemDeletes(this.sql, id)];
    // Items are read only for the entries of a section index. An article no window can list (loaded with an old
    // date, or pushed out by newer ones) needs none in KV: the section build that lists it again marks it dirty.
    const items = listable(this.sql, id)
      ? articleItemWrites(this.sql, JSON.parse(row.doc) as StoredArticle, this.base())
      : articleItemDeletes(this.sql, id);
    return [{ key: articleKey(id), value: row.doc }, ...items];
  }

  /**
   * Hands a section's window to its articles' own publishes: every listed version lacking its items gets them (a
   * reader meanwhile renders it from its article); the articles the window no longer lists lose theirs, found by
   * the section's `window-items` key.
   */
  private reconcileItems(section: string, items: readonly SnapshotItem[], base: string): void {
    const listed = items.map(({ article }) => ({ id: article.id, version: article.version }));
    for (const id of itemsNotPublished(this.sql, listed, base)) this.publisher.ensureDirty(`article:${id}`);
    if (section !== ALL_SECTIONS) this.publisher.ensureDirty(`window-items:${section}`);
  }

  /**
   * Marks the articles of `section` whose items are in KV although its window no longer lists them, a bounded
   * number at a time: their own publishes delete the items. While more remain (after a bulk load, thousands), it
   * marks itself again, so the rest follow a second later without waiting for the section's next change.
   */
  private windowItems(section: string): KvWrite[] {
    const beyond = itemsBeyondWindow(this.sql, section, newestPublishedIds(this.sql, section), ITEM_CLEANUP_PER_PASS);
    for (const id of beyond) this.publisher.ensureDirty(`article:${id}`);
    if (beyond.length === ITEM_CLEANUP_PER_PASS) this.markDirty("window-items", section);
    return [];
  }

  /** A section's snapshot from the archive, under a new revision, turned into its KV writes. */
  private section(section: string, now: number): KvWrite[] {
    const items = newestPublished(this.sql, section, this.parsed);
    const base = this.base();
    this.reconcileItems(section, items, base);
    // Where the current feed's window now ends decides what the archives hold (and which months to rebuild).
    const archived = this.archives.sectionPublished(section, items, now);
    const nextEmbargo = items
      .flatMap((i) => (i.article.embargo_until ? [epochMs(i.article.embargo_until)] : []))
      .filter((t) => !embargoLifted(t, now))
      .reduce((min, t) => Math.min(min, t), archived.nextEmbargo ?? Number.POSITIVE_INFINITY);
    const revision = this.sql
      .exec<{ revision: number }>(
        `INSERT INTO published (key, revision, next_embargo_ms) VALUES (?, 1, ?)
           ON CONFLICT (key) DO UPDATE SET revision = revision + 1, next_embargo_ms = excluded.next_embargo_ms RETURNING revision`,
        `section:${section}`,
        Number.isFinite(nextEmbargo) ? nextEmbargo : null,
      )
      .one().revision;
    const snapshot = {
      section,
      revision,
      generated_ms: now,
      changed_ms: lastChange(this.sql, section),
      items,
      withdrawals: recentWithdrawals(this.sql, section, now),
      ...(archived.newest ? { archive: partName(archived.newest) } : {}),
    };
    this.built.set(`section:${section}`, { index: sectionIndex(snapshot, base), now });
    return sectionOutputs(snapshot, (article) => cachedFragments(this.sql, article, base), base, now);
  }

  /** Base URL for our own links in published bodies: PUBLIC_BASE_URL, or a placeholder readers swap. */
  private base(): string {
    return configuredBaseUrl(this.env()) ?? PLACEHOLDER_BASE;
  }
}
