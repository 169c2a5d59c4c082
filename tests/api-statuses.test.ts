// Every status /openapi.json lists is one the route really answers, provoked here through HTTP; and every
// answer a route gives is one it lists — under test the Worker runs with STRICT_API_DOCS=true, so in this
// file and every other one an undocumented answer becomes a 500 and fails the test that provoked it.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { documentedStatuses } from "../src/http/documented-statuses";
import { changeHeadKey, changePageKey } from "../src/storage/kv-keys";
import { article, BASE, publish, push, request, SEED, signedHeaders } from "./helpers/cms";
import { TEST_SECRETS } from "./helpers/secrets";

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

const ADMIN = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` };
const JSON_ADMIN = { ...ADMIN, "Content-Type": "application/json" };
const FUTURE = "2099-01-01T00:00:00Z";
const HUGE = "x".repeat(1024 * 1024 + 1);

function partnerBody(licenceId: string, extra: Record<string, unknown> = {}): string {
  const license = { id: licenceId, url: "https://licences.example/s", attribution: "來源:國際在線", expires_at: FUTURE };
  return JSON.stringify({ name: `Partner ${licenceId}`, sections: ["yaowen"], license, ...extra });
}
const putPartner = (id: string, body: string, headers: Record<string, string> = JSON_ADMIN) =>
  request(`/v1/partners/${id}`, { method: "PUT", body, headers });

let key = "";
let slowKey = "";
let etag = "";
let hansEtag = "";
let partnerEtag = "";
let archiveEtag = "";
let hansArchiveEtag = "";

beforeAll(async () => {
  expect((await push(SEED)).status).toBe(200);
  await publish();
  expect((await putPartner("statuses", partnerBody("statuses"))).status).toBe(201);
  key = (await (await request("/v1/partners/statuses/keys", { method: "POST", headers: ADMIN })).json<{ key: string }>()).key;
  expect((await putPartner("slow", partnerBody("slow", { rate_limit_per_minute: 1 }))).status).toBe(201);
  slowKey = (await (await request("/v1/partners/slow/keys", { method: "POST", headers: ADMIN })).json<{ key: string }>()).key;
  etag = (await request("/feeds/yaowen.rss")).headers.get("ETag")!;
  hansEtag = (await request("/zh-hans/feeds/yaowen.rss")).headers.get("ETag")!;
  partnerEtag = (await request("/partner/feeds/yaowen.rss", { headers: { Authorization: `Bearer ${key}` } })).headers.get("ETag")!;
});

const bearer = (k: string) => ({ Authorization: `Bearer ${k}` });
const FORM = "application/x-www-form-urlencoded";
const subscribe = (body: string, client: string, type = FORM) =>
  request("/websub", { method: "POST", body, headers: { "Content-Type": type, "CF-Connecting-IP": client } });
const SUBSCRIPTION = new URLSearchParams({
  "hub.mode": "subscribe",
  "hub.topic": `${BASE}/feeds/yaowen.rss`,
  "hub.callback": "https://reader.example/statuses",
}).toString();

/** A cursor into a page KV no longer has, the head saying the log now starts later: as after 30 days. */
async function prunedCursor(): Promise<Response> {
  const { next_cursor } = await (await request("/partner/changes", { headers: bearer(key) })).json<{ next_cursor: string }>();
  const [page, head] = await Promise.all([env.FEEDS.get(changePageKey(0)), env.FEEDS.get(changeHeadKey())]);
  await env.FEEDS.delete(changePageKey(0));
  await env.FEEDS.put(changeHeadKey(), JSON.stringify({ first: 100, last: 120 }));
  try {
    return await request(`/partner/changes?cursor=${next_cursor}`, { headers: bearer(key) });
  } finally {
    await env.FEEDS.put(changePageKey(0), page!);
    await env.FEEDS.put(changeHeadKey(), head!);
  }
}
const signedDelete = (id: string, body = "") =>
  request(`/v1/articles/${id}`, { method: "DELETE", body: body || undefined, headers: signedHeaders(body) });

/** [method, documented path, status, how to provoke it]; in order, since some build on earlier ones. */
const CASES: [string, string, number, () => Promise<Response>][] = [
  ["POST", "/v1/articles", 200, () => push(SEED)],
  ["POST", "/v1/articles", 400, () => push("{not json")],
  [
    "POST",
    "/v1/articles",
    401,
    () => request("/v1/articles", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }),
  ],
  ["POST", "/v1/articles", 413, () => push(HUGE)],
  ["POST", "/v1/articles", 415, () => request("/v1/articles", { method: "POST", body: "{}", headers: { "Content-Type": "text/plain" } })],
  ["POST", "/v1/articles", 422, () => push({})],
  ["GET", "/v1/articles/{id}", 200, () => request(`/v1/articles/${SEED.id}`, { headers: ADMIN })],
  ["GET", "/v1/articles/{id}", 401, () => request(`/v1/articles/${SEED.id}`)],
  ["GET", "/v1/articles/{id}", 404, () => request("/v1/articles/never-stored", { headers: ADMIN })],
  ["DELETE", "/v1/articles/{id}", 400, () => signedDelete(SEED.id, "{}")],
  ["DELETE", "/v1/articles/{id}", 401, () => request(`/v1/articles/${SEED.id}`, { method: "DELETE" })],
  ["DELETE", "/v1/articles/{id}", 404, () => signedDelete("never-stored")],
  ["DELETE", "/v1/articles/{id}", 413, () => signedDelete(SEED.id, HUGE)],
  ["GET", "/feeds/{section}.{format}", 200, () => request("/feeds/yaowen.rss")],
  ["GET", "/feeds/{section}.{format}", 304, () => request("/feeds/yaowen.rss", { headers: { "If-None-Match": etag } })],
  ["GET", "/feeds/{section}.{format}", 400, () => request("/feeds/yaowen.rss?limit=0")],
  ["GET", "/feeds/{section}.{format}", 404, () => request("/feeds/nowhere.rss")],
  [
    "GET",
    "/feeds/{section}/archive/{month}.{format}",
    200,
    async () => {
      // 21 articles of January: the current feed shows 20, the oldest is archived.
      const january = Array.from({ length: 21 }, (_, i) =>
        article({ id: `jan-${i}`, section: "shijie", published_at: `2024-01-${String(i + 2).padStart(2, "0")}T10:00:00+08:00` }),
      );
      expect((await push(january)).status).toBe(200);
      await publish();
      const res = await request("/feeds/shijie/archive/2024-01.atom");
      archiveEtag = res.headers.get("ETag")!;
      return res;
    },
  ],
  [
    "GET",
    "/feeds/{section}/archive/{month}.{format}",
    304,
    () => request("/feeds/shijie/archive/2024-01.atom", { headers: { "If-None-Match": archiveEtag } }),
  ],
  ["GET", "/feeds/{section}/archive/{month}.{format}", 400, () => request("/feeds/shijie/archive/2024-13.atom")],
  ["GET", "/feeds/{section}/archive/{month}.{format}", 404, () => request("/feeds/shijie/archive/2023-06.atom")],
  ["GET", "/feeds/{section}/archive/", 200, () => request("/feeds/shijie/archive/")],
  ["GET", "/feeds/{section}/archive/", 404, () => request("/feeds/nowhere/archive/")],
  [
    "GET",
    "/zh-hans/feeds/{section}/archive/{month}.{format}",
    200,
    async () => {
      const res = await request("/zh-hans/feeds/shijie/archive/2024-01.atom");
      hansArchiveEtag = res.headers.get("ETag")!;
      return res;
    },
  ],
  [
    "GET",
    "/zh-hans/feeds/{section}/archive/{month}.{format}",
    304,
    () => request("/zh-hans/feeds/shijie/archive/2024-01.atom", { headers: { "If-None-Match": hansArchiveEtag } }),
  ],
  ["GET", "/zh-hans/feeds/{section}/archive/{month}.{format}", 400, () => request("/zh-hans/feeds/shijie/archive/2024-13.atom")],
  ["GET", "/zh-hans/feeds/{section}/archive/{month}.{format}", 404, () => request("/zh-hans/feeds/shijie/archive/2023-06.atom")],
  ["GET", "/zh-hans/feeds/{section}/archive/", 200, () => request("/zh-hans/feeds/shijie/archive/")],
  ["GET", "/zh-hans/feeds/{section}/archive/", 404, () => request("/zh-hans/feeds/nowhere/archive/")],
  ["GET", "/zh-hans/feeds/{section}.{format}", 200, () => request("/zh-hans/feeds/yaowen.rss")],
  ["GET", "/zh-hans/feeds/{section}.{format}", 304, () => request("/zh-hans/feeds/yaowen.rss", { headers: { "If-None-Match": hansEtag } })],
  ["GET", "/zh-hans/feeds/{section}.{format}", 400, () => request("/zh-hans/feeds/yaowen.rss?limit=0")],
  ["GET", "/zh-hans/feeds/{section}.{format}", 404, () => request("/zh-hans/feeds/nowhere.rss")],
  ["GET", "/partner/feeds/{section}.{format}", 200, () => request("/partner/feeds/yaowen.rss", { headers: bearer(key) })],
  [
    "GET",
    "/partner/feeds/{section}.{format}",
    304,
    () => request("/partner/feeds/yaowen.rss", { headers: { ...bearer(key), "If-None-Match": partnerEtag } }),
  ],
  ["GET", "/partner/feeds/{section}.{format}", 400, () => request("/partner/feeds/yaowen.rss?limit=0", { headers: bearer(key) })],
  ["GET", "/partner/feeds/{section}.{format}", 401, () => request("/partner/feeds/yaowen.rss")],
  ["GET", "/partner/feeds/{section}.{format}", 403, () => request("/partner/feeds/wenlv.rss", { headers: bearer(key) })],
  ["GET", "/partner/feeds/{section}.{format}", 404, () => request("/partner/feeds/nowhere.rss", { headers: bearer(key) })],
  ["GET", "/partner/withdrawals", 200, () => request("/partner/withdrawals?since=2024-01-01T00:00:00Z", { headers: bearer(key) })],
  ["GET", "/partner/withdrawals", 400, () => request("/partner/withdrawals?since=yesterday", { headers: bearer(key) })],
  ["GET", "/partner/withdrawals", 401, () => request("/partner/withdrawals?since=2024-01-01T00:00:00Z")],
  ["GET", "/partner/feeds/{section}.{format}", 200, () => request("/partner/feeds/yaowen.json", { headers: bearer(slowKey) })],
  ["GET", "/partner/feeds/{section}.{format}", 429, () => request("/partner/feeds/yaowen.json", { headers: bearer(slowKey) })],
  ["GET", "/partner/withdrawals", 429, () => request("/partner/withdrawals?since=2024-01-01T00:00:00Z", { headers: bearer(slowKey) })],
  ["GET", "/partner/changes", 200, () => request("/partner/changes", { headers: bearer(key) })],
  ["GET", "/partner/changes", 400, () => request("/partner/changes?cursor=not-one-of-ours", { headers: bearer(key) })],
  ["GET", "/partner/changes", 401, () => request("/partner/changes")],
  ["GET", "/partner/changes", 410, () => prunedCursor()],
  ["GET", "/partner/changes", 429, () => request("/partner/changes", { headers: bearer(slowKey) })],
  ["PUT", "/v1/partners/{id}", 200, () => putPartner("statuses", partnerBody("statuses"))],
  ["PUT", "/v1/partners/{id}", 201, () => putPartner("fresh", partnerBody("fresh"))],
  ["PUT", "/v1/partners/{id}", 400, () => putPartner("fresh", "{not json")],
  ["PUT", "/v1/partners/{id}", 401, () => putPartner("fresh", partnerBody("fresh"), { "Content-Type": "application/json" })],
  ["PUT", "/v1/partners/{id}", 404, () => putPartner("Not_A_Slug", partnerBody("fresh"))],
  ["PUT", "/v1/partners/{id}", 409, () => putPartner("thief", partnerBody("statuses"))],
  ["PUT", "/v1/partners/{id}", 413, () => putPartner("fresh", HUGE)],
  ["PUT", "/v1/partners/{id}", 415, () => putPartner("fresh", partnerBody("fresh"), { ...ADMIN, "Content-Type": "text/plain" })],
  ["PUT", "/v1/partners/{id}", 422, () => putPartner("fresh", "{}")],
  ["GET", "/v1/partners/{id}", 200, () => request("/v1/partners/statuses", { headers: ADMIN })],
  ["GET", "/v1/partners/{id}", 401, () => request("/v1/partners/statuses")],
  ["GET", "/v1/partners/{id}", 404, () => request("/v1/partners/nobody", { headers: ADMIN })],
  ["POST", "/v1/partners/{id}/keys", 201, () => request("/v1/partners/fresh/keys", { method: "POST", headers: ADMIN })],
  ["POST", "/v1/partners/{id}/keys", 401, () => request("/v1/partners/fresh/keys", { method: "POST" })],
  ["POST", "/v1/partners/{id}/keys", 404, () => request("/v1/partners/nobody/keys", { method: "POST", headers: ADMIN })],
  ["GET", "/v1/partners/{id}/usage", 200, () => request("/v1/partners/statuses/usage", { headers: ADMIN })],
  ["GET", "/v1/partners/{id}/usage", 401, () => request("/v1/partners/statuses/usage")],
  ["GET", "/v1/partners/{id}/usage", 404, () => request("/v1/partners/nobody/usage", { headers: ADMIN })],
  ["DELETE", "/v1/articles/{id}", 200, () => signedDelete(SEED.id)],
  ["POST", "/websub", 202, () => subscribe(SUBSCRIPTION, "192.0.2.1")],
  ["POST", "/websub", 400, () => subscribe(SUBSCRIPTION.replace("subscribe", "publish"), "192.0.2.2")],
  ["POST", "/websub", 413, () => subscribe(`${SUBSCRIPTION}&pad=${"x".repeat(9000)}`, "192.0.2.3")],
  ["POST", "/websub", 415, () => subscribe(SUBSCRIPTION, "192.0.2.4", "application/json")],
  [
    "POST",
    "/websub",
    429,
    async () => {
      // 60 a minute per client; a minute window turning over mid-way only delays the 429.
      for (let i = 0; i < 130; i++) {
        const res = await subscribe("hub.mode=publish", "192.0.2.5");
        if (res.status === 429) return res;
        await res.arrayBuffer();
      }
      return subscribe(SUBSCRIPTION, "192.0.2.5");
    },
  ],
  ["GET", "/v1/websub/subscriptions", 200, () => request("/v1/websub/subscriptions", { headers: ADMIN })],
  ["GET", "/v1/websub/subscriptions", 400, () => request("/v1/websub/subscriptions?topic=https://elsewhere.example/", { headers: ADMIN })],
  ["GET", "/v1/websub/subscriptions", 401, () => request("/v1/websub/subscriptions")],
  ["GET", "/", 200, () => request("/")],
  ["GET", "/feeds.opml", 200, () => request("/feeds.opml")],
  ["GET", "/feeds-all.opml", 200, () => request("/feeds-all.opml")],
  ["GET", "/zh-hans/", 200, () => request("/zh-hans/")],
  ["GET", "/zh-hans", 200, () => request("/zh-hans")],
  ["GET", "/zh-hans/feeds.opml", 200, () => request("/zh-hans/feeds.opml")],
  ["GET", "/zh-hans/feeds-all.opml", 200, () => request("/zh-hans/feeds-all.opml")],
  ["GET", "/icon-512.png", 200, () => request("/icon-512.png")],
  ["GET", "/favicon-64.png", 200, () => request("/favicon-64.png")],
  ["GET", "/licenses/{id}", 200, () => request("/licenses/public-reading")],
  ["GET", "/licenses/{id}", 404, () => request("/licenses/nothing-here")],
  ["GET", "/openapi.json", 200, () => request("/openapi.json")],
  ["GET", "/healthz", 200, () => request("/healthz")],
];

describe("every status /openapi.json lists, provoked through HTTP", () => {
  // Some seventy requests one after another: give them more than the default five seconds on a busy machine.
  it("each answers as documented, and together they are every documented status but the 500 any route may give", {
    timeout: 60_000,
  }, async () => {
    const provoked = new Set<string>();
    for (const [method, path, status, send] of CASES) {
      const res = await send();
      const body = await res.text();
      expect(res.status, `${method} ${path}: ${body.slice(0, 300)}`).toBe(status);
      provoked.add(`${method} ${path} ${status}`);
    }
    const doc = await (await request("/openapi.json")).json<Doc>();
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, op]) =>
        Object.keys(op.responses ?? {})
          .filter((status) => status !== "500")
          .map((status) => `${method.toUpperCase()} ${path} ${status}`),
      ),
    );
    expect([...provoked].sort()).toEqual([...new Set(documented)].sort());
  });
});

describe("the guard that holds answers to the document", () => {
  const paths = { "/things/{id}.{format}": { get: { responses: { "200": {} } } } };
  const guarded = (answer: number) => {
    const app = new Hono<{ Bindings: Env }>();
    app.use("*", documentedStatuses(paths));
    app.get("/things/:file", (c) => c.text("thing", answer as 200));
    app.get("/secret", (c) => c.text("not documented"));
    return app;
  };
  const strict = { STRICT_API_DOCS: "true" } as unknown as Env;

  it("lets a documented answer through, and the catch-all 404 of an unknown path", async () => {
    expect((await guarded(200).request("/things/a.b", {}, strict)).status).toBe(200);
    expect((await guarded(200).request("/nowhere", {}, strict)).status).toBe(404);
  });

  it("turns an undocumented status, or a route not documented at all, into a 500 naming it", async () => {
    const res = await guarded(409).request("/things/a.b", {}, strict);
    expect(res.status).toBe(500);
    expect((await res.json<{ detail: string }>()).detail).toBe("GET /things/{id}.{format} answered 409, which /openapi.json does not list");
    const hidden = await guarded(200).request("/secret", {}, strict);
    expect(hidden.status).toBe(500);
    expect((await hidden.json<{ detail: string }>()).detail).toBe("GET /secret answered 200 but is not in /openapi.json");
  });

  it("only logs when not strict (production)", async () => {
    expect((await guarded(409).request("/things/a.b", {}, { STRICT_API_DOCS: "false" } as unknown as Env)).status).toBe(409);
  });
});
