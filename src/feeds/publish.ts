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
import { UNFILTERED_QUERY } from "./query";
import { renderDocument } from "./render";
import { lastModified, liftedEmbargoes, nextEmbargo, selectEntries } from "./select";
import type { SectionSnapshot } from "./snapshot";

/** Bump when rendered items change shape, so the Newsroom re-renders its cached fragments. */
export const RENDERER_VERSION = "2";

/** Fragment texts are immutable per revision; readers of an older index may still need them for a while. */
const FRAGMENTS_TTL_SECONDS = 24 * 3600;

export type FragmentSource = (article: StoredArticle) => Record<FeedFormat, string>;

export function sectionOutputs(snapshot: SectionSnapshot, fragmentsOf: FragmentSource, base: string, now: number): KvWrite[] {
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
  const writes: KvWrite[] = [{ key: indexKey(snapshot.section), value: JSON.stringify(index) }];
  for (const format of FEED_FORMATS) {
    const text = texts[format].join("");
    writes.push({ key: fragmentsKey(snapshot.section, format, snapshot.revision), value: text, expirationTtl: FRAGMENTS_TTL_SECONDS });
    writes.push(prerenderedFeed(index, format, text, base, now));
  }
  return writes;
}

/** The section's unfiltered feed (default limit), rendered now and valid until the next embargo lifts. */
function prerenderedFeed(index: FeedIndex, format: FeedFormat, fragmentText: string, base: string, now: number): KvWrite {
  const section = findSection(index.section);
  if (!section) throw new Error(`unknown section ${index.section}`);
  const updated = lastModified(index, now);
  const selected = selectEntries(index, UNFILTERED_QUERY, now);
  const body = renderDocument(
    format,
    feedHead({
      base,
      pathPrefix: "/feeds",
      section,
      format,
      query: UNFILTERED_QUERY,
      updated: new Date(updated),
      licenceUrl: publicLicenceUrl(base),
      archive: index.archive,
    }),
    selected.map((entry) => fragmentOf(entry, format, fragmentText)),
  );
  const metadata: PrerenderedMeta = {
    revision: index.revision,
    lifted: liftedEmbargoes(index, now),
    valid_until: nextEmbargo(index, now),
    last_modified: updated,
    base,
  };
  return { key: feedKey(index.section, format), value: body, metadata: { ...metadata } };
}
