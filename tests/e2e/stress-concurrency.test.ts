// Concurrency against a real wrangler dev: a storm of pushes (duplicates, out-of-order versions,
// replays, batches mixed with singles, withdrawals by push and by signed DELETE, every section,
// articles that move to another section in a later version, embargoes that lift mid-run)
// ends in exactly the highest version of each article, nothing acknowledged is lost, and no 5xx.
import { afterAll, beforeAll, expect, it } from "vitest";
import { SECTIONS } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { checkFeedsShow, expectFeedsServe } from "./stress/feeds";
import {
  adminGet,
  FULL,
  figures,
  pollUntil,
  pool,
  type Reply,
  rng,
  scaled,
  send,
  shuffle,
  signedDelete,
  signedPost,
  stopAll,
  stressArticle,
} from "./stress/lib";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => stopAll(server));

type Kind = "published" | "withdrawn-by-push" | "withdrawn-by-delete";
interface Plan {
  id: string;
  /** The section of the highest version (an article that moves has another section per version). */
  section: string;
  moves: boolean;
  embargoed: boolean;
  index: number;
  maxVersion: number;
  kind: Kind;
}
interface Delivery {
  items: { id: string; version: number }[];
  batch: boolean;
  webhookId: string;
  replayOf?: Delivery;
}

