// The WebSub hub in workerd, through the Worker's HTTP surface: every public feed advertises it,
// hostile or malformed subscription requests are refused naming the field and create nothing,
// and a subscription's life (verification, signed pushes, lease end) with the callbacks played by
// tests/helpers/stand-in-network.ts. (End to end with a real subscriber: tests/e2e/websub.test.ts.)

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadIndex } from "../src/feeds/read";
import { HOST_IN_FLIGHT, HostLanes } from "../src/websub/host-lanes";
import { hubSignature, signatureMethod } from "../src/websub/signature";
import { MIN_PUSH_INTERVAL_MS } from "../src/websub/topic-render";
import { article, BASE, get, publish, push, request, SEED } from "./helpers/cms";
import { TEST_SECRETS } from "./helpers/secrets";

const HUB = `${BASE}/websub`;
const TOPIC = `${BASE}/feeds/yaowen.rss`;
let client = 0;

/** A subscription request from its own client address (the per-client limit has its own test). */
function subscribe(fields: Record<string, string>, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  return request("/websub", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": `203.0.113.${++client % 250}`, ...init.headers },
    body: init.body ?? new URLSearchParams(fields).toString(),
  });
}

const valid = (extra: Record<string, string> = {}) => ({
  "hub.mode": "subscribe",
  "hub.topic": TOPIC,
  "hub.callback": "https://reader.example/push/1",
  ...extra,
});

