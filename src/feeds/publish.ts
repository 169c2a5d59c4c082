// Turns what the Newsroom holds into what the read path serves: a section's compact index, its
// validators and pre-rendered unfiltered feeds, and each article version's items under keys of their
// own. Runs inside the Newsroom when it publishes, never on a reader's request, so a request is a KV
// read plus selection and concatenation. A section publish writes only its index, validators and
// bodies (bounded by the feed's default limit); an item is written once per article version.
import { findSection, SCRIPTS, type Script } from "../config/publication";
import type { StoredArticle } from "../model/article";
import { feedKey, indexKey, itemKey, validatorsKey } from "../storage/kv-keys";
import type { KvWrite } from "../storage/kv-publisher";
import type { FeedIndex, IndexEntry, PrerenderedMeta } from "./feed-index";
import { digest } from "./http";
import { FEED_FORMATS, type FeedFormat } from "./model";
import { feedHead, publicLicenceUrl } from "./public-feed";
import { UNFILTERED_QUERY } from "./query";
import { renderDocument } from "./render";
import { lastModified, liftedEmbargoes, nextEmbargo, selectEntries } from "./select";
import type { SectionSnapshot } from "./snapshot";

/**
 * Bump when rendered items or published feed heads change shape, so the Newsroom re-renders its cached
 * fragments and republishes every section (7: the Simplified feeds link their own archives; 8: an archive part's
 * title names its part, not the month's part count).
 */
export const RENDERER_VERSION = "8";

export type ItemFragments = Record<FeedFormat, string>;
/** An article version's items in every format and script (the Newsroom keeps them, rendered and converted once). */
export type ScriptFragments = Record<Script, ItemFragments>;
export type FragmentSource = (article: StoredArticle) => ScriptFragments;

/** What names items rendered by this renderer with this base URL (FeedIndex.items, part of every item key). */
export const publishedItemsTag = (base: string) => `r${RENDERER_VERSION}.${digest(base)}`;

/** A section whose publish has landed in KV: its index and when it was published (ms), for the listeners. */
export interface PublishedSection {
  index: FeedIndex;
  now: number;
}

/** An article version's items, one KV key per format and script; null deletes them (a replaced version, a withdrawal). */
export function itemWrites(renderer: string, id: string, version: number, fragments: ScriptFragments | null): KvWrite[] {
  return SCRIPTS.flatMap((script) =>
    FEED_FORMATS.map((format) => ({ key: itemKey(renderer, id, version, format, script), value: fragments?.[script][format] ?? null })),
  );
}

/** The section's index: its entries without bodies, which item keys they read, and its withdrawals. */
export function sectionIndex(snapshot: SectionSnapshot, base: string): FeedIndex {
  const entries: IndexEntry[] = snapshot.items.map(({ article, changed_ms }) => ({
    id: article.id,
    version: article.version,
    section: article.section,
    published_ms: Date.parse(article.published_at),
    ...(article.embargo_until ? { embargo_ms: Date.parse(article.embargo_until) } : {}),
    changed_ms,
    regions: article.regions,
    topics: article.topics,
    syndication: article.rights.syndication,
  }));
  return {
    section: snapshot.section,
    revision: snapshot.revision,
    generated_ms: snapshot.generated_ms,
    changed_ms: snapshot.changed_ms,
    entries,
    withdrawals: snapshot.withdrawals,
    base,
    ...(snapshot.archive ? { archive: snapshot.archive } : {}),
    items: publishedItemsTag(base),
  };
}

/**
 * A section publish: the index, the validators and the pre-rendered unfiltered feeds. Only the items the
 * unfiltered feeds show are asked of `fragmentsOf`; the rest are already in KV under their own keys.
 */
export function sectionOutputs(snapshot: SectionSnapshot, fragmentsOf: FragmentSource, base: string, now: number): KvWrite[] {
  const index = sectionIndex(snapshot, base);
  const shown = new Set(selectEntries(index, UNFILTERED_QUERY, now).map((entry) => entry.id));
  const fragments = snapshot.items.filter(({ article }) => shown.has(article.id)).map(({ article }) => fragmentsOf(article));
  const metadata: PrerenderedMeta = {
    revision: index.revision,
    lifted: liftedEmbargoes(index, now),
    valid_until: nextEmbargo(index, now),
    last_modified: lastModified(index, now),
    base,
  };
  return [
    { key: indexKey(snapshot.section), value: JSON.stringify(index) },
    { key: validatorsKey(snapshot.section), value: JSON.stringify(metadata) },
    ...SCRIPTS.flatMap((script) =>
      FEED_FORMATS.map((format) =>
        prerenderedFeed(
          index,
          format,
          script,
          metadata,
          fragments.map((item) => item[script]),
          base,
        ),
      ),
    ),
  ];
}

/** The section's unfiltered feed (default limit), rendered now and valid until the next embargo lifts. */
function prerenderedFeed(
  index: FeedIndex,
  format: FeedFormat,
  script: Script,
  metadata: PrerenderedMeta,
  items: ItemFragments[],
  base: string,
): KvWrite {
  const section = findSection(index.section);
  if (!section) throw new Error(`unknown section ${index.section}`);
  const body = renderDocument(
    format,
    feedHead({
      base,
      pathPrefix: "/feeds",
      section,
      format,
      query: UNFILTERED_QUERY,
      updated: new Date(metadata.last_modified),
      licenceUrl: publicLicenceUrl(base),
      archive: index.archive,
      script,
    }),
    items.map((item) => item[format]),
  );
  return { key: feedKey(index.section, format, script), value: body, metadata: { ...metadata } };
}
