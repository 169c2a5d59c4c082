// Turns a section snapshot into what the read path serves: the compact index, each format's item
// fragments, and the pre-rendered unfiltered feeds. Runs inside the Newsroom when it publishes,
// never on a reader's request, so a request is a KV read plus selection and concatenation.
import { findSection } from "../config/publication";
import type { StoredArticle } from "../model/article";
import { feedKey, fragmentsKey, indexKey } from "../storage/kv-keys";
import type { KvWrite } from "../storage/kv-publisher";
import { type FeedIndex, fragmentOf, type IndexEntry, type PrerenderedMeta } from "./feed-index";
import { FEED_FORMATS, type FeedFormat } from "./model";
import { feedHead, publicLicenceUrl } from "./public-feed";
import { type FeedQuery, UNFILTERED_QUERY } from "./query";
import { renderDocument } from "./render";
import { lastModified, liftedEmbargoes, nextEmbargo, selectEntries } from "./select";
import type { SectionSnapshot } from "./snapshot";

/** Bump when rendered items change shape, so the Newsroom re-renders its cached fragments. */
export const RENDERER_VERSION = "2";

/** Fragment texts are immutable per revision; readers of an older index may still need them for a while. */
const FRAGMENTS_TTL_SECONDS = 24 * 3600;

export type FragmentSource = (article: StoredArticle) => Record<FeedFormat, string>;

/** A section as published: its index and each format's item fragments, concatenated (offsets in the index). */
export interface PublishedSection {
  index: FeedIndex;
  fragments: Record<FeedFormat, string>;
  /** When it was published (ms): what the pre-rendered bodies were rendered for. */
  now: number;
}

export function publishSection(snapshot: SectionSnapshot, fragmentsOf: FragmentSource, base: string, now: number): PublishedSection {
  const texts: Record<FeedFormat, string[]> = { rss: [], atom: [], json: [] };
  const lengths: Record<FeedFormat, number> = { rss: 0, atom: 0, json: 0 };
  const entries: IndexEntry[] = snapshot.items.map(({ article, changed_ms }) => {
    const fragments = fragmentsOf(article);
    const at = FEED_FORMATS.flatMap((format) => {
      const start = lengths[format];
      texts[format].push(fragments[format]);
      lengths[format] += fragments[format].length;
      return [start, lengths[format]];
    }) as IndexEntry["at"];
    return {
      id: article.id,
      version: article.version,
      section: article.section,
      published_ms: Date.parse(article.published_at),
      ...(article.embargo_until ? { embargo_ms: Date.parse(article.embargo_until) } : {}),
      changed_ms,
      regions: article.regions,
      topics: article.topics,
      syndication: article.rights.syndication,
      at,
    };
  });
  const index: FeedIndex = {
    section: snapshot.section,
    revision: snapshot.revision,
    generated_ms: snapshot.generated_ms,
    changed_ms: snapshot.changed_ms,
    entries,
    withdrawals: snapshot.withdrawals,
    base,
    ...(snapshot.archive ? { archive: snapshot.archive } : {}),
  };
  return { index, fragments: { rss: texts.rss.join(""), atom: texts.atom.join(""), json: texts.json.join("") }, now };
}

export function sectionOutputs(snapshot: SectionSnapshot, fragmentsOf: FragmentSource, base: string, now: number): KvWrite[] {
  return publicationWrites(publishSection(snapshot, fragmentsOf, base, now));
}

/** What a published section puts in KV: the index, the fragment texts and the pre-rendered unfiltered feeds. */
export function publicationWrites({ index, fragments, now }: PublishedSection): KvWrite[] {
  const writes: KvWrite[] = [{ key: indexKey(index.section), value: JSON.stringify(index) }];
  for (const format of FEED_FORMATS) {
    writes.push({
      key: fragmentsKey(index.section, format, index.revision),
      value: fragments[format],
      expirationTtl: FRAGMENTS_TTL_SECONDS,
    });
    writes.push(prerenderedFeed(index, format, fragments[format], index.base, now));
  }
  return writes;
}

/**
 * A public feed of a published section, rendered from its index and fragment text: the bytes a GET
 * serves (the pre-rendered unfiltered feed, and what the WebSub hub pushes for every topic).
 */
export function renderPublicFeed(index: FeedIndex, format: FeedFormat, fragmentText: string, query: FeedQuery, now: number): string {
  const section = findSection(index.section);
  if (!section) throw new Error(`unknown section ${index.section}`);
  const selected = selectEntries(index, query, now);
  return renderDocument(
    format,
    feedHead({
      base: index.base,
      pathPrefix: "/feeds",
      section,
      format,
      query,
      updated: new Date(lastModified(index, now)),
      licenceUrl: publicLicenceUrl(index.base),
      archive: index.archive,
    }),
    selected.map((entry) => fragmentOf(entry, format, fragmentText)),
  );
}

/** The section's unfiltered feed (default limit), rendered now and valid until the next embargo lifts. */
function prerenderedFeed(index: FeedIndex, format: FeedFormat, fragmentText: string, base: string, now: number): KvWrite {
  const body = renderPublicFeed(index, format, fragmentText, UNFILTERED_QUERY, now);
  const metadata: PrerenderedMeta = {
    revision: index.revision,
    lifted: liftedEmbargoes(index, now),
    valid_until: nextEmbargo(index, now),
    last_modified: lastModified(index, now),
    base,
  };
  return { key: feedKey(index.section, format), value: body, metadata: { ...metadata } };
}
