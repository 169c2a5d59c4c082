// The WebSub part of the benchmark: publish → delivery latency for 100 subscribers of one topic and
// for 1,000 spread over every section, format and a filter, and ingest and feed throughput with those
// 1,000 subscriptions active against the same figures measured before any subscription existed.
// Subscribers are one local HTTP server that answers verification of intent and takes pushes.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { pushArticles } from "../../scripts/lib/cms-client.mjs";
import { SECTIONS } from "../../scripts/lib/sample-articles.mjs";
import { archiveSlice } from "./articles.mjs";
import { deliver, percentile } from "./ingest.mjs";
import { measurePair } from "./load.mjs";

const ms = (x) => (x === null ? null : Math.round(x));

/** A callback server: echoes hub.challenge, and records when a pushed body names an article. */
async function startCallbacks() {
  const seen = new Map(); // "callback|articleId" → ms
  let watch = [];
  // While counting: pushes per callback path, and the distinct bodies among them (by SHA-1).
  let tally = null;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url, "http://x");
      if (req.method === "GET") {
        res.writeHead(200, { "Content-Type": "text/plain" }).end(url.searchParams.get("hub.challenge") ?? "");
        return;
      }
      const at = performance.now();
      if (tally) {
        const hash = createHash("sha1").update(Buffer.concat(chunks)).digest("hex");
        tally.pushes.set(url.pathname, (tally.pushes.get(url.pathname) ?? 0) + 1);
        tally.bytes += chunks.reduce((n, c) => n + c.length, 0);
        if (!tally.bodies.has(url.pathname)) tally.bodies.set(url.pathname, new Set());
        tally.bodies.get(url.pathname).add(hash);
      }
      // Read only while a round is timed: the subscribers' own work is not the hub's, and it shares these cores.
      const body = watch.length ? Buffer.concat(chunks).toString() : "";
      for (const id of watch) if (body.includes(id)) seen.set(`${url.pathname}|${id}`, at);
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    watchFor: (ids) => {
      watch = ids;
    },
    /** Pushes counted so far. */
    pushesSoFar: () => (tally ? [...tally.pushes.values()].reduce((a, b) => a + b, 0) : 0),
    /** Starts counting pushes; the returned function stops and returns the tally. */
    count: () => {
      tally = { pushes: new Map(), bodies: new Map(), bytes: 0 };
      return () => {
        const t = tally;
        tally = null;
        return t;
      };
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function subscribeAll(hubUrl, base, adminToken, callbacks, topics, offset) {
  let next = 0;
  const worker = async () => {
    while (next < topics.length) {
      const i = next++;
      const form = new URLSearchParams({
        "hub.mode": "subscribe",
        "hub.topic": `${base}${topics[i]}`,
        "hub.callback": `${callbacks.url}/cb/${offset + i}`,
        "hub.secret": `bench-${offset + i}`,
      });
      for (;;) {
        const res = await fetch(hubUrl, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            "CF-Connecting-IP": `198.18.${(offset + i) >> 6}.${(offset + i) & 63}`,
          },
          body: form,
        });
        await res.arrayBuffer();
        if (res.status === 202) break;
        if (res.status !== 429) throw new Error(`subscribe answered ${res.status}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const want = offset + topics.length;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const res = await fetch(`${base.replace(/\/$/, "")}/v1/websub/subscriptions`, { headers: { Authorization: `Bearer ${adminToken}` } });
    const active = (await res.json()).subscriptions.filter((s) => s.state === "active").length;
    if (active >= want) return;
    if (Date.now() > deadline) throw new Error(`only ${active} of ${want} subscriptions active after 180 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until no push is owed to any subscriber (the admin listing's delivery_pending); returns how long (ms). */
async function drained(url, adminToken) {
  const started = performance.now();
  for (;;) {
    const res = await fetch(`${url}/v1/websub/subscriptions`, { headers: { Authorization: `Bearer ${adminToken}` } });
    const { subscriptions } = await res.json();
    if (!subscriptions.some((s) => s.delivery_pending)) return Math.round(performance.now() - started);
    if (performance.now() - started > 120_000) throw new Error("pushes still owed 120 s after the last publish");
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * CPU seconds (user + system) used so far by every process in wrangler dev's process group (wrangler and its
 * workerd: the Worker, the Newsroom and the hub shards), from /proc; null where there is none (not Linux).
 */
function groupCpuSeconds(pgid) {
  try {
    let ticks = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue;
      }
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the command: state, ppid, pgrp (fields 3–5), … utime, stime (fields 14–15).
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100; // USER_HZ
  } catch {
    return null;
  }
}

/** CPU seconds of the service (wrangler dev's group) and of this process (the subscribers and the ingest client) since `start`. */
function cpuSince(pgid, start) {
  const now = { service: groupCpuSeconds(pgid), bench: process.cpuUsage() };
  if (!start) return now;
  return {
    service_s: now.service === null || start.service === null ? null : Math.round((now.service - start.service) * 100) / 100,
    bench_s: Math.round((now.bench.user + now.bench.system - start.bench.user - start.bench.system) / 1e4) / 100,
  };
}

/**
 * Waits until wrangler dev's processes idle: under 0.1 s of CPU in two seconds (the Newsroom waits up to a second
 * between writes of one KV key, so a shorter window can end while it is still publishing); at most 60 s.
 */
async function untilIdle(pgid) {
  const deadline = Date.now() + 60_000;
  for (let last = groupCpuSeconds(pgid); last !== null && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = groupCpuSeconds(pgid);
    if (now - last < 0.1) return;
    last = now;
  }
}

/**
 * What the ingest's fan-out cost: pushes made in all and per topic, against the distinct bodies among them
 * (a push of a body the subscriber already had, or one superseded before it was sent, is the hub's waste).
 */
function pushTally(tally, topicOf) {
  const topics = new Map(); // topic → { subscribers, pushes, bodies: Set }
  for (const [path, n] of tally.pushes) {
    const topic = topicOf(Number(path.slice("/cb/".length)));
    const t = topics.get(topic) ?? { subscribers: 0, pushes: 0, bodies: new Set() };
    t.subscribers++;
    t.pushes += n;
    for (const b of tally.bodies.get(path)) t.bodies.add(b);
    topics.set(topic, t);
  }
  const per = [...topics].map(([topic, t]) => ({ topic, subscribers: t.subscribers, pushes: t.pushes, bodies: t.bodies.size }));
  per.sort((a, b) => b.pushes - a.pushes);
  return {
    pushes: per.reduce((n, t) => n + t.pushes, 0),
    megabytes: Math.round(tally.bytes / 1e5) / 10,
    topics: per.length,
    distinct_bodies: per.reduce((n, t) => n + t.bodies, 0),
    // Pushes per subscriber of each topic (pushes / subscribers) against that topic's distinct bodies.
    per_topic: per.map((t) => `${t.topic} ${t.subscribers} subs: ${t.pushes} pushes, ${t.bodies} bodies`),
  };
}

/** Pushes `articles` in one signed delivery and waits until each callback in `expect` has a body naming its article. */
async function timeDelivery(worker, secret, callbacks, articles, expected, shardOf = () => "yaowen") {
  callbacks.watchFor(articles.map((a) => a.id));
  const res = await pushArticles(worker.url, secret, articles);
  if (res.status !== 200) throw new Error(`push answered ${res.status}`);
  const acked = performance.now();
  const deadline = acked + 60_000;
  for (;;) {
    const missing = expected.filter(([cb, id]) => !callbacks.seen.has(`${cb}|${id}`));
    if (missing.length === 0) break;
    if (performance.now() > deadline) {
      callbacks.watchFor([]);
      return { missing: missing.length, of: expected.length };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  callbacks.watchFor([]);
  const latencies = expected.map(([cb, id]) => callbacks.seen.get(`${cb}|${id}`) - acked).sort((a, b) => a - b);
  // Per hub shard (section): its first and last arrival, to tell the Newsroom's publish order from a shard's fan-out.
  const shards = {};
  for (const [cb, id] of expected) {
    const at = Math.round(callbacks.seen.get(`${cb}|${id}`) - acked);
    const shard = shardOf(cb);
    shards[shard] ??= { first_ms: at, last_ms: at, subscribers: 0 };
    const s = shards[shard];
    s.first_ms = Math.min(s.first_ms, at);
    s.last_ms = Math.max(s.last_ms, at);
    s.subscribers++;
  }
  return {
    shards,
    subscribers: expected.length,
    // The first arrival: how much of the latency is the Newsroom's publish before any fan-out starts.
    first_ms: ms(latencies[0]),
    p50_ms: ms(percentile(latencies, 0.5)),
    p95_ms: ms(percentile(latencies, 0.95)),
    max_ms: ms(latencies.at(-1)),
  };
}

/** Single pushes (10 in flight) in each ingest measurement: a few seconds' worth, long enough to even out a hiccup. */
const INGEST_PUSHES = 200;

/**
 * `worker` is a running wrangler dev of the service (WEBSUB_ALLOW_PRIVATE_CALLBACKS=true, PUBLIC_BASE_URL its own
 * origin) holding `stored` articles; `log` prints progress. Returns the figures for the report.
 */
export async function measureWebSub({ worker, secret, adminToken, stored, log, rounds = 5 }) {
  const out = {};
  const feedPath = "/feeds/yaowen.rss";
  let n = stored;

  log("websub: ingest and feed throughput before any subscription…");
  // From an idle service, as the ingest with subscriptions below starts once everything owed is delivered.
  await untilIdle(worker.pid);
  const cpuBefore = cpuSince(worker.pid);
  const ingestBefore = await deliver(worker.url, secret, take(INGEST_PUSHES), { concurrency: 10 });
  out.cpu = { ingest_no_subscriptions: cpuSince(worker.pid, cpuBefore) };
  // And until the service is idle again: the Newsroom publishes the ingest's articles after answering.
  await untilIdle(worker.pid);
  out.cpu.ingest_no_subscriptions_until_idle = cpuSince(worker.pid, cpuBefore);
  out.before = {
    ingest: ingestBefore,
    feed: (await measurePair(null, { origin: worker.url, path: feedPath, headers: {} })).worker,
  };

  const callbacks = await startCallbacks();
  try {
    log("websub: 100 subscribers on one topic…");
    const one = Array.from({ length: 100 }, () => feedPath);
    await subscribeAll(`${worker.url}/websub`, worker.url, adminToken, callbacks, one, 0);
    out.one_topic = [];
    for (let r = 0; r < rounds; r++) {
      const [a] = take(1).map((x) => ({ ...x, section: "yaowen" }));
      const expected = one.map((_, i) => [`/cb/${i}`, a.id]);
      out.one_topic.push(await timeDelivery(worker, secret, callbacks, [a], expected));
      await new Promise((r) => setTimeout(r, 1100));
    }

    log("websub: 900 more across every section, format and a filter (1,000 in all)…");
    const topics = [...SECTIONS, "all"].flatMap((s) =>
      ["rss", "atom", "json"].flatMap((f) => [`/feeds/${s}.${f}`, `/feeds/${s}.${f}?topic=transport`]),
    );
    const many = Array.from({ length: 900 }, (_, i) => topics[i % topics.length]);
    await subscribeAll(`${worker.url}/websub`, worker.url, adminToken, callbacks, many, 100);
    out.across_topics = [];
    for (let r = 0; r < rounds; r++) {
      // One article per section, all transport stories: every one of the 1,000 topics changes.
      const batch = take(SECTIONS.length).map((x, i) => ({ ...x, section: SECTIONS[i], topics: ["transport"] }));
      const bySection = new Map(batch.map((a) => [a.section, a.id]));
      const expected = [
        ...one.map((_, i) => [`/cb/${i}`, bySection.get("yaowen")]),
        ...many.map((t, i) => {
          const section = t.slice("/feeds/".length).split(".")[0];
          return [`/cb/${100 + i}`, section === "all" ? batch.at(-1).id : bySection.get(section)];
        }),
      ];
      const shardOf = (cb) => {
        const i = Number(cb.slice("/cb/".length));
        return i < 100 ? "yaowen" : many[i - 100].slice("/feeds/".length).split(".")[0];
      };
      out.across_topics.push(await timeDelivery(worker, secret, callbacks, batch, expected, shardOf));
      await new Promise((r) => setTimeout(r, 1100));
    }

    log("websub: ingest and feed throughput with 1,000 subscriptions active…");
    // Each measured alone, as before any subscription: nothing still owed from the rounds above runs meanwhile.
    out.drained_ms = { before_ingest: await drained(worker.url, adminToken) };
    const stopCounting = callbacks.count();
    const cpuAfter = cpuSince(worker.pid);
    const ingest = await deliver(worker.url, secret, take(INGEST_PUSHES), { concurrency: 10 });
    out.cpu.ingest_1000_subscriptions = cpuSince(worker.pid, cpuAfter);
    const pushesDuringIngest = callbacks.pushesSoFar();
    // The ingest's own pushes fan out to the subscribers (the part of it on this machine's cores); readers of a
    // feed are measured once they are delivered: what 1,000 subscriptions cost a reader, not a push storm.
    out.drained_ms.before_feed = await drained(worker.url, adminToken);
    // Until the last push was made (the drain's polling of the admin listing included).
    out.cpu.ingest_1000_subscriptions_until_drained = cpuSince(worker.pid, cpuAfter);
    await untilIdle(worker.pid);
    out.cpu.ingest_1000_subscriptions_until_idle = cpuSince(worker.pid, cpuAfter);
    out.ingest_pushes = { ...pushTally(stopCounting(), (i) => (i < 100 ? feedPath : many[i - 100])), during_ingest: pushesDuringIngest };
    out.after = { ingest, feed: (await measurePair(null, { origin: worker.url, path: feedPath, headers: {} })).worker };
  } finally {
    await callbacks.close();
  }
  return out;

  function take(count) {
    const articles = archiveSlice(n, count).map((a) => ({ ...a, id: `ws-${a.id}` }));
    n += count;
    return articles;
  }
}
