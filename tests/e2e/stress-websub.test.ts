// WebSub under a crash: 1,000 subscriptions (100 at CI's scale) across every section, format and a
// filter, a push storm, and kill -9 of wrangler dev (with its workerd) in the middle of it. After a
// restart on the same state, no subscription is lost and every subscriber ends up holding, signed,
// exactly the feed a GET of its topic serves: every push still owed at the crash was made.
import { afterAll, expect, it } from "vitest";
import { SECTIONS } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { type Subscriber, type Subscription, startSubscriber } from "./helpers/websub-subscriber";
import { adminGet, figures, killHard, pollUntil, pool, scaled, signedPost, stopAll, stressArticle } from "./stress/lib";

const BASE = "https://feeds.example.org";
let server: DevServer | undefined;
let subscriber: Subscriber | undefined;
afterAll(async () => {
  await subscriber?.close();
  await stopAll(server);
});

const start = (stateDir?: string) =>
  startDevServer({ ...(stateDir ? { stateDir } : {}), vars: { WEBSUB_ALLOW_PRIVATE_CALLBACKS: "true", PUBLIC_BASE_URL: BASE } });

/** Every section and `all`, each format, unfiltered and filtered: the topics subscriptions spread over. */
const TOPICS = [...SECTIONS, "all"].flatMap((section) =>
  ["rss", "atom", "json"].flatMap((format) => [`/feeds/${section}.${format}`, `/feeds/${section}.${format}?topic=transport`]),
);

async function activeCount(current: DevServer): Promise<number> {
  const reply = await adminGet(current, "/v1/websub/subscriptions");
  return reply.status === 200 ? (reply.body.subscriptions as { state: string }[]).filter((s) => s.state === "active").length : -1;
}

it("keeps every subscription through kill -9 mid-storm and makes every push still owed", async () => {
  const count = scaled(1000, 100);
  const storm = scaled(400, 60);
  server = await start();
  subscriber = await startSubscriber();
  const hub = `${server.url}/websub`;
  const first = server;
  expect((await signedPost(first, stressArticle("ws-storm-seed", 1, "yaowen", 0))).status).toBe(200);

  // Subscribe, each from its own client address (60 a minute per client); a 429 for the callback host is waited out.
  const subs: Subscription[] = [];
  const started = performance.now();
  await pool(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (i) => {
      const topic = `${BASE}${TOPICS[i % TOPICS.length]}`;
      for (;;) {
        const { status, subscription } = await subscriber!.subscribe(hub, topic, {
          secret: `secret-${i}`,
          headers: { "CF-Connecting-IP": `198.18.${Math.floor(i / 50)}.${i % 50}` },
        });
        if (status === 202) return void subs.push(subscription);
        subscriber!.subscriptions.delete(subscription.id);
        expect(status).toBe(429);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
  );
  expect(await pollUntil(async () => (await activeCount(first)) === count, 120_000)).toBe(true);
  const subscribeSeconds = (performance.now() - started) / 1000;

  // The storm: pushes across sections; kill -9 when 40% are acknowledged.
  let acknowledged = 0;
  let killed = false;
  await pool(
    Array.from({ length: storm }, (_, i) => i),
    10,
    async (i) => {
      if (killed) return;
      // Every storm article is a transport story, so it changes its section's filtered topics too.
      const article = stressArticle(`ws-storm-${i}`, 1, SECTIONS[i % SECTIONS.length]!, i + 1, { topics: ["transport", "culture"] });
      const reply = await signedPost(first, article);
      if (reply.status === 200) acknowledged++;
      if (!killed && acknowledged >= storm * 0.4) {
        killed = true;
        await killHard(first);
      }
    },
  );
  const deliveredAtKill = subs.reduce((n, s) => n + s.deliveries.length, 0);
  expect(killed).toBe(true);

  server = await start(first.stateDir);
  const second = server;
  const restartedAt = performance.now();
  expect(await activeCount(second)).toBe(count);

  // Every subscriber ends up with its topic's current feed, signed with its own secret.
  const topicBody = new Map<string, Buffer>();
  const pending = async () => {
    topicBody.clear();
    let behind = 0;
    for (const sub of subs) {
      const path = sub.topic.slice(BASE.length);
      if (!topicBody.has(path)) topicBody.set(path, Buffer.from(await (await fetch(`${second.url}${path}`)).arrayBuffer()));
      const last = sub.deliveries.at(-1);
      if (!last?.body.equals(topicBody.get(path)!) || last.signatureValid !== true) behind++;
    }
    return behind;
  };
  await pollUntil(async () => (await pending()) === 0, 180_000, 1000);
  expect(await pending()).toBe(0);
  const caughtUpSeconds = (performance.now() - restartedAt) / 1000;
  expect(await activeCount(second)).toBe(count);
  const invalid = subs.flatMap((s) => s.deliveries).filter((d) => d.signatureValid !== true).length;
  expect(invalid).toBe(0);

  figures("websub-crash", {
    subscriptions: count,
    topics: new Set(subs.map((s) => s.topic)).size,
    subscribe_seconds: Math.round(subscribeSeconds * 10) / 10,
    storm_pushes: storm,
    acknowledged_before_kill: acknowledged,
    deliveries_before_kill: deliveredAtKill,
    deliveries_total: subs.reduce((n, s) => n + s.deliveries.length, 0),
    subscriptions_lost: count - (await activeCount(second)),
    caught_up_seconds_after_restart: Math.round(caughtUpSeconds * 10) / 10,
    invalid_signatures: invalid,
  });
});
