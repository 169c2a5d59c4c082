// The isolate memo under concurrent readers, against a real wrangler dev with FEED_MEMO_MS as deployed: many
// requests at once for the same feeds, unfiltered, filtered, Simplified and conditional, all answered (a KV read
// belongs to the request that made it, so the memo may share what was read, never a read in flight); and an update
// still shows up once published.
import { afterAll, beforeAll, expect, it } from "vitest";
import { sampleArticles } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { pollUntil, pool, send, signedPost, stopAll } from "./stress/lib";

const REQUESTS = 1000;
let server: DevServer;
beforeAll(async () => {
  // The memo on, as deployed; and PUBLIC_BASE_URL set, as in production, so stored bodies go out as read (shared bytes).
  server = await startDevServer({ vars: { FEED_MEMO_MS: "500", PUBLIC_BASE_URL: "https://feeds.example.org" } });
});
afterAll(() => stopAll(server));

const articles = sampleArticles(100, { seed: 15, start: Date.parse("2025-10-01T00:00:00+08:00"), bodyParagraphs: 16 }).map((a, i) => ({
  ...a,
  id: `memo-${String(i).padStart(3, "0")}`,
  section: "shijie",
}));

it(`answers every one of ${REQUESTS} requests, 50 at a time, and shows an update once it is published`, async () => {
  expect((await signedPost(server, articles)).status).toBe(200);
  // The newest of them, by publication time: the first item of the section's feeds once published.
  const newest = articles.reduce((a, b) => (Date.parse(a.published_at) > Date.parse(b.published_at) ? a : b));
  const shown = await pollUntil(async () => {
    const reply = await send(`${server.url}/feeds/shijie.json`);
    return reply.status === 200 && reply.body.items?.[0]?.id.endsWith(`:${newest.id}`);
  }, 30_000);
  expect(shown).toBe(true);

  const etag = (await send(`${server.url}/feeds/shijie.rss`)).headers!.get("ETag")!;
  const requests = [
    { path: "/feeds/shijie.rss" },
    { path: "/feeds/shijie.atom" },
    { path: "/feeds/shijie.json" },
    { path: "/zh-hans/feeds/shijie.rss" },
    { path: `/feeds/shijie.rss?topic=${newest.topics[0]}` },
    { path: "/feeds/all.json?limit=30" },
    { path: "/feeds/shijie.rss", headers: { "If-None-Match": etag } },
  ];
  const replies = await pool(
    Array.from({ length: REQUESTS }, (_, i) => requests[i % requests.length]!),
    50,
    (r) => send(`${server.url}${r.path}`, { headers: r.headers ?? {} }),
  );
  // A conditional request may find the section republished meanwhile (then 200); nothing else is acceptable.
  const unexpected = replies.filter(
    (reply, i) => reply.status !== 200 && !(requests[i % requests.length]!.headers && reply.status === 304),
  );
  expect(unexpected.map((reply) => `${reply.status} ${String(reply.body).slice(0, 200)}`)).toEqual([]);
  expect(replies.filter((reply) => reply.status === 304).length).toBeGreaterThan(0);

  const update = { ...newest, version: 2, title: "更新後的標題" };
  expect((await signedPost(server, update)).status).toBe(200);
  const updated = await pollUntil(
    async () => (await send(`${server.url}/feeds/shijie.json`)).body.items?.[0]?.title === update.title,
    30_000,
  );
  expect(updated).toBe(true);
});
