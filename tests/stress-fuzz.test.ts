// Fuzzing the ingest body with fast-check, through the real Worker with proper signatures:
// malformed JSON, wrong types, huge and deeply nested values, __proto__/constructor keys, invalid
// UTF-8, CRLF and NUL in every string field. Never a 5xx; always a clear 4xx problem+json (with
// `errors` pointers for 422) or a stored, clean article; and every feed stays valid afterwards.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { adminGet, request } from "./helpers/cms";
import { TEST_SECRETS } from "./helpers/secrets";

const SCALE = Number((env as unknown as { STRESS_SCALE?: string }).STRESS_SCALE ?? "0.1");
const RUNS = Math.max(150, Math.round(2000 * SCALE));
/** Fixed in CI so a failure reproduces; a fresh seed on every full run (printed with the figures). */
const SEED = SCALE >= 1 ? Date.now() % 2 ** 31 : 7;
const SECTIONS = ["yaowen", "chengshi-yuanyang", "laowai-zai-gansu", "zhiguan-zhongguo", "shijie", "yuanchuang", "redian-zhuanti", "wenlv"];
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const JSON_POINTER = /^(\/([^~/]|~[01])*)*$/;
const encoder = new TextEncoder();
const stub = (): DurableObjectStub => env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom")) as unknown as DurableObjectStub;

const figures = { cases: 0, sweep_cases: 0, stored: 0, refused: {} as Record<string, number>, "5xx": 0, problems: [] as string[] };

// --- signing raw bytes (invalid UTF-8 cannot be a JS string) -----------------------------------

const keyBytes = Uint8Array.from(atob(TEST_SECRETS.CMS_WEBHOOK_SECRET.slice("whsec_".length)), (c) => c.charCodeAt(0));
const hmacKey = crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
let sequence = 0;

async function signedRaw(body: Uint8Array, contentType = "application/json"): Promise<Response> {
  const id = `msg_fuzz_${++sequence}_${Date.now()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey, signed));
  const signature = `v1,${btoa(String.fromCharCode(...mac))}`;
  return request("/v1/articles", {
    method: "POST",
    body,
    headers: { "Content-Type": contentType, "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature },
  });
}

// --- the articles -------------------------------------------------------------------------------

let idCounter = 0;
function fullArticle(): Record<string, any> {
  const n = ++idCounter;
  return {
    id: `fz-${n}`,
    version: 1,
    status: "published",
    section: SECTIONS[n % SECTIONS.length],
    title: `標題 ${n}`,
    original_title: `原標題 ${n}`,
    summary: `摘要 ${n}`,
    body_html: `<p>正文 ${n} <a href="/rel/${n}">連結</a></p>`,
    url: `https://gansu.news.example/fz/${n}.html`,
    language: "zh-Hant",
    published_at: new Date(Date.parse("2025-06-01T00:00:00Z") + n * 60_000).toISOString(),
    updated_at: "2025-06-02T00:00:00+08:00",
    embargo_until: "2025-01-01T00:00:00Z",
    source: { name: "國際在線", url: "https://gansu.news.example/", own: true },
    authors: [{ name: "薛硯", role: "reporter" }],
    editors: [{ name: "王奇英", role: "editor" }],
    regions: ["gansu/lanzhou"],
    topics: ["transport"],
    images: [{ url: "https://gansu.news.example/img/1.jpg", caption: "圖", width: 100, height: 80, type: "image/jpeg" }],
    rights: { syndication: "full", attribution: "來源:國際在線", copyright: "版權所有" },
  };
}

type Path = (string | number)[];
const STRING_FIELDS: Path[] = [
  ["id"],
  ["status"],
  ["section"],
  ["title"],
  ["original_title"],
  ["summary"],
  ["body_html"],
  ["url"],
  ["language"],
  ["published_at"],
  ["updated_at"],
  ["embargo_until"],
  ["source", "name"],
  ["source", "url"],
  ["authors", 0, "name"],
  ["authors", 0, "role"],
  ["editors", 0, "name"],
  ["regions", 0],
  ["topics", 0],
  ["images", 0, "url"],
  ["images", 0, "caption"],
  ["images", 0, "type"],
  ["rights", "syndication"],
  ["rights", "attribution"],
  ["rights", "copyright"],
];
const OTHER_FIELDS: Path[] = [["version"], ["source", "own"], ["images", 0, "width"], ["authors"], ["regions"], ["rights"], ["source"], []];

