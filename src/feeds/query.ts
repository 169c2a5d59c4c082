// Parsing what a feed URL asks for: /feeds/{section}.{format}?region=&topic=&limit=.
// Never trust a query string: every value is checked, and anything unexpected is a 400 naming it.
import { DEFAULT_FEED_LIMIT, findSection, MAX_FEED_LIMIT, type Section } from "../config/publication";
import { ProblemError } from "../http/problem";
import { FEED_FORMATS, type FeedFormat } from "./model";

export interface FeedQuery {
  /** A region path; matches it and everything under it, by whole segments. */
  region?: string;
  /** Any of these topics (sorted, unique). */
  topics: string[];
  limit: number;
}

const REGION = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;
const TOPIC = /^[a-z0-9-]+$/;
const MAX_TOPICS = 20;

/** The section's plain feed: no filters, the default limit (served pre-rendered). */
export const UNFILTERED_QUERY: FeedQuery = { topics: [], limit: DEFAULT_FEED_LIMIT };

/** `yaowen.rss` → the section and format, or a 404 for anything not configured. */
export function parseFeedFile(file: string): { section: Section; format: FeedFormat } {
  const dot = file.lastIndexOf(".");
  const section = dot > 0 ? findSection(file.slice(0, dot)) : undefined;
  const format = file.slice(dot + 1) as FeedFormat;
  if (!section || !FEED_FORMATS.includes(format)) {
    throw new ProblemError(404, `No feed "${file}". Feeds are /feeds/{section}.{rss|atom|json}; see / for the sections.`);
  }
  return { section, format };
}

export function parseFeedQuery(params: URLSearchParams): FeedQuery {
  const single = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1) throw badParam(name, `give "${name}" once`);
    return values[0];
  };
  const region = single("region");
  if (region !== undefined && (region.length > 200 || !REGION.test(region))) {
    throw badParam("region", "a region is a path of lowercase slugs, e.g. gansu/lanzhou");
  }
  const topic = single("topic");
  const topics = topic === undefined ? [] : [...new Set(topic.split(","))].sort();
  if (topic !== undefined && (topics.length > MAX_TOPICS || topics.some((t) => !TOPIC.test(t)))) {
    throw badParam("topic", `topics are up to ${MAX_TOPICS} comma-separated lowercase slugs, e.g. tourism,culture`);
  }
  const limitText = single("limit");
  const limit = limitText === undefined ? DEFAULT_FEED_LIMIT : Number(limitText);
  if (limitText !== undefined && (!/^\d{1,3}$/.test(limitText) || limit < 1 || limit > MAX_FEED_LIMIT)) {
    throw badParam("limit", `limit is a whole number from 1 to ${MAX_FEED_LIMIT}`);
  }
  return { ...(region !== undefined ? { region } : {}), topics, limit };
}

/** The canonical query string of a feed (stable order, defaults left out), "" or "?…". */
export function canonicalQuery(query: FeedQuery): string {
  if (isUnfiltered(query)) return "";
  const params = new URLSearchParams();
  if (query.region) params.set("region", query.region);
  if (query.topics.length) params.set("topic", query.topics.join(","));
  if (query.limit !== DEFAULT_FEED_LIMIT) params.set("limit", String(query.limit));
  const text = params.toString().replaceAll("%2F", "/").replaceAll("%2C", ",");
  return text ? `?${text}` : "";
}

/**
 * Queries whose canonical form stands in for any query in what is built once per feed and reused (the Link
 * header, a document's shell): a feed's URLs differ between queries only by their canonical query string, spliced
 * in where the hole stands. A query of several parameters holds "&", which XML renderers may set apart (CDATA),
 * so its hole holds one too. A reader who sends a hole itself gets the same bytes either way.
 */
const HOLES = [
  { region: "zz-query-hole-zz", topics: [], limit: DEFAULT_FEED_LIMIT },
  { region: "zz-query-hole-zz", topics: [], limit: 7 }, // any limit but the default: a second parameter
].map((query: FeedQuery) => ({ query, text: canonicalQuery(query) }));
export const queryHole = (q: string): { query: FeedQuery; text: string } => HOLES[q.includes("&") ? 1 : 0]!;

/** Is this the section's unfiltered feed, the one served pre-rendered? */
export function isUnfiltered(query: FeedQuery): boolean {
  return query.region === undefined && query.topics.length === 0 && query.limit === DEFAULT_FEED_LIMIT;
}

function badParam(name: string, detail: string): ProblemError {
  return new ProblemError(400, `Invalid query parameter "${name}": ${detail}.`, { errors: [{ pointer: `#/query/${name}`, detail }] });
}
