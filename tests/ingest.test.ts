import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { articleKey, indexKey } from "../src/storage/kv-keys";
import { adminGet, article, publish, push, request, SEED, signedHeaders, withdraw } from "./helpers/cms";

const problem = async (res: Response) => {
  expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { status: number; detail: string; errors?: { pointer: string; detail: string }[] };
};

describe("POST /v1/articles", () => {
  it("stores the seed article and reports it created, then unchanged, updated and stale", async () => {
    const first = await push(SEED);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ results: [{ id: SEED.id, version: 1, outcome: "created" }], warnings: [] });

    expect(((await (await push(SEED)).json()) as any).results[0].outcome).toBe("unchanged");
    const v2 = await push({ ...SEED, version: 2, title: "蘭州:民生答卷(更新)" });
    expect(((await v2.json()) as any).results[0]).toEqual({ id: SEED.id, version: 2, outcome: "updated" });
    const stale = await push(SEED);
    expect(((await stale.json()) as any).results[0]).toEqual({ id: SEED.id, version: 2, outcome: "stale" });

    const stored = (await (await adminGet(`/v1/articles/${SEED.id}`)).json()) as any;
    expect(stored.title).toBe("蘭州:民生答卷(更新)");
    expect(stored.version).toBe(2);
    expect(stored.status).toBe("published");
    expect(stored.source).toEqual({ name: "甘肅日報", own: false });
    expect(stored.rights.syndication).toBe("none");
    expect(stored.authors).toEqual(SEED.authors);
    expect(stored.regions).toEqual(SEED.regions);
  });

  it("round-trips the seed fixture's Chinese text unchanged", async () => {
    const id = "seed-roundtrip";
    await push({ ...SEED, id });
    const stored = (await (await adminGet(`/v1/articles/${id}`)).json()) as any;
    for (const field of ["title", "original_title", "summary", "url", "published_at", "language"] as const) {
      expect(stored[field]).toBe(SEED[field]);
    }
    expect(stored.body_html).toContain("民生,一頭連著城市高品質發展");
    expect(stored.body_html).toContain("<h3>黨建引領:服務治理提質增效</h3>");
  });

  it("fills defaults: language zh-Hant, status published, full syndication for own content", async () => {
    const a = article({ id: "defaults" });
    await push(a);
    const stored = (await (await adminGet("/v1/articles/defaults")).json()) as any;
    expect(stored.language).toBe("zh-Hant");
    expect(stored.status).toBe("published");
    expect(stored.rights.syndication).toBe("full");
    expect(stored.rights.attribution).toBe("來源:國際在線");
  });

  it("keeps the highest version whatever order concurrent pushes arrive in", async () => {
    for (let round = 0; round < 5; round++) {
      const id = `race-${round}`;
      const versions = [1, 2, 3, 4, 5].sort(() => Math.random() - 0.5);
      const responses = await Promise.all(versions.map((v) => push(article({ id, version: v, title: `v${v}` }))));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const stored = (await (await adminGet(`/v1/articles/${id}`)).json()) as any;
      expect(stored.version).toBe(5);
      expect(stored.title).toBe("v5");
    }
  });

  it("accepts a batch and answers per article", async () => {
    const batch = [article({ id: "b1" }), article({ id: "b2", section: "wenlv" })];
    const res = await push(batch);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).results.map((r: any) => [r.id, r.outcome])).toEqual([
      ["b1", "created"],
      ["b2", "created"],
    ]);
  });

  it("refuses a whole batch with one invalid article, naming its field, and stores none of it", async () => {
    const res = await push([article({ id: "ok-1" }), article({ id: "bad-1", title: "" }), article({ id: "ok-2" })]);
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.errors).toEqual([{ pointer: "/1/title", detail: expect.any(String) }]);
    expect((await adminGet("/v1/articles/ok-1")).status).toBe(404);
    expect((await adminGet("/v1/articles/ok-2")).status).toBe(404);
  });

  it('refuses a batch of 101 with pointer ""', async () => {
    const res = await push(Array.from({ length: 101 }, (_, i) => article({ id: `many-${i}` })));
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toEqual([{ pointer: "", detail: expect.stringContaining("100") }]);
  });

  it("names each invalid field with a JSON pointer", async () => {
    const res = await push({
      ...article({ id: "fields" }),
      url: "ftp://example.com/x",
      section: "sports",
      published_at: "2024-02-18 10:00",
      source: { name: "x" },
      regions: ["Gansu"],
      rights: { syndication: "some" },
      authors: [{ role: "reporter" }],
      surprise: true,
    });
    expect(res.status).toBe(422);
    const pointers = (await problem(res)).errors!.map((e) => e.pointer).sort();
    expect(pointers).toEqual(
      expect.arrayContaining(["/url", "/published_at", "/source/own", "/regions/0", "/rights/syndication", "/authors/0/name", "/surprise"]),
    );
    const sectionOnly = await push(article({ id: "sec", section: "sports" }));
    expect((await problem(sectionOnly)).errors).toEqual([{ pointer: "/section", detail: expect.stringContaining("sports") }]);
  });

  it("requires the fields the article schema requires", async () => {
    const res = await push({ id: "x", version: 1 });
    const pointers = (await problem(res)).errors!.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/section", "/title", "/body_html", "/url", "/published_at", "/source"]));
  });

  it("answers 400 for malformed JSON, 415 for a non-JSON body, 413 over 1 MiB", async () => {
    expect((await problem(await push("{not json"))).status).toBe(400);
    const text = await request("/v1/articles", {
      method: "POST",
      body: "hello",
      headers: { "Content-Type": "text/plain", ...signedHeaders("hello") },
    });
    expect(text.status).toBe(415);
    const big = JSON.stringify(article({ id: "big", body_html: "x".repeat(1024 * 1024) }));
    const res = await push(big);
    expect(res.status).toBe(413);
    await problem(res);
  });

  it("refuses bodies that are not UTF-8 with 400", async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const res = await request("/v1/articles", {
      method: "POST",
      body: bytes,
      headers: { "Content-Type": "application/json", ...signedHeaders("{}") },
    });
    expect(res.status).toBe(400);
  });

  it("refuses unsigned, tampered, wrongly keyed and out-of-window deliveries with 401", async () => {
    const body = JSON.stringify(article({ id: "forged" }));
    const headers = signedHeaders(body);
    const send = (h: Record<string, string>, b = body) =>
      request("/v1/articles", { method: "POST", body: b, headers: { "Content-Type": "application/json", ...h } });
    expect((await send({})).status).toBe(401);
    expect((await send(headers, body.replace("forged", "forgex"))).status).toBe(401);
    expect((await send(signedHeaders(body, { secret: "whsec_d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=" }))).status).toBe(401);
    expect((await send(signedHeaders(body, { at: new Date(Date.now() - 15 * 60_000) }))).status).toBe(401);
    expect((await send(signedHeaders(body, { at: new Date(Date.now() + 6 * 60_000) }))).status).toBe(401);
    expect((await send({ ...headers, "webhook-signature": "v1,AAAA" })).status).toBe(401);
    expect((await adminGet("/v1/articles/forged")).status).toBe(404);
  });

  it("gives a replayed webhook-id the first answer and no second effect", async () => {
    const first = await push(article({ id: "replayed", title: "first" }), { id: "msg_replay_1" });
    const firstBody = await first.json();
    // Same id, newer content: a replay, so nothing changes.
    const again = await push(article({ id: "replayed", version: 2, title: "second" }), { id: "msg_replay_1" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(firstBody);
    expect(((await (await adminGet("/v1/articles/replayed")).json()) as any).title).toBe("first");
  });

  it("removes characters XML forbids or discourages, normalises to NFC and warns with the field", async () => {
    const res = await push(article({ id: "dirty", title: "A\u0000B\u0008C\uFFFE\uD800D\u0085 e\u0301", summary: "ok" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.warnings).toEqual([{ pointer: "/title", detail: expect.stringContaining("5") }]);
    const stored = (await (await adminGet("/v1/articles/dirty")).json()) as any;
    expect(stored.title).toBe("ABCD é");
  });

  it("refuses a title that is nothing but forbidden characters", async () => {
    const res = await push(article({ id: "empty-title", title: "\u0001\u0002" }));
    expect(res.status).toBe(422);
    expect((await problem(res)).errors![0]!.pointer).toBe("/title");
  });

  it("sanitises hostile HTML and makes relative URLs absolute", async () => {
    const body_html = [
      '<p onclick="steal()">Hi <a href="/about" onmouseover="x()">about</a> <a href="javascript:alert(1)">js</a>',
      '<a href=" JaVa\tScRiPt:alert(1)">tab</a> <img src="img/a.png" onerror="alert(1)"> <img src="data:image/png;base64,iVBORw0KGgo=">',
      '<img src="data:text/html;base64,PHNjcmlwdD4="></p><script>alert(1)</script><style>p{}</style><iframe src="https://evil"></iframe>',
      '<object data="x"></object><svg><script>alert(2)</script></svg><form><input></form><p style="color:red" class="x">styled</p><!-- secret -->',
    ].join("");
    await push(article({ id: "hostile", url: "https://gansu.news.example/a/2024/02/18/page.html", body_html }));
    const stored = (await (await adminGet("/v1/articles/hostile")).json()) as any;
    const html: string = stored.body_html;
    for (const bad of [
      "onclick",
      "onmouseover",
      "onerror",
      "javascript",
      "JaVa",
      "<script",
      "<style",
      "<iframe",
      "<object",
      "<svg",
      "<form",
      "<input",
      "style=",
      "class=",
      "secret",
      "data:text",
    ]) {
      expect(html).not.toContain(bad);
    }
    expect(html).toContain('href="https://gansu.news.example/about"');
    expect(html).toContain('src="https://gansu.news.example/a/2024/02/18/img/a.png"');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).toContain("<p>styled</p>");
  });
});

describe("DELETE /v1/articles/{id}", () => {
  it("withdraws a stored article, is idempotent, and 404s an unknown id", async () => {
    await push(article({ id: "to-withdraw" }));
    const res = await withdraw("to-withdraw");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ results: [{ id: "to-withdraw", version: 1, outcome: "withdrawn" }], warnings: [] });
    const stored = (await (await adminGet("/v1/articles/to-withdraw")).json()) as any;
    expect(stored.status).toBe("withdrawn");
    expect((await withdraw("to-withdraw")).status).toBe(200);
    const missing = await withdraw("never-stored");
    expect(missing.status).toBe(404);
    await problem(missing);
  });

  it("needs a valid signature", async () => {
    await push(article({ id: "keep-me" }));
    const res = await request("/v1/articles/keep-me", { method: "DELETE" });
    expect(res.status).toBe(401);
    expect(((await (await adminGet("/v1/articles/keep-me")).json()) as any).status).toBe("published");
  });
});

