// The change log partners sync from: every change to what partners may see, in one order. The
// Newsroom appends to it (src/newsroom) and publishes it to KV in pages that only grow; the change
// feed (src/partners) reads the pages and decides, per partner, what each entry means to it. An
// entry carries the article's coverage before and after, so that decision is the feeds' own
// licence rule applied twice, and the log itself never depends on any partner.
import type { StoredArticle, Syndication } from "../model/article";

/** Entries per KV page. A page's key never changes; entries are only ever added to its end. */
export const CHANGE_PAGE_SIZE = 50;
/** Changes per answer of GET /partner/changes: the default, and the most a client may ask for. */
export const DEFAULT_CHANGES_LIMIT = 50;
export const MAX_CHANGES_LIMIT = 100;
/** Entries are kept (and cursors into them honoured) at least this long. */
export const CHANGE_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** What a licence decision looks at, and whether anyone may see the version at all yet. */
export interface Coverage {
  section: string;
  regions: string[];
  topics: string[];
  syndication: Syndication;
  /** Published and past its embargo. */
  visible: boolean;
}

export interface ChangeEntry {
  /** The position in the log: 1, 2, 3… with no gaps. */
  seq: number;
  /** When the change happened (ms): accepted, withdrawn, or the embargo's time. */
  at: number;
  id: string;
  version: number;
  /** As partners could last see it; null before the first visible version. */
  before: Coverage | null;
  /** As partners may see it now; null once withdrawn. */
  after: Coverage | null;
}

/** One KV page: the entries with seq in [page × size, (page + 1) × size), in order. */
export interface ChangePage {
  page: number;
  entries: ChangeEntry[];
}

/** The log's extent, for a pull without a cursor (start at `first`) and to tell an expired cursor (410). */
export interface ChangeHead {
  /** The oldest retained entry. */
  first: number;
  /** The newest entry; 0 when the log is empty. */
  last: number;
}

/** The item documents of an entry's version, by ninjs version, with the licence left as holes. */
export type ChangeItem = Record<"2.2" | "3.1", string>;

export const pageOf = (seq: number) => Math.floor(seq / CHANGE_PAGE_SIZE);

/** An article version's coverage at `now`; null once withdrawn. */
export function coverageOf(article: StoredArticle, now: number): Coverage | null {
  if (article.status !== "published") return null;
  return {
    section: article.section,
    regions: article.regions,
    topics: article.topics,
    syndication: article.rights.syndication,
    visible: article.embargo_until === undefined || Date.parse(article.embargo_until) <= now,
  };
}

/** Only a change some partner could notice is logged: one where the article was or becomes visible. */
export function worthLogging(before: Coverage | null, after: Coverage | null): boolean {
  return Boolean(before?.visible || after?.visible);
}

/** Does the entry need its version's item document (it shows the article to someone)? */
export function needsItem(entry: Pick<ChangeEntry, "after">): boolean {
  return Boolean(entry.after?.visible && entry.after.syndication !== "none");
}

/** The log's memory of one article: the version and coverage it last judged, and a pending embargo. */
export interface LoggedState {
  version: number;
  coverage: Coverage | null;
  /** When an embargo will make the current version visible (ms); null when none is pending. */
  liftAt: number | null;
}

/** An entry before it is given its position. */
export type NewEntry = Omit<ChangeEntry, "seq">;

/** A new version accepted at `now` (a push with status `withdrawn` too): what to log and keep. */
export function logVersion(prev: LoggedState | null, article: StoredArticle, now: number): { entry: NewEntry | null; state: LoggedState } {
  const after = coverageOf(article, now);
  const before = prev?.coverage ?? null;
  const entry = worthLogging(before, after) ? { at: now, id: article.id, version: article.version, before, after } : null;
  const liftAt = after && !after.visible && article.embargo_until ? Date.parse(article.embargo_until) : null;
  return { entry, state: { version: article.version, coverage: after, liftAt } };
}

/** The current version withdrawn at `now` (no new version). */
export function logWithdrawal(prev: LoggedState, id: string, now: number): { entry: NewEntry | null; state: LoggedState } {
  const entry = worthLogging(prev.coverage, null) ? { at: now, id, version: prev.version, before: prev.coverage, after: null } : null;
  return { entry, state: { version: prev.version, coverage: null, liftAt: null } };
}

/** The pending embargo of the current version has passed: it becomes visible, at the embargo's time. */
export function logLift(prev: LoggedState & { coverage: Coverage; liftAt: number }, id: string): { entry: NewEntry; state: LoggedState } {
  const after = { ...prev.coverage, visible: true };
  return {
    entry: { at: prev.liftAt, id, version: prev.version, before: prev.coverage, after },
    state: { version: prev.version, coverage: after, liftAt: null },
  };
}