function getAt(value: any, path: Path): any {
  return path.reduce((v, k) => v?.[k], value);
}
function setAt(value: any, path: Path, replacement: unknown): any {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = replacement;
  return copy;
}

const INJECTIONS = ["\r\n", "\u0000", "\r\nX-Injected: yes", "\n\n<script>alert(1)</script>", "\r", "\u0085\u2028\u2029", "\uD800", "]]>"];

const hostileText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 24 }),
  fc.constantFrom(
    ...INJECTIONS,
    "",
    " ",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    "/relative/path",
    "\u202e\u200fRTL\u200e",
    "𠀀𪚲𫝀",
    "😀👍🏽🇹🇼",
    "&amp;<b>&",
    "\uFEFF",
    "%0d%0aX: y",
    "x".repeat(501),
    "y".repeat(70_000),
  ),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 10 })).map((p) => p.join("")),
);

interface Case {
  label: string;
  body: Uint8Array;
  contentType?: string;
}
const bytes = (text: string) => encoder.encode(text);
const json = (label: string, value: unknown): Case => ({ label, body: bytes(JSON.stringify(value)) });

const caseArb: fc.Arbitrary<Case> = fc.oneof(
  // A hostile string in one string field, replacing it or appended to its valid value.
  fc.tuple(fc.constantFrom(...STRING_FIELDS), hostileText, fc.boolean()).map(([path, text, append]) => {
    const a = fullArticle();
    return json(`string ${path.join("/")}`, setAt(a, path, append ? `${getAt(a, path)}${text}` : text));
  }),
  // Wrong types anywhere.
  fc
    .tuple(fc.constantFrom(...STRING_FIELDS, ...OTHER_FIELDS), fc.jsonValue({ maxDepth: 3 }))
    .map(([path, value]) => json(`type ${path.join("/")}`, setAt(fullArticle(), path, value))),
  // Numbers JSON can write but JavaScript and SQLite read differently.
  fc
    .constantFrom(
      "0",
      "-1",
      "1.5",
      "-0",
      "1.0",
      "1e2",
      "9007199254740991",
      "9007199254740993",
      "1e20",
      "1e308",
      "1e400",
      "-1e400",
      "2e-400",
    )
    .map((n) => {
      const a = fullArticle();
      return { label: `version ${n}`, body: bytes(JSON.stringify(a).replace('"version":1', `"version":${n}`)) };
    }),
  // Deep nesting, as a whole body or in a field.
  fc
    .tuple(fc.integer({ min: 100, max: Math.round(200_000 * Math.max(SCALE, 0.25)) }), fc.boolean(), fc.boolean())
    .map(([depth, inField, objects]) => {
      const nested = objects ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : `${"[".repeat(depth)}${"]".repeat(depth)}`;
      const text = inField ? JSON.stringify(fullArticle()).replace(/"title":"[^"]*"/, `"title":${nested}`) : nested;
      return { label: `nesting ${depth}`, body: bytes(text) };
    }),
  // __proto__, constructor and prototype keys at the top and inside objects.
  fc
    .tuple(
      fc.constantFrom("__proto__", "constructor", "prototype", "__defineGetter__", "hasOwnProperty", "toString"),
      fc.constantFrom("top", "source", "rights", "authors/0", "images/0"),
      fc.constantFrom('{"polluted":"yes","section":"yaowen"}', '{"prototype":{"polluted":"yes"}}', '"x"', "null", "[1]"),
    )
    .map(([key, where, value]) => {
      const text = JSON.stringify(fullArticle());
      const anchor = { top: '{"id"', source: '"source":{', rights: '"rights":{', "authors/0": '"authors":[{', "images/0": '"images":[{' }[
        where
      ];
      const injected = anchor.endsWith("{")
        ? text.replace(anchor, `${anchor}"${key}":${value},`)
        : text.replace(anchor, `{"${key}":${value},"id"`);
      return { label: `key ${key} at ${where}`, body: bytes(injected) };
    }),
  // Malformed JSON: truncated, trailing garbage, random text.
  fc.tuple(fc.integer({ min: 0, max: 400 }), fc.constantFrom("", ",", "}", "]", "garbage", "\u0000", ",}")).map(([cut, tail]) => {
    const text = JSON.stringify(fullArticle());
    return { label: "malformed", body: bytes(text.slice(0, Math.min(cut, text.length - 1)) + tail) };
  }),
  fc.string({ unit: "binary", maxLength: 200 }).map((text) => ({ label: "random text", body: bytes(text) })),
  // Invalid UTF-8 inside a string value.
  fc
    .tuple(
      fc.constantFrom(
        [0xff],
        [0xfe, 0xff],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
        [0xe2, 0x82],
        [0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
      ),
      fc.constantFrom('"title":"', '"summary":"', '"body_html":"<p>', '"id":"'),
    )
    .map(([bad, anchor]) => {
      const text = JSON.stringify(fullArticle());
      const at = text.indexOf(anchor) + anchor.length;
      const head = bytes(text.slice(0, at));
      const tail = bytes(text.slice(at));
      const body = new Uint8Array(head.length + bad.length + tail.length);
      body.set(head);
      body.set(bad, head.length);
      body.set(tail, head.length + bad.length);
      return { label: "invalid utf-8", body };
    }),
  // Huge: big batches, long arrays, bodies around the 1 MiB limit.
  fc.constantFrom(1, 50, 100, 101, 150).map((n) =>
    json(
      `batch ${n}`,
      Array.from({ length: n }, () => fullArticle()),
    ),
  ),
  fc
    .constantFrom(21, 51, 1000)
    .map((n) => json(`regions ${n}`, { ...fullArticle(), regions: Array.from({ length: n }, (_, i) => `r-${i}`) })),
  fc
    .constantFrom(500_000, 524_288, 524_289, 1_100_000)
    .map((n) => json(`body_html ${n}`, { ...fullArticle(), body_html: "字".repeat(n / 3) })),
  fc
    .constantFrom("text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1", "APPLICATION/JSON")
    .map((contentType) => ({ label: `content-type ${contentType}`, body: bytes(JSON.stringify(fullArticle())), contentType })),
);

// --- the oracle ---------------------------------------------------------------------------------

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

async function check(c: Case): Promise<void> {
  figures.cases++;
  const res = await signedRaw(c.body, c.contentType);
  const text = await res.text();
  const fail = (why: string) => {
    figures.problems.push(`${c.label}: ${why} (HTTP ${res.status}: ${text.slice(0, 300)})`);
    throw new Error(`${c.label}: ${why}`);
  };
  if (res.status >= 500) {
    figures["5xx"]++;
    fail("server error");
  }
  if (res.status !== 200) {
    figures.refused[res.status] = (figures.refused[res.status] ?? 0) + 1;
    if (![400, 413, 415, 422].includes(res.status)) fail("unexpected status");
    if (!/^application\/problem\+json/.test(res.headers.get("Content-Type") ?? "")) fail("not problem+json");
    const problem = JSON.parse(text);
    if (problem.status !== res.status || typeof problem.title !== "string" || typeof problem.detail !== "string")
      fail("incomplete problem");
    if (res.status === 422) {
      if (!Array.isArray(problem.errors) || problem.errors.length === 0) fail("422 without errors");
      for (const e of problem.errors) {
        if (typeof e.pointer !== "string" || !JSON_POINTER.test(e.pointer) || typeof e.detail !== "string")
          fail(`bad error ${JSON.stringify(e)}`);
      }
    }
    return;
  }
  const answer = JSON.parse(text);
  for (const result of answer.results) {
    const stored = await adminGet(`/v1/articles/${result.id}`);
    if (stored.status !== 200) fail(`acknowledged ${result.id} is not stored`);
    const doc = (await stored.json()) as Record<string, any>;
    if (doc.version < result.version) fail(`${result.id} holds v${doc.version}, acknowledged v${result.version}`);
    const bad = stringsOf(doc).find((s) => XML_FORBIDDEN.test(s));
    if (bad !== undefined) fail(`${result.id} keeps a character XML forbids: ${JSON.stringify(bad.slice(0, 80))}`);
    if (/<script|javascript:|\son[a-z]+\s*=/i.test(doc.body_html)) fail(`${result.id} keeps unsafe HTML`);
    figures.stored++;
  }
  if ((Object.prototype as any).polluted !== undefined || (globalThis as any).polluted !== undefined) fail("prototype polluted");
}

// --- feeds afterwards ---------------------------------------------------------------------------

/** Well-formed XML (fast-xml-parser's validator), no character XML 1.0 forbids, and feedsmith parses it. */
function feedProblems(format: string, body: string): string[] {
  const problems: string[] = [];
  if (format === "json") {
    try {
      const feed = JSON.parse(body);
      parseJsonFeed(body);
      if (feed.version !== "https://jsonfeed.org/version/1.1" || typeof feed.title !== "string" || !Array.isArray(feed.items)) {
        problems.push("JSON Feed 1.1 top-level fields missing");
      }
      for (const item of feed.items ?? []) {
        if (typeof item.id !== "string" || (typeof item.content_html !== "string" && typeof item.content_text !== "string")) {
          problems.push(`item ${JSON.stringify(item.id)} lacks id or content`);
        }
      }
    } catch (error) {
      problems.push(String(error));
    }
    return problems;
  }
  const valid = XMLValidator.validate(body);
  if (valid !== true) problems.push(`not well-formed: ${JSON.stringify(valid.err)}`);
  if (XML_FORBIDDEN.test(body)) problems.push("contains a character XML 1.0 forbids");
  if (/&#(x0*([0-8bcef]|1[0-9a-f])|0*([0-8]|1[124-9]|2[0-9]|3[01]));/i.test(body)) problems.push("references a character XML 1.0 forbids");
  try {
    (format === "rss" ? parseRssFeed : parseAtomFeed)(body);
  } catch (error) {
    problems.push(`feedsmith: ${String(error)}`);
  }
  return problems;
}

async function publishEverything(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await runDurableObjectAlarm(stub());
    const dirty = await runInDurableObject(
      stub(),
      (_i, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM kv_outbox").one().n as number,
    );
    if (dirty === 0) return;
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe("fuzzing POST /v1/articles", () => {
  it("answers CRLF, NUL and friends in every string field with a clean article or a clear 4xx", async () => {
    for (const path of STRING_FIELDS) {
      for (const injection of INJECTIONS) {
        for (const append of [true, false]) {
          const a = fullArticle();
          figures.sweep_cases++;
          await check(
            json(
              `sweep ${path.join("/")} ${JSON.stringify(injection)}`,
              setAt(a, path, append ? `${getAt(a, path)}${injection}` : injection),
            ),
          );
        }
      }
    }
    expect(figures.problems).toEqual([]);
  }, 300_000);

  it(`never answers a 5xx to ${RUNS} generated bodies`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        await check(c);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(figures.problems).toEqual([]);
  }, 600_000);

  it("keeps every feed valid after the fuzzing", async () => {
    await publishEverything();
    const feeds: string[] = [];
    for (const section of [...SECTIONS, "all"]) {
      for (const format of ["rss", "atom", "json"]) {
        feeds.push(`/feeds/${section}.${format}?limit=100`, `/feeds/${section}.${format}?region=gansu&limit=100`);
      }
      feeds.push(`/feeds/${section}.rss`, `/feeds/${section}.atom?topic=transport`);
    }
    const available = (await request("/feeds/all.json")).status === 200;
    const invalid: string[] = [];
    if (available) {
      for (const path of feeds) {
        const res = await request(path);
        const body = await res.text();
        const format = path.split("?")[0]!.split(".").at(-1)!;
        const problems = res.status === 200 ? feedProblems(format, body) : [`HTTP ${res.status}`];
        if (problems.length) invalid.push(`${path}: ${problems.join("; ")}`);
      }
    }
    console.log(
      `[stress-figures] ${JSON.stringify({ part: "fuzz", scale: SCALE, seed: SEED, fuzz_cases: figures.cases, sweep_cases: figures.sweep_cases, generated_cases: figures.cases - figures.sweep_cases, stored: figures.stored, refused_by_status: figures.refused, "5xx": figures["5xx"], feeds_checked: available ? feeds.length : 0, invalid_feeds: invalid.length })}`,
    );
    expect(invalid).toEqual([]);
  }, 120_000);
});

describe("fuzzing feed URLs", () => {
  const FEED_RUNS = Math.max(200, Math.round(3000 * SCALE));
  const queryValue = fc.oneof(
    fc.constantFrom(
      "",
      "0",
      "1",
      "100",
      "101",
      "-1",
      "1e2",
      "abc",
      "gansu",
      "gansu/",
      "/gansu",
      "gansu//x",
      "../..",
      "GANSU",
      "transport,",
      ",",
      "a,".repeat(30),
    ),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "binary", maxLength: 12 }),
    fc.constantFrom("%00", "%0d%0a", "%ff", "%", "%zz", "x".repeat(5000)),
  );
  const feedUrl = fc
    .tuple(
      fc.oneof(
        { arbitrary: fc.constantFrom(...SECTIONS, "all"), weight: 5 },
        { arbitrary: fc.constantFrom("ALL", "", "..", "yaowen.rss", "nope", "%2e%2e"), weight: 1 },
      ),
      fc.oneof(
        { arbitrary: fc.constantFrom("rss", "atom", "json"), weight: 5 },
        { arbitrary: fc.constantFrom("xml", "", "RSS", "json?", "rss/"), weight: 1 },
      ),
      fc.array(fc.tuple(fc.constantFrom("region", "topic", "limit", "key", "format", "__proto__", "x"), queryValue), { maxLength: 4 }),
      fc.constantFrom("/feeds/", "/partner/feeds/"),
      fc.constantFrom("GET", "HEAD"),
      fc.constantFrom("application/rss+xml", "text/html", "*/*", "text/html;q=0.9, application/json", ""),
      fc.boolean(),
    )
    .map(([section, format, params, prefix, method, accept, authorised]) => {
      const query = params.map(([k, v]) => `${k}=${/%/.test(v) ? v : encodeURIComponent(v)}`).join("&");
      return { path: `${prefix}${section}.${format}${query ? `?${query}` : ""}`, method, accept, authorised };
    });

  it(`never answers a 5xx to ${FEED_RUNS} generated feed requests`, async () => {
    const statuses: Record<number, number> = {};
    // A real partner, so partner requests get past the key check half of the time.
    const admin = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };
    const put = await request("/v1/partners/fuzzer", {
      method: "PUT",
      headers: admin,
      body: JSON.stringify({
        name: "Fuzzer",
        sections: ["yaowen", "wenlv"],
        regions: ["gansu"],
        rate_limit_per_minute: 100_000,
        license: { id: "fuzzer", url: "https://licences.example/fuzzer", attribution: "來源:國際在線", expires_at: "2099-01-01T00:00:00Z" },
      }),
    });
    expect(put.status).toBeLessThan(300);
    const { key } = (await (await request("/v1/partners/fuzzer/keys", { method: "POST", headers: admin })).json()) as { key: string };
    await fc.assert(
      fc.asyncProperty(feedUrl, async ({ path, method, accept, authorised }) => {
        let res: Response;
        try {
          const headers: Record<string, string> = accept ? { Accept: accept } : {};
          if (authorised) headers.Authorization = `Bearer ${key}`;
          res = await request(path, { method, headers });
        } catch {
          return; // a URL the Request constructor itself rejects never reaches the Worker
        }
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const body = await res.text();
        if (res.status >= 500) throw new Error(`${method} ${path}: ${res.status} ${body.slice(0, 200)}`);
        if (![200, 304, 400, 401, 403, 404, 429].includes(res.status)) throw new Error(`${method} ${path}: unexpected ${res.status}`);
        if (res.status >= 400 && method === "GET" && !/^application\/problem\+json/.test(res.headers.get("Content-Type") ?? "")) {
          throw new Error(`${method} ${path}: ${res.status} without problem+json`);
        }
      }),
      { numRuns: FEED_RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(
      `[stress-figures] ${JSON.stringify({ part: "fuzz-feed-urls", scale: SCALE, seed: SEED, fuzz_cases: FEED_RUNS, by_status: statuses, "5xx": 0 })}`,
    );
  }, 300_000);
});
