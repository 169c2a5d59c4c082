// What a WebSub topic is here: a public feed URL we serve, exactly as its self link reads
// (section, format, canonical filters), so a push carries the bytes a GET of that URL returns.
import { findSection, SCRIPT_PREFIX, type Script } from "../config/publication";
import type { FeedFormat } from "../feeds/model";
import { feedUrl } from "../feeds/public-feed";
import { type FeedQuery, parseFeedFile, parseFeedQuery } from "../feeds/query";
import { ProblemError } from "../http/problem";

/** Where a topic's feed lives: the section shard that holds its subscriptions, and what to render. */
export interface TopicSpec {
  /** The full URL, as the feed's self link reads; the subscription's key. */
  url: string;
  /** Origin our links in the pushed body name (the topic's own). */
  base: string;
  section: string;
  format: FeedFormat;
  query: FeedQuery;
  /** zh-Hans for a Simplified twin (`/zh-hans/feeds/…`); absent (zh-Hant) in specs stored before twins were topics. */
  script?: Script;
}

/** Path prefixes of public feeds, each with the script it serves: the Traditional feeds and their Simplified twins. */
const FEED_PREFIXES: readonly { prefix: string; script: Script }[] = (["zh-Hant", "zh-Hans"] as const).map((script) => ({
  prefix: `${SCRIPT_PREFIX[script]}/feeds/`,
  script,
}));

const refuse = (detail: string) => new ProblemError(400, `hub.topic: ${detail}`, { errors: [{ pointer: "/hub.topic", detail }] });

/** Parses `hub.topic` against the feeds served at `base`; anything else is a 400 naming the field. */
export function parseTopic(topic: string, base: string): TopicSpec {
  let url: URL;
  try {
    url = new URL(topic);
  } catch {
    throw refuse(`must be an absolute URL of one of our public feeds, e.g. ${base}/feeds/yaowen.rss`);
  }
  if (url.origin !== base) throw refuse(`this hub only serves feeds at ${base}/feeds/…; ${url.origin} is not ours`);
  const served = FEED_PREFIXES.find((p) => url.pathname.startsWith(p.prefix));
  const file = served ? url.pathname.slice(served.prefix.length) : "";
  if (!served || file.includes("/"))
    throw refuse(`${url.pathname} is not a public feed; feeds are ${base}/feeds/{section}.{rss|atom|json} (or /zh-hans/feeds/…)`);
  const { script } = served;
  let spec: Omit<TopicSpec, "url" | "base" | "script">;
  try {
    const { section, format } = parseFeedFile(file);
    spec = { section: section.slug, format, query: parseFeedQuery(url.searchParams) };
  } catch (error) {
    if (error instanceof ProblemError) throw refuse(error.problem.detail ?? "is not a feed we serve");
    throw error;
  }
  const section = findSection(spec.section)!;
  const self = feedUrl(base, "/feeds", section, spec.format, spec.query, script);
  if (url.hash || `${url.origin}${url.pathname}${url.search}` !== self) {
    throw refuse(`use the feed's self link, ${self} (filters in canonical order, defaults left out)`);
  }
  return { url: self, base, ...spec, script };
}

/** The script a topic's feed is in (specs stored before the twins were topics name none: Traditional). */
export const topicScript = (spec: TopicSpec): Script => spec.script ?? "zh-Hant";