it("a storm of concurrent pushes ends in the highest version of every article, with nothing lost and no 5xx", async () => {
  const random = rng(20261127);
  const targetPushes = scaled(1000, 100);
  const articles: Plan[] = Array.from({ length: scaled(300, 30) }, (_, index) => {
    const roll = random();
    return {
      id: `storm-${String(index).padStart(4, "0")}`,
      section: "",
      moves: random() < 0.2,
      embargoed: random() < 0.1,
      index,
      maxVersion: 1 + Math.floor(random() * 4),
      kind: roll < 0.15 ? "withdrawn-by-delete" : roll < 0.25 ? "withdrawn-by-push" : "published",
    };
  });
  const sectionOf = (plan: Plan, version: number) => SECTIONS[(plan.index + (plan.moves ? version : 0)) % SECTIONS.length]!;
  for (const plan of articles) plan.section = sectionOf(plan, plan.maxVersion);
  const byId = new Map(articles.map((a) => [a.id, a]));
  // Invisible until a few seconds into the run; the Newsroom's alarm has to lift them by itself.
  const embargoUntil = new Date(Date.now() + (FULL ? 8_000 : 3_000)).toISOString();
  const body = (item: { id: string; version: number }) => {
    const plan = byId.get(item.id)!;
    const withdrawn = plan.kind === "withdrawn-by-push" && item.version === plan.maxVersion;
    return stressArticle(item.id, item.version, sectionOf(plan, item.version), plan.index, {
      ...(withdrawn ? { status: "withdrawn" } : {}),
      ...(plan.embargoed ? { embargo_until: embargoUntil } : {}),
    });
  };

  // Every version of every article in random order, in singles and batches of 2–10; then
  // duplicates of random versions until the storm has `targetPushes` requests; then exact replays.
  const versions = shuffle(
    articles.flatMap((a) => Array.from({ length: a.maxVersion }, (_, v) => ({ id: a.id, version: v + 1 }))),
    random,
  );
  const items: { id: string; version: number }[] = [];
  const deliveries: Delivery[] = [];
  const replays = Math.ceil(targetPushes / 20);
  for (let next = 0; next < versions.length || deliveries.length < targetPushes - replays; ) {
    const n = random() < 0.8 ? 1 : 2 + Math.floor(random() * 9);
    const chunk = Array.from({ length: n }, () =>
      next < versions.length ? versions[next++]! : versions[Math.floor(random() * versions.length)]!,
    );
    items.push(...chunk);
    deliveries.push({ items: chunk, batch: chunk.length > 1 || random() < 0.2, webhookId: `msg_storm_${deliveries.length}` });
  }
  for (const original of shuffle(deliveries, random).slice(0, replays)) {
    deliveries.push({ ...original, replayOf: original });
  }
  const order = shuffle(deliveries, random);

  const statuses: number[] = [];
  const acked = new Map<string, number>();
  const deleted = new Set<string>();
  const unexpected: string[] = [];
  const record = (what: string, reply: Reply) => {
    statuses.push(reply.status);
    if (reply.status !== 200) unexpected.push(`${what}: ${reply.status} ${reply.error ?? JSON.stringify(reply.body)}`);
  };
  const started = performance.now();
  await pool(order, 50, async (delivery) => {
    const payload = delivery.batch ? delivery.items.map(body) : body(delivery.items[0]!);
    const reply = await signedPost(server, payload, { id: delivery.webhookId });
    record(`POST ${delivery.webhookId}`, reply);
    if (reply.status !== 200) return;
    expect(reply.body.results).toHaveLength(delivery.items.length);
    for (const item of delivery.items) acked.set(item.id, Math.max(acked.get(item.id) ?? 0, item.version));
    // A withdrawal by DELETE goes out as soon as the article's last version is acknowledged,
    // while the rest of the storm (including its older, stale versions) is still arriving.
    for (const item of delivery.items) {
      const plan = byId.get(item.id)!;
      if (plan.kind === "withdrawn-by-delete" && item.version === plan.maxVersion && !deleted.has(item.id)) {
        deleted.add(item.id);
        const del = await signedDelete(server, item.id);
        record(`DELETE ${item.id}`, del);
        if (del.status === 200) expect(del.body.results[0]).toMatchObject({ id: item.id, version: plan.maxVersion, outcome: "withdrawn" });
      }
    }
  });
  const stormMs = performance.now() - started;

  // Read back every acknowledged article from the source of truth.
  const wrong: string[] = [];
  await pool([...acked], 50, async ([id, version]) => {
    const plan = byId.get(id)!;
    const reply = await adminGet(server, `/v1/articles/${id}`);
    const status = plan.kind === "published" ? "published" : "withdrawn";
    if (reply.status !== 200) wrong.push(`${id}: GET ${reply.status}`);
    else if (
      reply.body.version !== version ||
      reply.body.title !== `${id} v${version}` ||
      reply.body.status !== status ||
      reply.body.section !== plan.section
    ) {
      wrong.push(
        `${id}: holds v${reply.body.version} ${reply.body.status} in ${reply.body.section} "${reply.body.title}", expected v${version} ${status} in ${plan.section}`,
      );
    }
  });

  await expectFeedsServe(server);
  let invalidFeeds: number | null = null;
  let feedMismatches: string[] = [];
  const expected = articles
    .filter((a) => acked.has(a.id))
    .map((a) => ({ ...a, version: acked.get(a.id)!, visible: a.kind === "published" }));
  ({ invalid: invalidFeeds, mismatches: feedMismatches } = await checkFeedsShow(server, expected));

  // Kill notices: a partner licensed for everything hears of every withdrawal of a visible article
  // (those withdrawn by DELETE outside an embargo, at least), and never of an article still published.
  let withdrawalsListed = 0;
  const withdrawalProblems: string[] = [];
  const admin = { Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" };
  const watcher = await send(`${server.url}/v1/partners/storm-watch`, {
    method: "PUT",
    headers: admin,
    body: JSON.stringify({
      name: "Storm watch",
      sections: ["*"],
      rate_limit_per_minute: 100_000,
      license: {
        id: "storm-watch",
        url: "https://licences.example/storm",
        attribution: "來源:國際在線",
        expires_at: "2099-01-01T00:00:00Z",
      },
    }),
  });
  expect(watcher.status, `PUT /v1/partners/storm-watch: ${JSON.stringify(watcher.body)}`).toBe(201);
  {
    const key = (await send(`${server.url}/v1/partners/storm-watch/keys`, { method: "POST", headers: admin })).body.key as string;
    const mustList = articles.filter((a) => a.kind === "withdrawn-by-delete" && !a.embargoed && deleted.has(a.id)).map((a) => a.id);
    let listed = new Set<string>();
    await pollUntil(async () => {
      const reply = await send(`${server.url}/partner/withdrawals?since=2000-01-01T00:00:00Z`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      listed = new Set(((reply.body?.withdrawals ?? []) as { id: string }[]).map((w) => w.id));
      return mustList.every((id) => listed.has(id));
    }, 30_000);
    withdrawalsListed = listed.size;
    for (const id of mustList) if (!listed.has(id)) withdrawalProblems.push(`${id} withdrawn but not announced`);
    for (const id of listed) if (byId.get(id)?.kind === "published") withdrawalProblems.push(`${id} announced as withdrawn but published`);
  }

  const fiveXx = statuses.filter((s) => s >= 500).length;
  figures("concurrency", {
    requests: deliveries.length + deleted.size,
    deliveries: deliveries.length,
    article_pushes: items.length + deliveries.filter((d) => d.replayOf).reduce((n, d) => n + d.items.length, 0),
    withdrawals_by_delete: deleted.size,
    section_moves: articles.filter((a) => a.moves && a.maxVersion > 1).length,
    embargoed: articles.filter((a) => a.embargoed).length,
    articles: articles.length,
    acknowledged: acked.size,
    present: acked.size - wrong.length,
    lost: wrong.length,
    non_2xx: statuses.filter((s) => s !== 200).length,
    "5xx": fiveXx,
    feed_mismatches: feedMismatches.length,
    invalid_feeds: invalidFeeds,
    partner_withdrawals_listed: withdrawalsListed,
    withdrawal_problems: withdrawalProblems.length,
    storm_ms: Math.round(stormMs),
  });
  expect(unexpected).toEqual([]);
  expect(fiveXx).toBe(0);
  expect(acked.size).toBe(articles.length);
  expect(wrong).toEqual([]);
  expect(feedMismatches).toEqual([]);
  expect(withdrawalProblems).toEqual([]);
  expect(invalidFeeds).toBe(0);
});

it("answers conditional requests right while pushes keep changing the feeds", async () => {
  await expectFeedsServe(server);
  const problems: string[] = [];
  // Pushes to other sections keep the Newsroom publishing all along.
  let pushing = true;
  const background = (async () => {
    for (let i = 0; pushing; i++) await signedPost(server, stressArticle(`background-${i}`, 1, "shijie", 5000 + i));
  })();
  let checks = 0;
  for (const format of ["rss", "atom", "json"] as const) {
    const url = `${server.url}/feeds/yaowen.${format}`;
    const first = await send(url);
    const etag = first.headers?.get("ETag") ?? "";
    const modified = first.headers?.get("Last-Modified") ?? "";
    const body = typeof first.body === "string" ? first.body : JSON.stringify(first.body);
    for (const [name, headers] of [
      ["If-None-Match", { "If-None-Match": etag }],
      ["weak If-None-Match", { "If-None-Match": `W/${etag}` }],
      ["If-Modified-Since", { "If-Modified-Since": modified }],
    ] as const) {
      const again = await send(url, { headers });
      checks++;
      if (again.status === 200) {
        // Allowed only if the feed really changed in between.
        const now = typeof again.body === "string" ? again.body : JSON.stringify(again.body);
        if (now === body) problems.push(`${format} ${name}: 200 with an unchanged body`);
      } else if (again.status !== 304) problems.push(`${format} ${name}: ${again.status}`);
    }
    const head = await send(url, { method: "HEAD" });
    if (head.status !== 200 || head.body !== "")
      problems.push(`${format} HEAD: ${head.status}, body ${JSON.stringify(head.body).slice(0, 40)}`);

    // A new version of a yaowen article: once the feed shows it, the old validators must not answer 304.
    const id = `conditional-${format}`;
    expect((await signedPost(server, stressArticle(id, 1, "yaowen", 9000))).status).toBe(200);
    const shown = await pollUntil(async () => {
      const r = await send(url);
      return (typeof r.body === "string" ? r.body : JSON.stringify(r.body)).includes(`${id} v1`) ? r : null;
    }, 30_000);
    if (!shown) problems.push(`${format}: ${id} never appeared`);
    else {
      if (shown.headers?.get("ETag") === etag) problems.push(`${format}: ETag unchanged after a change`);
      const stale = await send(url, { headers: { "If-None-Match": etag } });
      checks++;
      if (stale.status !== 200) problems.push(`${format}: old ETag answered ${stale.status} after a change`);
      const since = Date.parse(shown.headers?.get("Last-Modified") ?? "");
      if (!(since >= Date.parse(modified))) problems.push(`${format}: Last-Modified went back in time`);
    }
  }
  pushing = false;
  await background;
  figures("conditional", { conditional_checks: checks, problems: problems.length });
  expect(problems).toEqual([]);
});
