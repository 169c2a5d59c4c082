// Pushes articles through the real signed webhook, as the CMS does, and times every delivery.
import { pushArticles } from "../../scripts/lib/cms-client.mjs";

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Delivers `deliveries` (each an article or an array of articles) with `concurrency` in flight.
 * Returns articles/s over the whole run and per-delivery latency percentiles (ms).
 */
export async function deliver(url, secret, deliveries, { concurrency = 1, onProgress, probes = {} } = {}) {
  const latencies = [];
  // `probes`: {name: URL} of requests that touch no storage and no Durable Object, each asked after every push, so a
  // push's figures can be read against what a request doing nothing cost at that moment (e.g. the service's own
  // /healthz, on the same workerd thread as its publishing, and the baseline Worker's, in another process).
  const probed = Object.fromEntries(Object.keys(probes).map((name) => [name, []]));
  let articles = 0;
  let failures = 0;
  let firstFailure = null;
  const started = performance.now();
  await pool(deliveries, concurrency, async (payload, i) => {
    const t = performance.now();
    const { status, body } = await pushArticles(url, secret, payload);
    latencies.push(performance.now() - t);
    if (status === 200) articles += Array.isArray(payload) ? payload.length : 1;
    else {
      failures++;
      firstFailure ??= { status, body };
    }
    for (const [name, probeUrl] of Object.entries(probes)) {
      const p = performance.now();
      await (await fetch(probeUrl)).arrayBuffer();
      probed[name].push(performance.now() - p);
    }
    onProgress?.(i + 1);
  });
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ms = (x) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    deliveries: deliveries.length,
    articles,
    concurrency,
    seconds: Math.round(seconds * 10) / 10,
    articles_per_s: Math.round(articles / seconds),
    p50_ms: ms(percentile(latencies, 0.5)),
    p99_ms: ms(percentile(latencies, 0.99)),
    max_ms: ms(latencies.at(-1) ?? null),
    failures,
    ...(firstFailure ? { first_failure: firstFailure } : {}),
    ...(Object.keys(probes).length
      ? { probes: Object.fromEntries(Object.entries(probed).map(([name, list]) => [name, latencySummary(list)])) }
      : {}),
  };
}

/** p50 and p99 of a list of latencies (ms, one decimal). */
function latencySummary(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (x) => Math.round(x * 10) / 10;
  return { p50_ms: ms(percentile(sorted, 0.5)), p99_ms: ms(percentile(sorted, 0.99)) };
}

/** Splits articles into batches of `size`. */
export function batches(articles, size = 100) {
  const out = [];
  for (let i = 0; i < articles.length; i += size) out.push(articles.slice(i, i + size));
  return out;
}
