// The Worker's own CPU per feed request, in-process (Node, src/index.ts bundled by esbuild, KV a stand-in in
// memory, the isolate memo on): the same requests through hono's router alone (`app.fetch`) and through the
// Worker's fetch (the path ahead of the router first), and with a commit given, that commit's Worker too,
// alternating in rounds. Steadier than requests per second on a shared machine: it counts CPU, not wall time.
// Node's Response (undici) is slower than workerd's, so read differences, not absolute figures.
// Usage: node bench/read-path-cpu.mjs [commit-to-compare]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "read-path-cpu-"));
const before = process.argv[2];

/** Bundles a tree's src/index.ts; Durable Object classes get a stand-in base class (none runs here). */
async function bundle(tree, name) {
  const stub = join(dir, "cloudflare-workers.mjs");
  writeFileSync(stub, "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }\n");
  const outfile = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [join(tree, "src/index.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "es2022",
    outfile,
    logLevel: "error",
    nodePaths: [join(root, "node_modules")],
    plugins: [{ name: "cloudflare", setup: (b) => b.onResolve({ filter: /^cloudflare:/ }, () => ({ path: stub })) }],
  });
  return import(pathToFileURL(outfile).href);
}

try {
  globalThis.caches = { default: { match: async () => undefined, put: async () => {} } };
  const now = await bundle(root, "now");
  const workers = { "router now": now.app, "Worker now": now.default };
  if (before) {
    const tree = join(dir, "before");
    execFileSync("sh", ["-c", `mkdir -p '${tree}' && git -C '${root}' archive '${before}' src schemas fixtures | tar -x -C '${tree}'`]);
    workers[`Worker at ${before}`] = (await bundle(tree, "before")).default;
  }

  // A section as published: validators, a 68 KB pre-rendered body, an index with no entries (a filtered feed then
  // costs its head and headers only, the part a new query adds).
  const meta = { revision: 7, lifted: 0, valid_until: null, last_modified: Date.UTC(2026, 10, 30), base: "https://feeds.example" };
  const body = new TextEncoder().encode("x".repeat(68_000)).buffer;
  const index = {
    section: "yaowen",
    revision: 7,
    generated_ms: meta.last_modified,
    changed_ms: meta.last_modified,
    entries: [],
    withdrawals: [],
    base: meta.base,
    items: "t",
  };
  const kv = {
    get: async (key) => (key.startsWith("validators:") ? JSON.stringify(meta) : key.startsWith("snapshot:") ? JSON.stringify(index) : null),
    getWithMetadata: async () => ({ value: body, metadata: meta }),
  };
  const env = { FEEDS: kv, FEED_MEMO_MS: "500", PUBLIC_BASE_URL: meta.base };
  const ctx = { waitUntil() {}, passThroughOnException() {} };
  const url = `${meta.base}/feeds/yaowen.rss`;
  const etag = (await now.default.fetch(new Request(url), env, ctx)).headers.get("ETag");

  let n = 0;
  const cases = [
    { name: "unfiltered rss", request: () => new Request(url), status: 200 },
    { name: "304 (If-None-Match)", request: () => new Request(url, { headers: { "If-None-Match": etag } }), status: 304 },
    { name: "filtered rss, a new query each time (no items)", request: () => new Request(`${url}?topic=zz${n++}`), status: 200 },
  ];
  const PER_ROUND = 500;
  const ROUNDS = 20;
  const WARM_ROUNDS = 4;
  for (const c of cases) {
    const cpu = Object.fromEntries(Object.keys(workers).map((k) => [k, 0]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, worker] of Object.entries(workers)) {
        const start = process.cpuUsage();
        for (let i = 0; i < PER_ROUND; i++) {
          const res = await worker.fetch(c.request(), env, ctx);
          await res.arrayBuffer();
          if (res.status !== c.status) throw new Error(`${label}: ${c.name} answered ${res.status}`);
        }
        const used = process.cpuUsage(start);
        if (round >= WARM_ROUNDS) cpu[label] += used.user + used.system;
      }
    }
    const perRequest = (us) => `${(us / ((ROUNDS - WARM_ROUNDS) * PER_ROUND)).toFixed(1)} µs`;
    console.log(
      `${c.name}: ${Object.entries(cpu)
        .map(([label, us]) => `${label} ${perRequest(us)}`)
        .join(", ")} CPU per request`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
