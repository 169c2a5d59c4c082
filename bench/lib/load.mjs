// autocannon runs: a short warm-up, then the measured run; req/s and latency percentiles.
import autocannon from "autocannon";

export const LOAD = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  duration: Number(process.env.BENCH_DURATION ?? 10),
  warmup: Number(process.env.BENCH_WARMUP ?? 2),
};

function run(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on("error", reject);
  });
}

/**
 * Loads `origin` + `path` (with `headers`; a function `path(i)` gives each request its own path)
 * and returns { rps, p50_ms, p99_ms, mean_ms, requests, statuses, errors, bytes_per_response }.
 */
export async function measure({
  origin,
  path,
  headers = {},
  duration = LOAD.duration,
  warmup = LOAD.warmup,
  connections = LOAD.connections,
}) {
  const perRequest = typeof path === "function";
  const base = { url: perRequest ? origin : `${origin}${path}`, headers, connections, pipelining: 1 };
  let n = 0;
  const requests = perRequest ? [{ setupRequest: (req) => ({ ...req, path: path(n++) }) }] : undefined;
  if (warmup > 0) await run({ ...base, duration: warmup, ...(requests ? { requests } : {}) });
  const r = await run({ ...base, duration, ...(requests ? { requests } : {}) });
  const statuses = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = count;
  return {
    rps: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    mean_ms: Math.round(r.latency.average * 100) / 100,
    requests: r.requests.total,
    statuses,
    errors: r.errors + r.timeouts,
    bytes_per_response: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : 0,
  };
}

/**
 * The baseline and the Worker loaded alternately in `rounds` slices of duration/rounds each, so
 * load from anything else on the machine falls on both alike. Figures: all requests over all
 * slices; latency percentiles the median of the slices'.
 */
export async function measurePair(baselineRun, workerRun, { rounds = Number(process.env.BENCH_ROUNDS ?? 2) } = {}) {
  const duration = LOAD.duration / rounds;
  const slices = { baseline: [], worker: [] };
  for (let i = 0; i < rounds; i++) {
    // Warm each side once, before its first slice.
    const warmup = i === 0 ? LOAD.warmup : 0;
    if (baselineRun) slices.baseline.push(await measure({ ...baselineRun, duration, warmup }));
    slices.worker.push(await measure({ ...workerRun, duration, warmup }));
  }
  return { baseline: baselineRun ? combine(slices.baseline) : undefined, worker: combine(slices.worker) };
}

/**
 * Service time: one connection, one request at a time, alternating sides in short slices; the
 * mean latency is what one request costs end to end, far less sensitive to other load on the
 * machine than throughput at 50 connections.
 */
export async function serviceTime(baselineRun, workerRun, { duration = 4, rounds = 2 } = {}) {
  const slices = { baseline: [], worker: [] };
  for (let i = 0; i < rounds; i++) {
    const options = { duration: duration / rounds, warmup: i === 0 ? 0.5 : 0, connections: 1 };
    if (baselineRun) slices.baseline.push(await measure({ ...baselineRun, ...options }));
    slices.worker.push(await measure({ ...workerRun, ...options }));
  }
  const mean = (xs) => {
    const n = xs.reduce((a, s) => a + s.requests, 0);
    return Math.round((xs.reduce((a, s) => a + s.mean_ms * s.requests, 0) / Math.max(1, n)) * 100) / 100;
  };
  return { baseline_ms: baselineRun ? mean(slices.baseline) : undefined, worker_ms: mean(slices.worker) };
}

function combine(slices) {
  if (slices.length === 1) return slices[0];
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const requests = slices.reduce((n, s) => n + s.requests, 0);
  const statuses = {};
  for (const s of slices) for (const [k, v] of Object.entries(s.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    rps: Math.round(slices.reduce((n, s) => n + s.rps, 0) / slices.length),
    p50_ms: median(slices.map((s) => s.p50_ms)),
    p99_ms: median(slices.map((s) => s.p99_ms)),
    mean_ms: Math.round((slices.reduce((n, s) => n + s.mean_ms * s.requests, 0) / Math.max(1, requests)) * 100) / 100,
    requests,
    statuses,
    errors: slices.reduce((n, s) => n + s.errors, 0),
    bytes_per_response: Math.round(slices.reduce((n, s) => n + s.bytes_per_response * s.requests, 0) / Math.max(1, requests)),
    slices_rps: slices.map((s) => s.rps),
  };
}
