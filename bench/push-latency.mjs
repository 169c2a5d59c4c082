// `node bench/push-latency.mjs`: the single-push tail alone, without the whole bench. Starts the Worker with
// `wrangler dev`, stores PUSH_STORED articles (100-article batches), waits until the loading's publishing is done
// (the Newsroom's outbox empty), then sends PUSH_COUNT single signed pushes one at a time, each followed by a
// GET /healthz, and prints both's p50/p90/p99/max (ms). For before/after comparisons of the Newsroom's write path;
// the machine's load moves every figure, so compare runs made back to back. Knobs: PUSH_INTERVAL_MS (pace the
// pushes), PUSH_PROFILE=1 (where the thread was busy for long), PUSH_SAVE_STATE / PUSH_FROM_STATE (keep a loaded
// state, start from a copy of it), PUSH_KEEP_STATE=1 (keep the state directory afterwards).
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pushArticles } from "../scripts/lib/cms-client.mjs";
import { archiveSlice } from "./lib/articles.mjs";
import { startWrangler } from "./lib/dev-server.mjs";
import { batches, deliver, percentile } from "./lib/ingest.mjs";
import { newsroomState } from "./lib/local-state.mjs";
import { profileLongTasks } from "./lib/profile.mjs";

const STORED = Number(process.env.PUSH_STORED ?? 1000);
const COUNT = Number(process.env.PUSH_COUNT ?? 300);
/** PUSH_INTERVAL_MS: each push starts at least this long after the one before (0: back to back). */
const INTERVAL_MS = Number(process.env.PUSH_INTERVAL_MS ?? 0);
const log = (...args) => console.error(`[push ${new Date().toISOString().slice(11, 19)}]`, ...args);

const secret = `whsec_${randomBytes(32).toString("base64")}`;
// PUSH_SAVE_STATE=dir keeps the loaded, settled state (before the pushes) in `dir`; PUSH_FROM_STATE=dir starts from
// a copy of such a state instead of loading, so runs at 100,000 stored skip the ~15 minutes of loading. The base
// URL is fixed so a reused state is not republished for a new port.
const from = process.env.PUSH_FROM_STATE;
const start = (stateDir) =>
  startWrangler({
    label: "push",
    ...(stateDir ? { stateDir: copyOf(stateDir) } : {}),
    vars: {
      CMS_WEBHOOK_SECRET: secret,
      ADMIN_TOKEN: randomBytes(24).toString("base64url"),
      PUBLIC_BASE_URL: "http://push.bench.test",
    },
  });
let worker = await start(from);
try {
  if (!from) {
    log(`storing ${STORED} articles…`);
    await deliver(worker.url, secret, batches(archiveSlice(0, STORED)), { concurrency: 4 });
    // Let the loading's publishing settle (its newest article in `all`, then the rest of the backlog), so the
    // pushes meet only the publishing they cause themselves.
    const newest = archiveSlice(STORED - 1, 1)[0].id;
    for (let tries = 0; tries < 600; tries++) {
      const feed = await (await fetch(`${worker.url}/feeds/all.json`)).json().catch(() => ({ items: [] }));
      if (feed.items?.[0]?.id.endsWith(`:${newest}`)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  // The rest of the backlog (at 10,000 stored, the articles' items, the change log's entries and every section's
  // archive months take minutes): settled once the Newsroom's outbox is empty, waiting at most PUSH_SETTLE_MS.
  const settled = await outboxEmpty(worker.stateDir, Number(process.env.PUSH_SETTLE_MS ?? 900_000));
  log(`backlog ${settled ? "published" : "NOT published (PUSH_SETTLE_MS passed)"}`);
  if (process.env.PUSH_SAVE_STATE) {
    const kept = worker.stateDir;
    await worker.stop();
    rmSync(process.env.PUSH_SAVE_STATE, { recursive: true, force: true });
    cpSync(kept, process.env.PUSH_SAVE_STATE, { recursive: true });
    log(`loaded state saved in ${process.env.PUSH_SAVE_STATE}`);
    rmSync(kept, { recursive: true, force: true });
    worker = await start(process.env.PUSH_SAVE_STATE);
  }
  log(
    `${COUNT} single pushes, one at a time (load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")})…`,
  );
  // After each push, a GET /healthz (no storage, no Durable Object): what the machine and wrangler dev's proxy
  // alone cost at that moment, so a push's figures can be read against the load they were measured under.
  const pushes = [];
  const health = [];
  let lastStart = 0;
  const pushAll = async () => {
    for (const article of archiveSlice(STORED, COUNT)) {
      const wait = lastStart + INTERVAL_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      lastStart = performance.now();
      const t = performance.now();
      const { status, body } = await pushArticles(worker.url, secret, article);
      pushes.push(performance.now() - t);
      if (status !== 200) throw new Error(`push answered ${status}: ${JSON.stringify(body)}`);
      const h = performance.now();
      await fetch(`${worker.url}/healthz`);
      health.push(performance.now() - h);
    }
  };
  // PUSH_PROFILE=1: the V8 profiler runs through the pushes; every stretch the isolate thread was busy for over
  // 100 ms is printed with the functions that took it.
  if (process.env.PUSH_PROFILE === "1") console.log(JSON.stringify(await profileLongTasks(worker.inspectorPort, pushAll), null, 1));
  else await pushAll();
  const summary = (latencies) => {
    latencies.sort((a, b) => a - b);
    const ms = (x) => Math.round(x * 10) / 10;
    return {
      p50_ms: ms(percentile(latencies, 0.5)),
      p90_ms: ms(percentile(latencies, 0.9)),
      p99_ms: ms(percentile(latencies, 0.99)),
      max_ms: ms(latencies.at(-1)),
    };
  };
  console.log(
    JSON.stringify({
      stored: STORED,
      pushes: COUNT,
      push: summary(pushes),
      healthz: summary(health),
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
    }),
  );
} finally {
  await worker.stop();
  // PUSH_KEEP_STATE=1 keeps the state directory (the Newsroom's SQLite file, local KV) for inspection.
  if (process.env.PUSH_KEEP_STATE === "1") {
    writeFileSync(join(worker.stateDir, "wrangler.log"), `${worker.output.join("\n")}\n`);
    log(`state and wrangler's last output lines (wrangler.log) kept in ${worker.stateDir}`);
  } else rmSync(worker.stateDir, { recursive: true, force: true });
}

function copyOf(dir) {
  const copy = mkdtempSync(join(tmpdir(), "bench-push-"));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Waits until the Newsroom's outbox (its SQLite, read beside workerd) holds nothing to publish; false after `maxMs`. */
async function outboxEmpty(stateDir, maxMs) {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    if (newsroomState(stateDir)?.dirty === 0) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
