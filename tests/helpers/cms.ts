// Signs and sends deliveries exactly as the CMS does, through the Worker's HTTP surface.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import seed from "../../fixtures/seed-article.json";
import { TEST_SECRETS } from "./secrets";

export const SEED = seed;
export const BASE = "http://feeds.test";

let counter = 0;
export function signedHeaders(body: string, opts: { id?: string; at?: Date; secret?: string } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${Date.now()}_${++counter}`;
  const at = opts.at ?? new Date();
  const signature = new Webhook(opts.secret ?? TEST_SECRETS.CMS_WEBHOOK_SECRET).sign(id, at, body);
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
}

export function request(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, BASE), init));
}

export function push(payload: unknown, opts: Parameters<typeof signedHeaders>[1] = {}): Promise<Response> {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return request("/v1/articles", { method: "POST", body, headers: { "Content-Type": "application/json", ...signedHeaders(body, opts) } });
}

export function withdraw(id: string, opts: Parameters<typeof signedHeaders>[1] = {}): Promise<Response> {
  return request(`/v1/articles/${id}`, { method: "DELETE", headers: signedHeaders("", opts) });
}

export function adminGet(path: string): Promise<Response> {
  return request(path, { headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` } });
}

/** An own article with sensible defaults; override what a test is about. */
export function article(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = (overrides.id as string) ?? `a-${++counter}`;
  return {
    id,
    version: 1,
    section: "yaowen",
    title: `標題 ${id}`,
    summary: `摘要 ${id}`,
    body_html: `<p>正文 ${id}</p>`,
    url: `https://gansu.news.example/a/${id}.html`,
    published_at: "2024-02-18T10:05:24+08:00",
    source: { name: "國際在線", own: true },
    ...overrides,
  };
}

/**
 * Has the Newsroom publish through `kv` (a stand-in over the real namespace) from now on; `newsroomKv(env.FEEDS)`
 * restores it. Same isolate as the test, so the object's own (protected) `env` field is replaced.
 */
export async function newsroomKv(kv: unknown): Promise<void> {
  const stub = env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom"));
  await runInDurableObject(stub, (instance) => {
    (instance as unknown as { env: Env }).env = { ...env, FEEDS: kv as KVNamespace };
  });
}

/** Runs the Newsroom's publishing alarm until nothing is left to publish (KV's 1 write/s per key is respected). */
export async function publish(): Promise<void> {
  const stub = env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom"));
  for (let attempt = 0; attempt < 100; attempt++) {
    await runDurableObjectAlarm(stub);
    const pending = await runInDurableObject(
      stub,
      (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM kv_outbox").one().n,
    );
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the Newsroom did not finish publishing");
}

export function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(path, { headers });
}
