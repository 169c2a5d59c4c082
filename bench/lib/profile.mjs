// Where a request's time goes inside workerd: the V8 sampling profiler of a Worker's isolate,
// through wrangler dev's inspector port, while autocannon loads it. Gives the isolate thread's busy
// time per request (JavaScript plus native work on that thread, e.g. the local KV simulator) and
// the functions that take it. The inspector proxy wants an Origin it allows (localhost).
import { writeFileSync } from "node:fs";
import { measure } from "./load.mjs";

async function inspector(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`inspector on port ${port} refused the connection`));
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (m) => {
    const message = JSON.parse(String(m.data));
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

const label = (n) =>
  `${n.callFrame.functionName || "(anonymous)"}${n.callFrame.url ? ` ${n.callFrame.url.split("/").at(-1)}:${n.callFrame.lineNumber + 1}` : ""}`;

/**
 * Runs `work` under the isolate's sampling profiler (interval in µs): its result, the profile, each node by id, and
 * `frames(sample)`: the functions on a sample's stack, each once (V8's pseudo-frames such as "(program)" left out).
 */
async function profiled(inspectorPort, interval, work) {
  const devtools = await inspector(inspectorPort);
  try {
    await devtools.send("Profiler.enable");
    await devtools.send("Profiler.setSamplingInterval", { interval });
    await devtools.send("Profiler.start");
    const result = await work();
    const { result: stopped } = await devtools.send("Profiler.stop");
    const profile = stopped.profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const frames = (sample) => {
      const seen = new Set();
      for (let cur = sample; cur; cur = parent.get(cur)) {
        const key = label(byId.get(cur));
        if (!key.startsWith("(")) seen.add(key);
      }
      return seen;
    };
    return { result, profile, byId, frames };
  } finally {
    devtools.close();
  }
}

/**
 * Loads `origin` + `path` for `duration` s under the profiler; busy µs per request and the top functions
 * (inclusive). `watch` (a RegExp on function names) also lists every sampled function it matches, however small.
 */
export async function profileRequests(inspectorPort, run, { duration = 5, top = 8, watch } = {}) {
  const { result: load, profile, byId, frames } = await profiled(inspectorPort, 200, () => measure({ ...run, duration }));
  const { samples, timeDeltas } = profile;
  let total = 0;
  let idle = 0;
  let native = 0;
  const inclusive = new Map();
  samples.forEach((sample, i) => {
    const dt = timeDeltas[i] ?? 0;
    total += dt;
    const leaf = byId.get(sample).callFrame.functionName;
    if (leaf === "(idle)") idle += dt;
    if (leaf === "(program)") native += dt;
    for (const key of frames(sample)) inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
  });
  const perRequest = (us) => Math.round(us / load.requests);
  return {
    rps: load.rps,
    requests: load.requests,
    busy_us_per_request: perRequest(total - idle),
    native_us_per_request: perRequest(native),
    top: [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, us_per_request: perRequest(us) })),
    ...(watch
      ? {
          watched: [...inclusive]
            .filter(([fn]) => watch.test(fn.split(" ")[0]))
            .map(([fn, us]) => ({ fn, us_per_request: Math.round((us / load.requests) * 100) / 100 })),
        }
      : {}),
  };
}

/**
 * Runs `work` under the profiler and answers where the isolate thread was busy for long stretches: each run of
 * consecutive non-idle samples longer than `longMs`, with the functions that took most of it (inclusive, and
 * self: "(program)" is time on the thread outside this isolate's JavaScript, e.g. the local KV simulator).
 * PROFILE_FILE=path also saves the whole profile (a .cpuprofile that Chrome's DevTools open).
 */
export async function profileLongTasks(inspectorPort, work, { longMs = 100, top = 30 } = {}) {
  const { result, profile, byId, frames } = await profiled(inspectorPort, 500, work);
  const { samples, timeDeltas } = profile;
  if (process.env.PROFILE_FILE) writeFileSync(process.env.PROFILE_FILE, JSON.stringify(profile));
  const tasks = [];
  let current = null;
  let busyTotal = 0;
  const all = new Map();
  const self = new Map();
  samples.forEach((sample, i) => {
    const dt = (timeDeltas[i] ?? 0) / 1000;
    if (byId.get(sample).callFrame.functionName === "(idle)") {
      if (current && current.ms >= longMs) tasks.push(current);
      current = null;
      return;
    }
    const leaf = label(byId.get(sample));
    self.set(leaf, (self.get(leaf) ?? 0) + dt);
    busyTotal += dt;
    current ??= { ms: 0, fns: new Map(), self: new Map() };
    current.ms += dt;
    current.self.set(leaf, (current.self.get(leaf) ?? 0) + dt);
    for (const key of frames(sample)) {
      current.fns.set(key, (current.fns.get(key) ?? 0) + dt);
      all.set(key, (all.get(key) ?? 0) + dt);
    }
  });
  if (current && current.ms >= longMs) tasks.push(current);
  const ranked = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => `${Math.round(ms)} ms ${fn}`);
  return {
    result,
    busy_ms: Math.round(busyTotal),
    top: ranked(all),
    self: ranked(self),
    long_tasks: tasks.map((t) => ({ ms: Math.round(t.ms), top: ranked(t.fns), self: ranked(t.self).slice(0, 8) })),
  };
}
