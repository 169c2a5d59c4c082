// The path ahead of the router (src/feeds/fast-path.ts): a plain GET of a public feed answered from its validators
// or pre-rendered body gets exactly what the router gives the same request, headers and body; anything else
// (a query, another method, an odd path, a feed only the index can answer) is left to the router.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { feedFastPath } from "../src/feeds/fast-path";
import { PUBLIC_READ_HEADERS } from "../src/http/headers";
import { app } from "../src/index";
import { article, BASE, publish, push } from "./helpers/cms";

const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;

/** Everything a client sees of an answer. */
async function seen(res: Response) {
  return { status: res.status, headers: [...res.headers], body: await res.text() };
}

const viaWorker = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(new URL(path, BASE), init));
const viaRouter = (path: string, init: RequestInit = {}) => app.fetch(new Request(new URL(path, BASE), init), env, ctx);

let etag = "";
let pageEtag = "";
let lastModified = "";

beforeAll(async () => {
  for (const id of ["fast-1", "fast-2", "fast-3"]) {
    expect((await push(article({ id, section: "wenlv", topics: ["tourism"], regions: ["gansu/lanzhou"] }))).status).toBeLessThan(300);
  }
  await publish();
  const res = await viaRouter("/feeds/wenlv.rss");
  expect(res.status).toBe(200);
  etag = res.headers.get("ETag")!;
  lastModified = res.headers.get("Last-Modified")!;
  pageEtag = (await viaRouter("/feeds/wenlv.rss", { headers: { Accept: "text/html" } })).headers.get("ETag")!;
});

describe("the fast path answers what the router answers", () => {
  const cases: [string, string, Record<string, string>][] = [
    ["unfiltered rss", "/feeds/wenlv.rss", {}],
    ["unfiltered atom", "/feeds/wenlv.atom", {}],
    ["unfiltered json", "/feeds/wenlv.json", {}],
    ["the Simplified twin", "/zh-hans/feeds/wenlv.rss", {}],
    ["the all section", "/feeds/all.json", {}],
    ["a browser (the HTML view)", "/feeds/wenlv.rss", { Accept: "text/html" }],
    ["a cross-origin reader", "/feeds/wenlv.atom", { Origin: "https://reader.example" }],
  ];
  it.each(cases)("%s", async (_name, path, headers) => {
    const fast = await seen(await viaWorker(path, { headers }));
    expect(fast.status).toBe(200);
    expect(fast).toEqual(await seen(await viaRouter(path, { headers })));
  });

  it("a 304 by If-None-Match (weak or strong) and by If-Modified-Since, and a 200 for a copy that is not current", async () => {
    for (const headers of [
      { "If-None-Match": etag },
      { "If-None-Match": `"other", W/${etag}` },
      { "If-Modified-Since": lastModified },
      { "If-None-Match": pageEtag, Accept: "text/html" },
    ] as Record<string, string>[]) {
      const fast = await seen(await viaWorker("/feeds/wenlv.rss", { headers }));
      expect(fast.status).toBe(304);
      expect(fast.headers.map(([name]) => name)).not.toContain("content-type");
      expect(fast).toEqual(await seen(await viaRouter("/feeds/wenlv.rss", { headers })));
    }
    const stale = await seen(await viaWorker("/feeds/wenlv.rss", { headers: { "If-None-Match": '"r0.0.old"' } }));
    expect(stale.status).toBe(200);
    expect(stale).toEqual(await seen(await viaRouter("/feeds/wenlv.rss", { headers: { "If-None-Match": '"r0.0.old"' } })));
  });

  it("its answers carry every header the router's middleware adds (security, CORS)", async () => {
    const answer = await feedFastPath(new Request(`${BASE}/feeds/wenlv.rss`), env);
    expect(answer?.status).toBe(200);
    for (const [name, value] of Object.entries(PUBLIC_READ_HEADERS)) expect(answer!.headers.get(name)).toBe(value);
    // The same set the middleware gives an answer no feed code builds.
    const opml = await viaRouter("/feeds.opml");
    for (const [name, value] of Object.entries(PUBLIC_READ_HEADERS)) expect(opml.headers.get(name)).toBe(value);
  });

  it("an answer's headers are its own: changing them changes no later answer", async () => {
    const first = (await feedFastPath(new Request(`${BASE}/feeds/wenlv.rss`), env))!;
    first.headers.set("Cache-Control", "no-store");
    first.headers.delete("Link");
    const second = (await feedFastPath(new Request(`${BASE}/feeds/wenlv.rss`), env))!;
    expect(second.headers.get("Cache-Control")).toBe("public, max-age=60");
    expect(second.headers.get("Link")).toContain('rel="self"');
  });
});

describe("what the fast path leaves to the router", () => {
  it("takes only a GET of exactly /feeds/{section}.{format} or its twin, with no query string", async () => {
    for (const [path, init] of [
      ["/feeds/wenlv.rss?topic=tourism", {}],
      ["/feeds/wenlv.rss?limit=20", {}],
      ["/feeds/wenlv.rss?", {}],
      ["/feeds/wen%6Cv.rss", {}],
      ["/feeds/wenlv.rss/", {}],
      ["/feeds/WENLV.rss", {}],
      ["/feeds/wenlv.xml", {}],
      ["/feeds/no-such-section.rss", {}],
      ["/zh-hant/feeds/wenlv.rss", {}],
      ["/partner/feeds/wenlv.rss", {}],
      ["/feeds/wenlv.rss", { method: "HEAD" }],
      ["/feeds/wenlv.rss", { method: "OPTIONS" }],
      ["/feeds/wenlv.rss", { method: "POST", body: "x" }],
    ] as [string, RequestInit][]) {
      expect(feedFastPath(new Request(`${BASE}${path}`, init), env), `${init.method ?? "GET"} ${path}`).toBeNull();
    }
    expect(await feedFastPath(new Request(`${BASE}/zh-hans/feeds/wenlv.json`), env)).toBeInstanceOf(Response);
  });

  it("declines what only the index can answer: the browser view of a feed", async () => {
    const page = { headers: { Accept: "text/html" } };
    expect(await feedFastPath(new Request(`${BASE}/feeds/wenlv.rss`, page), env)).toBeNull();
    expect(
      await feedFastPath(new Request(`${BASE}/feeds/wenlv.rss`, { headers: { "If-None-Match": '"r0.0.old"', ...page.headers } }), env),
    ).toBeNull();
  });

  it("filtered feeds, HEAD and problems answer as before (through the router)", async () => {
    for (const [path, init] of [
      ["/feeds/wenlv.rss?topic=tourism&region=gansu", {}],
      ["/feeds/wenlv.rss", { method: "HEAD" }],
      ["/feeds/wenlv.rss?limit=0", {}],
      ["/feeds/wen%6Cv.rss", {}],
    ] as [string, RequestInit][]) {
      expect(await seen(await viaWorker(path, init))).toEqual(await seen(await viaRouter(path, init)));
    }
  });
});
