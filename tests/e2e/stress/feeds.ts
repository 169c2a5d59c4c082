// Reads the public feeds of a running server for the stress tests: whether they exist yet, every
// feed URL (section × format × filter), polling until a feed shows an expected state (the Newsroom
// publishes to KV from an alarm about a second after a write), and validating them in batches.
import { REGIONS, SECTIONS, TOPICS } from "../../../scripts/lib/sample-articles.mjs";
import type { DevServer } from "../helpers/dev-server";
import { pollUntil, send } from "./lib";
import { type FetchedFeed, validateFeeds } from "./validate";

export const FORMATS = ["rss", "atom", "json"] as const;
export const FEED_SECTIONS = [...SECTIONS, "all"];

/** The public feeds answer: a test that checks feeds fails here, rather than skipping its checks, when they don't. */
export async function expectFeedsServe(server: DevServer): Promise<void> {
  const reply = await send(`${server.url}/feeds/all.json`);
  if (reply.status !== 200) throw new Error(`GET /feeds/all.json answered ${reply.status}`);
}

/** Every public feed path: each section and `all`, each format, unfiltered and with region/topic filters. */
export function everyFeedPath(options: { filters?: boolean; limit?: number } = {}): { path: string; format: (typeof FORMATS)[number] }[] {
  const limit = options.limit ?? 100;
  const queries = [`limit=${limit}`];
  if (options.filters !== false) {
    queries.push(`region=${REGIONS[0]}&limit=${limit}`, `region=${REGIONS[2]}&limit=${limit}`);
    queries.push(`topic=${TOPICS[2]}&limit=${limit}`, `topic=${TOPICS[2]},${TOPICS[4]}&limit=${limit}`);
    queries.push(`region=${REGIONS[1]}&topic=${TOPICS[4]}&limit=${limit}`);
  }
  return FEED_SECTIONS.flatMap((section) =>
    FORMATS.flatMap((format) => queries.map((q) => ({ path: `/feeds/${section}.${format}?${q}`, format }))),
  );
}

/** Fetches feeds (10 at a time) and validates them all; returns the number of invalid feeds and their problems. */
export async function fetchAndValidate(
  server: DevServer,
  paths: { path: string; format: (typeof FORMATS)[number] }[],
): Promise<{ fetched: number; invalid: number; problems: string[]; statuses: number[] }> {
  const feeds: FetchedFeed[] = [];
  const problems: string[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < paths.length; i += 10) {
    const replies = await Promise.all(paths.slice(i, i + 10).map((p) => send(`${server.url}${p.path}`)));
    replies.forEach((reply, j) => {
      const { path, format } = paths[i + j]!;
      statuses.push(reply.status);
      if (reply.status !== 200) problems.push(`${path}: HTTP ${reply.status}`);
      else feeds.push({ name: path, format, body: typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body) });
    });
  }
  const invalid = validateFeeds(feeds);
  for (const [name, list] of invalid) problems.push(`${name}: ${list.join("; ")}`);
  const bad = new Set([...invalid.keys(), ...problems.map((p) => p.split(": ")[0]!)]);
  return { fetched: paths.length, invalid: bad.size, problems, statuses };
}

export interface ExpectedArticle {
  id: string;
  section: string;
  /** Orders the feed: a higher index is published later, so it is listed first. */
  index: number;
  version: number;
  visible: boolean;
}

/** The url and title stressArticle() gives an article, as a feed shows them. */
const urlOf = (id: string) => `https://gansu.news.example/stress/${id}.html`;

/**
 * Polls each section's JSON feed (and `all`) until it lists exactly the newest visible expected
 * articles at their expected versions, then validates every format of every section.
 */
export async function checkFeedsShow(
  server: DevServer,
  expected: ExpectedArticle[],
  timeoutMs = 60_000,
): Promise<{ invalid: number; mismatches: string[] }> {
  const mismatches: string[] = [];
  for (const section of FEED_SECTIONS) {
    const want = expected
      .filter((a) => a.visible && (section === "all" || a.section === section))
      .sort((a, b) => b.index - a.index)
      .slice(0, 100);
    const wantKey = want.map((a) => `${urlOf(a.id)} ${a.id} v${a.version}`).join("\n");
    let last = "";
    const ok = await pollUntil(async () => {
      const reply = await send(`${server.url}/feeds/${section}.json?limit=100`);
      if (reply.status !== 200) {
        last = `HTTP ${reply.status}`;
        return false;
      }
      last = (reply.body.items as any[]).map((item) => `${item.url} ${item.title}`).join("\n");
      return last === wantKey;
    }, timeoutMs);
    if (!ok) mismatches.push(`/feeds/${section}.json: expected\n${wantKey.slice(0, 2000)}\ngot\n${last.slice(0, 2000)}`);
  }
  const { invalid, problems } = await fetchAndValidate(server, everyFeedPath({ filters: false }));
  return { invalid, mismatches: [...mismatches, ...problems] };
}
