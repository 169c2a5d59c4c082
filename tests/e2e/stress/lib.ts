// Shared pieces of the end-to-end stress suite (issue 7): scaling, bounded concurrency, signed
// requests that never throw, a hard kill of wrangler dev with its workerd children, and figures
// that scripts/stress-reporter.mjs collects into test-artifacts/stress-report.json.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { signedHeaders } from "../../../scripts/lib/cms-client.mjs";
import type { DevServer } from "../helpers/dev-server";

/** 1 is the documented full run (`npm run test:stress`); CI's `npm test` runs the same tests at 0.1. */
export const SCALE = Number(process.env.STRESS_SCALE ?? "0.1");
export const FULL = SCALE >= 1;

/** `full` scaled by STRESS_SCALE, never below `min`. */
export function scaled(full: number, min = 1): number {
  return Math.max(min, Math.round(full * SCALE));
}

/** A deterministic pseudo-random generator, so a failing run can be replayed with the same seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface Reply {
  /** HTTP status, or 0 when the connection failed (no answer at all). */
  status: number;
  body: any;
  headers: Headers | null;
  ms: number;
  error?: string;
}

/**
 * Requests wrangler dev itself failed because it reloaded the Worker mid-request (it watches the
 * source tree; in a shared working tree someone saving a file triggers it). Never the product's
 * answer, and impossible in CI's fresh clone: retried and counted apart.
 */
export let devReloadRetries = 0;

/**
 * A GET or HEAD sent on a kept-alive connection the server closed as idle at the same moment (undici's
 * "other side closed", before any response): the client's race, not an answer. Retried once and counted;
 * a server that is down refuses the retry's new connection, so a crash still shows as status 0.
 */
export let idleSocketRetries = 0;

/** fetch that never throws: a dropped connection is status 0, so storms can count outcomes. */
export async function send(url: string, init: RequestInit = {}): Promise<Reply> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(60_000) });
      const text = await res.text();
      if (res.status === 503 && text.includes("restarted mid-request") && attempt < 10) {
        devReloadRetries++;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: res.status, body, headers: res.headers, ms: performance.now() - started };
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      const method = (init.method ?? "GET").toUpperCase();
      if ((method === "GET" || method === "HEAD") && attempt === 0 && /other side closed/.test(String(cause))) {
        idleSocketRetries++;
        continue;
      }
      return { status: 0, body: null, headers: null, ms: performance.now() - started, error: `${error}${cause ? ` (${cause})` : ""}` };
    }
  }
}

export function signedPost(server: DevServer, payload: unknown, options: { id?: string; at?: Date; secret?: string } = {}) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const headers = signedHeaders(options.secret ?? server.secrets.CMS_WEBHOOK_SECRET, body, options);
  return send(`${server.url}/v1/articles`, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
}

export function signedDelete(server: DevServer, id: string, options: { id?: string; at?: Date } = {}) {
  const headers = signedHeaders(server.secrets.CMS_WEBHOOK_SECRET, "", options);
  return send(`${server.url}/v1/articles/${encodeURIComponent(id)}`, { method: "DELETE", headers });
}

export function adminGet(server: DevServer, path: string) {
  return send(`${server.url}${path}`, { headers: { Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}` } });
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function pollUntil<T>(check: () => Promise<T>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Every descendant of `pid` (wrangler spawns workerd, which holds the state), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** kill -9 wrangler dev and every process under it at once, as a crash would; resolves when wrangler is gone. */
export async function killHard(server: DevServer): Promise<number[]> {
  const pid = server.process.pid;
  if (pid === undefined || server.process.exitCode !== null) return [];
  const victims = [pid, ...descendants(pid)];
  const exited = new Promise<void>((resolve) => server.process.once("exit", () => resolve()));
  for (const p of victims) {
    try {
      process.kill(p, "SIGKILL");
    } catch {}
  }
  await exited;
  // Make sure no orphaned workerd keeps the state directory open.
  const deadline = Date.now() + 10_000;
  while (victims.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return victims;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a server politely, makes sure no workerd child is left behind, and removes its state directory. */
export async function stopAll(server: DevServer | undefined): Promise<void> {
  if (!server) return;
  const pid = server.process.pid;
  const kids = pid === undefined ? [] : descendants(pid);
  await server.stop();
  for (const p of kids) {
    try {
      process.kill(p, "SIGKILL");
    } catch {}
  }
  rmSync(server.stateDir, { recursive: true, force: true });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Prints one part's figures on a line scripts/stress-reporter.mjs recognises; the reporter merges
 * them into test-artifacts/stress-report.json.
 */
export function figures(part: string, values: Record<string, unknown>): void {
  const reloads = {
    ...(devReloadRetries ? { dev_reload_retries: devReloadRetries } : {}),
    ...(idleSocketRetries ? { idle_socket_retries: idleSocketRetries } : {}),
  };
  console.log(`[stress-figures] ${JSON.stringify({ part, scale: SCALE, ...values, ...reloads })}`);
}

const BASE_TIME = Date.parse("2025-03-01T00:00:00Z");

/** A small valid article; `i` orders it (newest first = highest i) and spreads regions and topics. */
export function stressArticle(id: string, version: number, section: string, i: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    version,
    section,
    title: `${id} v${version}`,
    summary: `摘要 ${id} 第${version}版`,
    body_html: `<p>${id} 正文 v${version}</p>`,
    url: `https://gansu.news.example/stress/${id}.html`,
    published_at: new Date(BASE_TIME + i * 60_000).toISOString().replace(/\.\d+Z$/, "+00:00"),
    source: { name: "國際在線", own: true },
    regions: [["gansu/lanzhou/chengguan", "gansu/tianshui", "gansu/dunhuang"][i % 3]!],
    topics: [["transport", "culture", "economy", "tourism"][i % 4]!],
    ...extra,
  };
}