describe("GET /v1/articles/{id}", () => {
  it("needs the admin token", async () => {
    await push(article({ id: "private" }));
    const res = await request("/v1/articles/private", { headers: { Authorization: "Bearer wrong" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect((await request("/v1/articles/private")).status).toBe(401);
  });
});

describe("publishing to KV", () => {
  it("publishes the section snapshot and the article to KV from the alarm", async () => {
    await push(article({ id: "published-1", section: "wenlv" }));
    await publish();
    const snapshot = (await env.FEEDS.get(indexKey("wenlv"), "json")) as any;
    expect(snapshot.entries.map((e: any) => e.id)).toContain("published-1");
    expect(await env.FEEDS.get(articleKey("published-1"), "json")).toMatchObject({ id: "published-1" });
  });
});

it("GET /healthz answers ok", async () => {
  expect(await (await request("/healthz")).json()).toEqual({ status: "ok" });
});

it("turns character references to forbidden characters into U+FFFD, as HTML parsers would", async () => {
  await push(article({ id: "char-refs", body_html: '<p title="&#0;">a &#0; b &#xD800; c &#x1F4F0; d &#65;</p>' }));
  const stored = (await (await adminGet("/v1/articles/char-refs")).json()) as any;
  expect(stored.body_html).toBe('<p title="&#xFFFD;">a &#xFFFD; b &#xFFFD; c &#x1F4F0; d &#65;</p>');
});