async function listing(topic?: string): Promise<any[]> {
  const query = topic ? `?topic=${encodeURIComponent(topic)}` : "";
  const res = await request(`/v1/websub/subscriptions${query}`, { headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { subscriptions: any[] }).subscriptions;
}

const shard = (section: string) => env.WEBSUB_HUB.get(env.WEBSUB_HUB.idFromName(`hub:${section}`));

beforeAll(async () => {
  await push([SEED, article({ id: "ws-transport", topics: ["transport"], regions: ["gansu/lanzhou"] })]);
  await publish();
});

describe("every public feed advertises the hub", () => {
  it("in the Link header beside rel=self, and in the RSS, Atom and JSON documents, the Simplified twins too", async () => {
    for (const path of [
      "/feeds/yaowen.rss",
      "/feeds/all.atom?topic=transport",
      "/feeds/yaowen.json?region=gansu",
      "/zh-hans/feeds/yaowen.rss",
      "/zh-hans/feeds/all.atom?topic=transport",
    ]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Link")).toContain(`<${HUB}>; rel="hub"`);
      expect(res.headers.get("Link")).toContain(`<${BASE}${path}>; rel="self"`);
    }
    // The documents, in both scripts: the Simplified twins are topics as well.
    for (const prefix of ["", "/zh-hans"]) {
      const rss = parseRssFeed(await (await get(`${prefix}/feeds/yaowen.rss`)).text());
      expect(rss.atom?.links).toContainEqual(expect.objectContaining({ href: HUB, rel: "hub" }));
      const atom = parseAtomFeed(await (await get(`${prefix}/feeds/all.atom?topic=transport`)).text());
      expect(atom.links).toContainEqual(expect.objectContaining({ href: HUB, rel: "hub" }));
      const json = (await (await get(`${prefix}/feeds/yaowen.json?region=gansu`)).json()) as { hubs: unknown };
      expect(json.hubs).toEqual([{ type: "WebSub", url: HUB }]);
    }
  });

  it("partner feeds, private to a key, do not", async () => {
    const res = await get("/partner/feeds/yaowen.rss");
    expect(res.headers.get("Link") ?? "").not.toContain('rel="hub"');
  });
});

describe("POST /websub refuses what it cannot honour, naming the field, and creates nothing", () => {
  const cases: [string, Record<string, string>, string][] = [
    ["a wrong mode", valid({ "hub.mode": "publish" }), "/hub.mode"],
    ["a missing mode", { "hub.topic": TOPIC, "hub.callback": "https://reader.example/x" }, "/hub.mode"],
    ["a missing topic", { "hub.mode": "subscribe", "hub.callback": "https://reader.example/x" }, "/hub.topic"],
    ["a missing callback", { "hub.mode": "subscribe", "hub.topic": TOPIC }, "/hub.callback"],
    ["a foreign topic", valid({ "hub.topic": "https://elsewhere.example/feeds/yaowen.rss" }), "/hub.topic"],
    ["a topic that is not a feed", valid({ "hub.topic": `${BASE}/feeds/nope.rss` }), "/hub.topic"],
    ["a topic that is not a public feed", valid({ "hub.topic": `${BASE}/partner/feeds/yaowen.rss` }), "/hub.topic"],
    ["a topic not as its self link reads", valid({ "hub.topic": `${TOPIC}?topic=transport,culture&limit=20` }), "/hub.topic"],
    ["a topic with a bad filter", valid({ "hub.topic": `${TOPIC}?limit=1000` }), "/hub.topic"],
    ["a twin topic not as its self link reads", valid({ "hub.topic": `${BASE}/zh-hans/feeds/yaowen.rss?limit=20` }), "/hub.topic"],
    ["a twin of no feed", valid({ "hub.topic": `${BASE}/zh-hans/feeds/nope.atom` }), "/hub.topic"],
    ["an ftp callback", valid({ "hub.callback": "ftp://reader.example/x" }), "/hub.callback"],
    ["a javascript: callback", valid({ "hub.callback": "javascript:alert(1)" }), "/hub.callback"],
    ["a relative callback", valid({ "hub.callback": "/push" }), "/hub.callback"],
    ["a callback with credentials", valid({ "hub.callback": "https://u:p@reader.example/x" }), "/hub.callback"],
    ["a loopback callback", valid({ "hub.callback": "http://127.0.0.1:8080/x" }), "/hub.callback"],
    ["a loopback callback by name", valid({ "hub.callback": "http://localhost/x" }), "/hub.callback"],
    ["a private callback", valid({ "hub.callback": "http://10.1.2.3/x" }), "/hub.callback"],
    ["a private callback in decimal", valid({ "hub.callback": "http://3232235777/x" }), "/hub.callback"],
    ["a link-local (metadata) callback", valid({ "hub.callback": "http://169.254.169.254/latest" }), "/hub.callback"],
    ["an IPv6 loopback callback", valid({ "hub.callback": "http://[::1]/x" }), "/hub.callback"],
    ["an IPv4-mapped private callback", valid({ "hub.callback": "http://[::ffff:192.168.0.1]/x" }), "/hub.callback"],
    ["a secret of 200 bytes", valid({ "hub.secret": "s".repeat(200) }), "/hub.secret"],
    ["a lease of -1", valid({ "hub.lease_seconds": "-1" }), "/hub.lease_seconds"],
    ["a lease of 10^12", valid({ "hub.lease_seconds": "1000000000000" }), "/hub.lease_seconds"],
    ["a lease that is not a number", valid({ "hub.lease_seconds": "ten days" }), "/hub.lease_seconds"],
    ["a lease of 0", valid({ "hub.lease_seconds": "0" }), "/hub.lease_seconds"],
    ["a field given twice", { ...valid(), "hub.topic": TOPIC }, "/hub.topic"],
  ];

  it.each(cases)("%s: 400 problem+json naming the field", async (_name, fields, pointer) => {
    const body = _name === "a field given twice" ? `${new URLSearchParams(fields)}&hub.topic=${encodeURIComponent(TOPIC)}` : undefined;
    const res = await subscribe(fields, body ? { body } : {});
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    const problem = (await res.json()) as { errors: { pointer: string; detail: string }[] };
    expect(problem.errors.map((e) => e.pointer)).toContain(pointer);
  });

  it("a body over 8 KiB is 413, a body that is not a form 415", async () => {
    const huge = await subscribe({}, { body: `${new URLSearchParams(valid())}&pad=${"x".repeat(9000)}` });
    expect(huge.status).toBe(413);
    const json = await subscribe({}, { headers: { "Content-Type": "application/json" }, body: JSON.stringify(valid()) });
    expect(json.status).toBe(415);
    expect(json.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
  });

  it("after all of them, no subscription or pending request exists", async () => {
    expect(await listing()).toEqual([]);
  });

  it("a secret of 199 bytes, a callback with a query and a lease of 10^9 are accepted: 202, then verified, lease clamped", async () => {
    const res = await subscribe(
      valid({
        "hub.callback": "https://reader.example/push?user=7&feed=a",
        "hub.secret": "s".repeat(199),
        "hub.lease_seconds": "1000000000",
      }),
    );
    expect(res.status).toBe(202);
    const subscription = await vi.waitFor(async () => {
      const [found] = await listing(TOPIC);
      expect(found).toMatchObject({
        callback: "https://reader.example/push?user=7&feed=a",
        state: "active",
        signed: true,
        lease_seconds: 864000,
      });
      return found;
    });
    expect(JSON.stringify(subscription)).not.toContain("sss");
  });

  it("one client is limited to 60 requests a minute (429 with Retry-After)", async () => {
    // The limiter counts per minute window: if a window turns over mid-test, the count starts again, so
    // the 429 may come later than the 61st request, but never before it.
    let res: Response | undefined;
    let accepted = 0;
    for (let i = 0; i < 130; i++) {
      res = await subscribe(valid({ "hub.mode": "publish" }), { headers: { "CF-Connecting-IP": "198.51.100.9" } });
      if (res.status === 429) break;
      expect(res.status).toBe(400);
      accepted++;
    }
    expect(accepted).toBeGreaterThanOrEqual(60);
    expect(res!.status).toBe(429);
    expect(res!.headers.get("Retry-After")).toBe("60");
  });

  it("one callback host may have at most 50 verifications pending per section: then 429 naming hub.callback", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++)
      statuses.push(
        (await subscribe(valid({ "hub.topic": `${BASE}/feeds/wenlv.rss`, "hub.callback": `https://slow.example/${i}` }))).status,
      );
    expect(statuses.slice(0, 50).every((s) => s === 202)).toBe(true);
    const res = await subscribe(valid({ "hub.topic": `${BASE}/feeds/wenlv.rss`, "hub.callback": "https://slow.example/last" }));
    expect(res.status).toBe(429);
    expect(((await res.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe("/hub.callback");
    // Another section's shard has its own allowance.
    expect((await subscribe(valid({ "hub.topic": `${BASE}/feeds/shijie.rss`, "hub.callback": "https://slow.example/last" }))).status).toBe(
      202,
    );
  });

  it("the admin listing needs the admin token", async () => {
    expect((await request("/v1/websub/subscriptions")).status).toBe(401);
  });
});

describe("a subscription's life, the callbacks played by the stand-in network", () => {
  interface Call {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
  }
  const sent = async (): Promise<Call[]> => (await fetch("https://stand-in.example/calls")).json();
  const hubRuns = async (section: string) => {
    await runDurableObjectAlarm(shard(section));
  };
  // A shard that pushed less than MIN_PUSH_INTERVAL_MS ago pushes the next publish when the interval ends.
  const PUSHED = { timeout: MIN_PUSH_INTERVAL_MS + 3000, interval: 100 };

  it("verification appends to the callback's own query; pushes are signed; the lease ends delivery", async () => {
    await fetch("https://stand-in.example/calls", { method: "DELETE" });
    const topic = `${BASE}/feeds/yaowen.atom?region=gansu`;
    const callback = "https://reader.example/cb?user=1";
    expect(
      (await subscribe(valid({ "hub.topic": topic, "hub.callback": callback, "hub.lease_seconds": "60", "hub.secret": "k" }))).status,
    ).toBe(202);
    await vi.waitFor(async () => {
      await hubRuns("yaowen");
      expect((await listing(topic))[0]).toMatchObject({ state: "active", lease_seconds: 3600, signed: true });
    });
    const verification = (await sent()).find((c) => c.method === "GET" && c.url.startsWith(`${callback}&`))!;
    const params = new URL(verification.url).searchParams;
    expect(params.get("user")).toBe("1");
    expect(params.get("hub.mode")).toBe("subscribe");
    expect(params.get("hub.topic")).toBe(topic);
    expect(params.get("hub.lease_seconds")).toBe("3600"); // 60 asked, clamped up to an hour

    // A push that changes the topic reaches it, signed, with the topic's type and links.
    await push(article({ id: "ws-lease-1", regions: ["gansu"] }));
    await publish();
    const post = await vi.waitFor(async () => {
      await hubRuns("yaowen");
      const found = (await sent()).find((c) => c.method === "POST" && c.url === callback && c.body.includes("ws-lease-1"));
      expect(found).toBeDefined();
      return found!;
    }, PUSHED);
    expect(post.headers["content-type"]).toBe("application/atom+xml; charset=utf-8");
    expect(post.headers.link).toBe(`<${HUB}>; rel="hub", <${topic}>; rel="self"`);
    expect(post.headers["x-hub-signature"]).toBe(await hubSignature("sha256", "k", new TextEncoder().encode(post.body)));
    expect(post.body).toBe(await (await get("/feeds/yaowen.atom?region=gansu")).text());

    // The lease runs out: the subscription is gone, and the next change is pushed to no one.
    await runInDurableObject(shard("yaowen"), (_hub, state) => {
      state.storage.sql.exec("UPDATE subscriptions SET expires_ms = ? WHERE topic = ?", Date.now() - 1, topic);
    });
    await hubRuns("yaowen");
    expect(await listing(topic)).toEqual([]);
    await fetch("https://stand-in.example/calls", { method: "DELETE" });
    await push(article({ id: "ws-lease-2", regions: ["gansu"] }));
    await publish();
    // Once the shard has taken that publish (after its interval, if it pushed less than that ago), nothing went out.
    await vi.waitFor(async () => {
      await hubRuns("yaowen");
      const pending = await runInDurableObject(
        shard("yaowen"),
        (_hub, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM published").one().n,
      );
      expect(pending).toBe(0);
    }, PUSHED);
    expect((await sent()).filter((c) => c.method === "POST" && c.url === callback)).toEqual([]);
  });

  it("Simplified twins are topics: publishing the section pushes each twin, in Simplified, the bytes a GET returns", async () => {
    await fetch("https://stand-in.example/calls", { method: "DELETE" });
    const topics = [`${BASE}/zh-hans/feeds/yaowen.rss`, `${BASE}/zh-hans/feeds/yaowen.json?topic=transport`];
    for (const [i, topic] of topics.entries())
      expect(
        (await subscribe(valid({ "hub.topic": topic, "hub.callback": `https://reader.example/hans/${i}`, "hub.secret": "h" }))).status,
      ).toBe(202);
    await vi.waitFor(async () => {
      await hubRuns("yaowen");
      for (const topic of topics) expect((await listing(topic))[0]).toMatchObject({ state: "active" });
    });
    // 蘭州 and 發展 in the text: the twin shows 兰州 and 发展.
    await push(article({ id: "ws-hans-1", title: "蘭州交通發展", topics: ["transport"] }));
    await publish();
    for (const [i, topic] of topics.entries()) {
      const callback = `https://reader.example/hans/${i}`;
      const post = await vi.waitFor(async () => {
        await hubRuns("yaowen");
        const found = (await sent()).find((c) => c.method === "POST" && c.url === callback && c.body.includes("ws-hans-1"));
        expect(found).toBeDefined();
        return found!;
      }, PUSHED);
      expect(post.headers.link).toBe(`<${HUB}>; rel="hub", <${topic}>; rel="self"`);
      expect(post.headers["x-hub-signature"]).toBe(await hubSignature("sha256", "h", new TextEncoder().encode(post.body)));
      expect(post.body).toBe(await (await get(topic.slice(BASE.length))).text());
      expect(post.body).toContain("兰州交通发展");
      expect(post.body).not.toContain("蘭州交通發展");
    }
  });

  it("publishes closer together than the hub's interval are coalesced: the newest body is pushed, once", async () => {
    // Three successive publishes of a section, their indexes kept, then signalled to its shard as a Newsroom publishing
    // faster than MIN_PUSH_INTERVAL_MS would: the first goes out at once, the second is replaced by the third before its
    // turn, and the third goes out when the interval ends.
    const section = "redian-zhuanti";
    const topic = `${BASE}/feeds/${section}.rss`;
    const callback = "https://reader.example/coalesced";
    const ids = ["ws-quick-1", "ws-quick-2", "ws-quick-3"];
    const indexes = [];
    for (const id of ids) {
      await push(article({ id, section }));
      await publish();
      indexes.push(await loadIndex(env.FEEDS, section));
    }
    await fetch("https://stand-in.example/calls", { method: "DELETE" });
    expect((await subscribe(valid({ "hub.topic": topic, "hub.callback": callback, "hub.secret": "q" }))).status).toBe(202);
    await vi.waitFor(async () => {
      await hubRuns(section);
      expect((await listing(topic))[0]).toMatchObject({ state: "active" });
    });
    const signalled = Date.now();
    for (const index of indexes) await shard(section).sectionPublished({ index, now: Date.now() });
    const posts = await vi.waitFor(async () => {
      await hubRuns(section);
      const found = (await sent()).filter((c) => c.method === "POST" && c.url === callback);
      expect(found.at(-1)?.body).toContain("ws-quick-3");
      return found;
    }, PUSHED);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(MIN_PUSH_INTERVAL_MS);
    // Two pushes for three publishes: the first as it was, then the newest; the second publish's body never went out.
    expect(posts).toHaveLength(2);
    expect(posts[0]!.body).toContain("ws-quick-1");
    expect(posts[0]!.body).not.toContain("ws-quick-2");
    expect(posts[1]!.body).toBe(await (await get(`/feeds/${section}.rss`)).text());
    expect(posts[1]!.headers["x-hub-signature"]).toBe(await hubSignature("sha256", "q", new TextEncoder().encode(posts[1]!.body)));
  });

  it("a verification answered with a redirect is a failure: nothing is subscribed", async () => {
    const topic = `${BASE}/feeds/shijie.json`;
    expect((await subscribe(valid({ "hub.topic": topic, "hub.callback": "https://moved.example/cb" }))).status).toBe(202);
    await vi.waitFor(async () => {
      await hubRuns("shijie");
      expect((await sent()).some((c) => c.url.startsWith("https://moved.example/cb?"))).toBe(true);
      expect((await listing(topic)).filter((s) => s.callback === "https://moved.example/cb")).toEqual([]);
    });
  });
});

describe("per-host lanes", () => {
  it("never more than HOST_IN_FLIGHT requests to one host at once, the next starting as one ends; other hosts unaffected", async () => {
    const lanes = new HostLanes();
    const busy = new Map<string, number>();
    const most = new Map<string, number>();
    const order: string[] = [];
    const request = (host: string, name: string, ms: number) =>
      lanes.run(host, async () => {
        busy.set(host, (busy.get(host) ?? 0) + 1);
        most.set(host, Math.max(most.get(host) ?? 0, busy.get(host)!));
        await new Promise((r) => setTimeout(r, ms));
        busy.set(host, busy.get(host)! - 1);
        order.push(name);
        return name;
      });
    const started = Date.now();
    const crowded = Array.from({ length: 12 }, (_, i) => request("reader.example", `r${i}`, 30));
    const other = request("elsewhere.example", "e0", 1);
    expect(await other).toBe("e0");
    expect(order[0]).toBe("e0"); // not queued behind the crowded host
    expect(await Promise.all(crowded)).toEqual(Array.from({ length: 12 }, (_, i) => `r${i}`));
    expect(most.get("reader.example")).toBe(HOST_IN_FLIGHT);
    // 12 requests of 30 ms in 4 lanes: three waves, not twelve.
    expect(Date.now() - started).toBeLessThan(12 * 30);
  });

  it("claims at most a run's batch per host, and never the same request twice until it is released", () => {
    const lanes = new HostLanes();
    const rows = Array.from({ length: 60 }, (_, i) => ({ host: "reader.example", id: i }));
    const key = (r: { id: number }) => `delivery:${r.id}`;
    const first = lanes.pick(rows, 100, key);
    expect(first).toHaveLength(40);
    expect(lanes.pick(rows, 100, key)).toEqual([]);
    expect(lanes.pick([{ host: "elsewhere.example", id: 99 }], 100, key)).toHaveLength(1);
    lanes.release(key(first[0]!));
    expect(lanes.pick(rows, 100, key).map((r) => r.id)).toEqual([0]);
  });
});

describe("X-Hub-Signature", () => {
  const body = new TextEncoder().encode("The quick brown fox jumps over the lazy dog");
  it("is the hex HMAC of the body with the secret: SHA-256 by default, SHA-1 when WEBSUB_SIGNATURE=sha1", async () => {
    expect(signatureMethod({})).toBe("sha256");
    expect(signatureMethod({ WEBSUB_SIGNATURE: "sha1" })).toBe("sha1");
    // RFC 4231-style vectors for key "key" (as published for HMAC-SHA256 and HMAC-SHA1 of this sentence).
    expect(await hubSignature("sha256", "key", body)).toBe("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    expect(await hubSignature("sha1", "key", body)).toBe("sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9");
  });
});
