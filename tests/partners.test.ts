import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Validator } from "@cfworker/json-schema";
import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { type DisplayString, parseDictionary, Token } from "structured-headers";
import { beforeAll, describe, expect, it } from "vitest";
import partnerSchema from "../schemas/partner.schema.json";
import { partnerItemsTag } from "../src/feeds/partner-items";
import { indexKey, itemKey } from "../src/storage/kv-keys";
import { article, publish, push, request, SEED, withdraw } from "./helpers/cms";
import { TEST_SECRETS } from "./helpers/secrets";

const ADMIN = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` };
const CREDIT = "來源:國際在線";
const tagOf = (id: string) => `tag:gansu.news.example,2024:article:${id}`;
const FUTURE = "2099-01-01T00:00:00Z";

function licence(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id: `${id}-licence`,
    url: `https://partners.gansu.news.example/licences/${id}`,
    attribution: CREDIT,
    expires_at: FUTURE,
    ...overrides,
  };
}

function putPartner(id: string, body: unknown, headers: Record<string, string> = ADMIN): Promise<Response> {
  return request(`/v1/partners/${id}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function newKey(id: string): Promise<string> {
  const res = await request(`/v1/partners/${id}/keys`, { method: "POST", headers: ADMIN });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

/** Creates a partner (yaowen and wenlv unless told otherwise) and returns a fresh key. */
async function partner(id: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await putPartner(id, { name: `Partner ${id}`, sections: ["yaowen", "wenlv"], license: licence(id), ...body });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return newKey(id);
}

function pull(path: string, key: string | null, headers: Record<string, string> = {}): Promise<Response> {
  return request(path, { headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers } });
}

const jsonIds = async (res: Response) => {
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as any).items.map((i: any) => i.id.replace(/^tag:[^:]+:article:/, "")) as string[];
};

/** structured-headers parses a Date only as the last member; the header keeps the documented order. */
function parseLicenceHeader(header: string) {
  const members = header.split(/,\s*/);
  const expires = members.filter((m) => m.startsWith("expires="));
  return parseDictionary([...members.filter((m) => !m.startsWith("expires=")), ...expires].join(", "));
}

const yw = (id: string, extra: Record<string, unknown> = {}) =>
  article({
    id,
    section: "yaowen",
    regions: ["gansu/lanzhou"],
    topics: ["livelihood"],
    published_at: "2024-03-01T09:00:00+08:00",
    ...extra,
  });

beforeAll(async () => {
  await push([
    SEED,
    yw("yw-own", { published_at: "2024-03-05T09:00:00+08:00", images: [{ url: "https://gansu.news.example/img/own.jpg" }] }),
    yw("yw-headline", {
      rights: { syndication: "headline" },
      published_at: "2024-03-04T09:00:00+08:00",
      images: [{ url: "https://gansu.news.example/img/h.jpg" }],
    }),
    yw("yw-cleared", {
      source: { name: "新華社", url: "https://xinhua.example/1.html", own: false },
      rights: { syndication: "full" },
      published_at: "2024-03-03T09:00:00+08:00",
    }),
    yw("yw-private", { rights: { syndication: "none" }, published_at: "2024-03-02T09:00:00+08:00" }),
    yw("yw-noregion", { regions: [], topics: ["economy"], published_at: "2024-03-01T10:00:00+08:00" }),
    yw("yw-dunhuang", { regions: ["gansu/dunhuang"], topics: ["tourism"], published_at: "2024-03-01T08:00:00+08:00" }),
    yw("yw-xinjiang", { regions: ["xinjiang/urumqi"], topics: ["economy"], published_at: "2024-02-29T08:00:00+08:00" }),
    yw("yw-embargoed", { embargo_until: "2099-01-01T00:00:00+08:00", published_at: "2024-03-06T09:00:00+08:00" }),
    yw("yw-withdrawn", { published_at: "2024-02-20T09:00:00+08:00" }),
    yw("yw-withdrawn-private", { rights: { syndication: "none" }, published_at: "2024-02-20T08:00:00+08:00" }),
    article({
      id: "wl-own",
      section: "wenlv",
      regions: ["gansu/dunhuang"],
      topics: ["tourism"],
      published_at: "2024-03-01T07:00:00+08:00",
    }),
    article({ id: "sj-own", section: "shijie", regions: ["gansu"], topics: ["culture"], published_at: "2024-03-01T06:00:00+08:00" }),
  ]);
  await publish();
  expect((await withdraw("yw-withdrawn")).status).toBe(200);
  expect((await withdraw("yw-withdrawn-private")).status).toBe(200);
  await publish();
});

describe("admin API", () => {
  it("refuses every admin route without the token, the same way whether or not the partner exists", async () => {
    await partner("exists");
    for (const id of ["exists", "never-made"]) {
      const answers = [
        await putPartner(id, { name: "x", sections: ["*"], license: licence(id) }, {}),
        await putPartner(id, { name: "x", sections: ["*"], license: licence(id) }, { Authorization: "Bearer wrong" }),
        await request(`/v1/partners/${id}`),
        await request(`/v1/partners/${id}/keys`, { method: "POST" }),
        await request(`/v1/partners/${id}/usage`, { headers: { Authorization: "Bearer nope" } }),
      ];
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
        expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
        expect(await res.text()).not.toContain(id);
      }
    }
    // Nothing was created or changed by those refusals.
    expect((await request("/v1/partners/never-made", { headers: ADMIN })).status).toBe(404);
    expect(((await (await request("/v1/partners/exists", { headers: ADMIN })).json()) as any).name).toBe("Partner exists");
  });

  it("creates a partner (201), replaces it (200), and shows the record with defaults, never a key or its hash", async () => {
    const body = { name: "Acme 新聞", sections: ["yaowen"], regions: ["gansu"], license: licence("rec") };
    const created = await putPartner("rec", body);
    expect(created.status).toBe(201);
    expect(created.headers.get("Location")).toBe("/v1/partners/rec");
    const record = (await created.json()) as any;
    expect(record).toMatchObject({ id: "rec", name: "Acme 新聞", sections: ["yaowen"], regions: ["gansu"], rate_limit_per_minute: 60 });
    expect(record.key_issued_at).toBeNull();

    const key = await newKey("rec");
    const replaced = await putPartner("rec", { ...body, rate_limit_per_minute: 120 });
    expect(replaced.status).toBe(200);
    const got = (await (await request("/v1/partners/rec", { headers: ADMIN })).json()) as any;
    expect(got).toMatchObject({ id: "rec", rate_limit_per_minute: 120, created_at: record.created_at });
    expect(got.key_issued_at).toEqual(expect.any(String));
    // What GET shows is what schemas/partner.schema.json#/$defs/record (and so the OpenAPI document) says.
    const record$ = new Validator({ $ref: `${partnerSchema.$id}#/$defs/record` }, "2020-12");
    record$.addSchema(partnerSchema as object);
    expect(record$.validate(got).errors).toEqual([]);
    const text = JSON.stringify(got);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(text).not.toContain(key);
    expect(text).not.toContain(digest);
    // The key survives a replace of the record.
    expect((await pull("/partner/feeds/yaowen.json", key)).status).toBe(200);
  });

  it("stores a key only as its SHA-256 digest", async () => {
    const key = await partner("hashed");
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(await env.FEEDS.get(`partner-key:${digest}`)).toBe("hashed");
    const stored = await runInDurableObject(env.PARTNER_DESK.get(env.PARTNER_DESK.idFromName("hashed")), (_o, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM partner").toArray()),
    );
    expect(stored).toContain(digest);
    expect(stored).not.toContain(key);
  });

  it("refuses invalid partners with 422 and a pointer per field", async () => {
    const res = await putPartner("bad", {
      name: "",
      sections: ["yaowen", "*"],
      regions: ["Gansu"],
      license: { id: "Bad Id", url: "ftp://x.example/", attribution: "x", expires_at: "tomorrow" },
      rate_limit_per_minute: 0,
      extra: true,
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
    const pointers = ((await res.json()) as any).errors.map((e: any) => e.pointer);
    for (const p of ["/name", "/regions/0", "/license/id", "/license/url", "/license/expires_at", "/rate_limit_per_minute", "/extra"]) {
      expect(pointers).toContain(p);
    }

    const missing = (await (await putPartner("bad", { name: "x", sections: ["*"], license: { id: "l" } })).json()) as any;
    expect(missing.errors.map((e: any) => e.pointer).sort()).toEqual(["/license/attribution", "/license/expires_at", "/license/url"]);

    const rules = await putPartner("bad", {
      name: "x",
      sections: ["yaowen", "*", "sports"],
      license: licence("bad", { id: "public-reading" }),
    });
    expect(rules.status).toBe(422);
    expect(((await rules.json()) as any).errors.map((e: any) => e.pointer)).toEqual(["/sections", "/sections/2", "/license/id"]);

    const unicodeUrl = await putPartner("bad", {
      name: "x",
      sections: ["*"],
      license: licence("bad", { url: "https://例子.example/許可" }),
    });
    expect(unicodeUrl.status).toBe(422);

    expect((await putPartner("bad", "{not json")).status).toBe(400);
    expect((await putPartner("bad", "{}", { ...ADMIN, "Content-Type": "text/plain" })).status).toBe(415);
    expect((await putPartner("Bad_Id", { name: "x", sections: ["*"], license: licence("x") })).status).toBe(404);
    expect((await request("/v1/partners/bad", { headers: ADMIN })).status).toBe(404);
  });

  it("keeps attribution as Unicode text but strips CR, LF and other controls", async () => {
    const res = await putPartner("crlf", {
      name: "CR\r\nLF",
      sections: ["*"],
      license: licence("crlf", { attribution: "來源:\r\n國際\u0007在線\u2028" }),
    });
    expect(res.status).toBe(201);
    const record = (await res.json()) as any;
    expect(record.license.attribution).toBe("來源:國際在線");
    expect(record.name).toBe("CRLF");
    expect((await putPartner("crlf", { name: "x", sections: ["*"], license: licence("crlf", { attribution: "\r\n\t" }) })).status).toBe(
      422,
    );
  });

  it("writes the licence record the /licenses/{id} page shows", async () => {
    await partner("lic", { license: licence("lic", { id: "lic-2027", expires_at: "2027-06-30T23:59:59+08:00" }) });
    expect(await env.FEEDS.get("licence:lic-2027", "json")).toMatchObject({
      id: "lic-2027",
      url: "https://partners.gansu.news.example/licences/lic",
      attribution: CREDIT,
      expires_at: "2027-06-30T23:59:59+08:00",
    });
    const page = await request("/licenses/lic-2027");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(CREDIT);
    expect(html).toContain("https://partners.gansu.news.example/licences/lic");
  });

  it("refuses with 409 a licence id that another partner holds", async () => {
    await partner("holder", { license: licence("holder", { id: "shared-id" }) });
    const res = await putPartner("taker", { name: "Taker", sections: ["*"], license: licence("taker", { id: "shared-id" }) });
    expect(res.status).toBe(409);
    expect(((await res.json()) as any).errors).toEqual([{ pointer: "/license/id", detail: "is another partner's licence" }]);
    expect(((await env.FEEDS.get("licence:shared-id", "json")) as any).url).toBe("https://partners.gansu.news.example/licences/holder");
    // The holder itself may keep putting it.
    expect((await putPartner("holder", { name: "Holder", sections: ["*"], license: licence("holder", { id: "shared-id" }) })).status).toBe(
      200,
    );
  });

  it("answers 404 to keys and usage of a partner that does not exist (to an admin)", async () => {
    expect((await request("/v1/partners/ghost/keys", { method: "POST", headers: ADMIN })).status).toBe(404);
    expect((await request("/v1/partners/ghost/usage", { headers: ADMIN })).status).toBe(404);
  });
});

describe("partner keys", () => {
  it("401 with WWW-Authenticate: Bearer without a key, with an unknown key, and with a malformed one", async () => {
    for (const key of [null, "fsp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not-a-key"]) {
      const res = await pull("/partner/feeds/yaowen.atom", key);
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
      expect(res.headers.get("Cache-Control")).toMatch(/private/);
    }
    expect((await request("/partner/withdrawals?since=2024-01-01T00:00:00Z")).status).toBe(401);
  });

  it("a new key revokes the earlier one at once", async () => {
    const first = await partner("rotate");
    expect((await pull("/partner/feeds/yaowen.rss", first)).status).toBe(200);
    const second = await newKey("rotate");
    expect(second).not.toBe(first);
    expect((await pull("/partner/feeds/yaowen.rss", first)).status).toBe(401);
    expect((await pull("/partner/feeds/yaowen.rss", second)).status).toBe(200);
  });

  it("accepts ?key= and never echoes it in the body, Link or self URLs", async () => {
    const key = await partner("querykey");
    for (const format of ["rss", "atom", "json"]) {
      const res = await request(`/partner/feeds/yaowen.${format}?key=${key}&region=gansu&limit=5`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).not.toContain(key);
      const amp = format === "json" ? "&" : "&amp;";
      expect(body).toContain(`http://feeds.test/partner/feeds/yaowen.${format}?region=gansu${amp}limit=5`);
      for (const [name, value] of res.headers) expect(`${name}: ${value}`).not.toContain(key);
      expect(res.headers.get("Link")).toContain(`<http://feeds.test/partner/feeds/yaowen.${format}?region=gansu&limit=5>; rel="self"`);
    }
    const bad = await request(`/partner/feeds/yaowen.rss?key=${key}&region=NOPE`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain(key);
  });
});

describe("entitlements", () => {
  let key: string;
  beforeAll(async () => {
    key = await partner("ent", {
      sections: ["yaowen", "wenlv"],
      regions: ["gansu/lanzhou", "gansu/dunhuang"],
      topics: ["livelihood", "tourism"],
    });
  });

  it("403 for a section outside the licence, and for filters disjoint from it", async () => {
    for (const path of [
      "/partner/feeds/shijie.rss",
      "/partner/feeds/yaowen.rss?region=xinjiang",
      "/partner/feeds/yaowen.rss?region=gansu/tianshui",
      "/partner/feeds/yaowen.rss?topic=economy",
      "/partner/feeds/all.json?topic=economy,culture",
    ]) {
      const res = await pull(path, key);
      expect(res.status, path).toBe(403);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
      expect(res.headers.get("Cache-Control")).toMatch(/private/);
    }
  });

  it("unknown sections are 404 and bad filters 400, as in public feeds", async () => {
    expect((await pull("/partner/feeds/sports.rss", key)).status).toBe(404);
    expect((await pull("/partner/feeds/yaowen.rss?limit=0", key)).status).toBe(400);
  });

  it("filters narrow the licence and never widen it", async () => {
    expect(await jsonIds(await pull("/partner/feeds/yaowen.json", key))).toEqual(["yw-own", "yw-headline", "yw-cleared", "yw-dunhuang"]);
    expect(await jsonIds(await pull("/partner/feeds/yaowen.json?region=gansu/lanzhou", key))).toEqual([
      "yw-own",
      "yw-headline",
      "yw-cleared",
    ]);
    // A region wider than the licence still shows only what the licence covers.
    expect(await jsonIds(await pull("/partner/feeds/yaowen.json?region=gansu", key))).toEqual([
      "yw-own",
      "yw-headline",
      "yw-cleared",
      "yw-dunhuang",
    ]);
    expect(await jsonIds(await pull("/partner/feeds/yaowen.json?topic=tourism,economy", key))).toEqual(["yw-dunhuang"]);
    expect(await jsonIds(await pull("/partner/feeds/yaowen.json?limit=2", key))).toEqual(["yw-own", "yw-headline"]);
  });

  it("all is the union of the licensed sections", async () => {
    expect(await jsonIds(await pull("/partner/feeds/all.json", key))).toEqual([
      "yw-own",
      "yw-headline",
      "yw-cleared",
      "yw-dunhuang",
      "wl-own",
    ]);
    const every = await partner("every", { sections: ["*"] });
    const ids = await jsonIds(await pull("/partner/feeds/all.json?limit=100", every));
    expect(ids).toContain("sj-own");
    expect(ids).toContain("yw-noregion");
    expect(ids).not.toContain(SEED.id);
    expect(ids).not.toContain("yw-private");
  });

  it("an article without regions is not covered when the licence limits regions", async () => {
    expect(await jsonIds(await pull("/partner/feeds/yaowen.json?limit=100", key))).not.toContain("yw-noregion");
  });

  it("an expired licence is 403, and a past expires_at ends it at once", async () => {
    const late = await partner("late");
    expect((await pull("/partner/feeds/yaowen.rss", late)).status).toBe(200);
    await putPartner("late", { name: "Late", sections: ["yaowen"], license: licence("late", { expires_at: "2020-01-01T00:00:00Z" }) });
    const res = await pull("/partner/feeds/yaowen.rss", late);
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).detail).toContain("2020-01-01T00:00:00Z");
  });
});

describe("rights per item", () => {
  let key: string;
  beforeAll(async () => {
    key = await partner("rights", { sections: ["yaowen"] });
  });

  it("own articles come whole, headline ones without a body, reprints only when cleared, private and embargoed never", async () => {
    const feed = (await (await pull("/partner/feeds/yaowen.json?limit=100", key)).json()) as any;
    const byId = new Map<string, any>(feed.items.map((i: any) => [i.id.replace(/^tag:[^:]+:article:/, ""), i]));
    expect([...byId.keys()].sort()).toEqual(["yw-cleared", "yw-dunhuang", "yw-headline", "yw-noregion", "yw-own", "yw-xinjiang"]);
    expect(byId.get("yw-own").content_html).toContain("正文 yw-own");
    expect(byId.get("yw-own").image).toBe("https://gansu.news.example/img/own.jpg");
    const headline = byId.get("yw-headline");
    expect(headline.content_html).toBeUndefined();
    expect(headline.content_text).toBe("摘要 yw-headline");
    expect(headline.image).toBeUndefined();
    expect(headline._syndication.syndication).toBe("headline");
    expect(byId.get("yw-cleared")._syndication.source).toMatchObject({ name: "新華社", url: "https://xinhua.example/1.html" });
    for (const item of feed.items) {
      expect(item._syndication.attribution).toBe(CREDIT);
      expect(item._syndication.license).toBe("https://partners.gansu.news.example/licences/rights");
    }
  });

  it("RSS and Atom carry the licence's credit in each item's rights, and no body for headline items", async () => {
    const rss = await (await pull("/partner/feeds/yaowen.rss?limit=100", key)).text();
    expect(XMLValidator.validate(rss)).toBe(true);
    const items = parseRssFeed(rss).items!;
    for (const item of items) expect(item.dc?.rights?.[0]).toContain(CREDIT);
    expect(items.find((i) => i.guid?.value === tagOf("yw-headline"))!.content?.encoded).toBeUndefined();
    expect(items.find((i) => i.guid?.value === tagOf("yw-own"))!.content?.encoded).toContain("正文 yw-own");
    expect(rss).not.toContain("正文 yw-headline");

    const atom = await (await pull("/partner/feeds/yaowen.atom?limit=100", key)).text();
    expect(XMLValidator.validate(atom)).toBe(true);
    const entries = parseAtomFeed(atom).entries!;
    expect(entries.length).toBe(6);
    for (const entry of entries) {
      expect(JSON.stringify(entry.rights)).toContain(CREDIT);
      expect(entry.links).toContainEqual(
        expect.objectContaining({ rel: "license", href: "https://partners.gansu.news.example/licences/rights" }),
      );
    }
    expect(entries.find((e) => e.id === tagOf("yw-headline"))!.content).toBeUndefined();
    expect(atom).not.toContain("正文 yw-headline");
    for (const hidden of [SEED.id, "yw-private", "yw-embargoed"]) {
      expect(rss).not.toContain(tagOf(hidden));
      expect(atom).not.toContain(`<id>${tagOf(hidden)}</id>`);
    }
  });
});

describe("a licence change", () => {
  it("reaches items already delivered: a new attribution and licence URL show in the next pull", async () => {
    const key = await partner("relicensed", { sections: ["yaowen"] });
    const before = (await (await pull("/partner/feeds/yaowen.json", key)).json()) as any;
    expect(before.items.length).toBeGreaterThan(0);
    for (const item of before.items) expect(item._syndication.attribution).toBe(CREDIT);
    const changed = await putPartner("relicensed", {
      name: "Partner relicensed",
      sections: ["yaowen"],
      license: licence("relicensed", { attribution: "來源:國際在線(新約)", url: "https://partners.gansu.news.example/licences/v2" }),
    });
    expect(changed.status).toBe(200);
    const after = (await (await pull("/partner/feeds/yaowen.json", key)).json()) as any;
    expect(after.items.map((i: any) => i.id)).toEqual(before.items.map((i: any) => i.id));
    for (const item of after.items) {
      expect(item._syndication.attribution).toBe("來源:國際在線(新約)");
      expect(item._syndication.license).toBe("https://partners.gansu.news.example/licences/v2");
    }
  });
});

describe("headers and validators", () => {
  let key: string;
  beforeAll(async () => {
    key = await partner("hdr", { sections: ["yaowen"], license: licence("hdr", { expires_at: "2030-06-01T00:00:00Z" }) });
  });

  it("private, Vary: Authorization, the partner licence in Link and Syndication-License", async () => {
    const res = await pull("/partner/feeds/yaowen.atom", key);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toMatch(/^private/);
    expect(res.headers.get("Cache-Control")).not.toMatch(/public|s-maxage/);
    expect(res.headers.get("Vary")).toContain("Authorization");
    const link = res.headers.get("Link")!;
    expect(link).toContain('<https://partners.gansu.news.example/licences/hdr>; rel="license"');
    expect(link).toContain('<http://feeds.test/partner/feeds/yaowen.atom>; rel="self"');
    expect(link).toContain('<http://feeds.test/partner/feeds/yaowen.json>; rel="alternate"');
    const header = res.headers.get("Syndication-License")!;
    expect(header).toMatch(/^scope=partner, partner="hdr", license="hdr-licence", url="[^"]+", expires=@\d+, attribution=%"/);
    const dict = parseLicenceHeader(header);
    expect(dict.get("scope")?.[0]).toEqual(new Token("partner"));
    expect(dict.get("partner")?.[0]).toBe("hdr");
    expect(dict.get("license")?.[0]).toBe("hdr-licence");
    expect(dict.get("url")?.[0]).toBe("https://partners.gansu.news.example/licences/hdr");
    expect((dict.get("expires")![0] as Date).toISOString()).toBe("2030-06-01T00:00:00.000Z");
    expect((dict.get("attribution")![0] as DisplayString).toString()).toBe(CREDIT);
  });

  it("answers 304 to If-None-Match and If-Modified-Since, per partner and licence", async () => {
    const first = await pull("/partner/feeds/yaowen.json", key);
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^"/);
    const again = await pull("/partner/feeds/yaowen.json", key, { "If-None-Match": `W/${etag}` });
    expect(again.status).toBe(304);
    expect(again.headers.get("Cache-Control")).toMatch(/^private/);
    expect(await again.text()).toBe("");
    const since = await pull("/partner/feeds/yaowen.json", key, { "If-Modified-Since": first.headers.get("Last-Modified")! });
    expect(since.status).toBe(304);
    // Another partner's ETag for the same feed differs; so does this one's after its licence changes.
    const other = await partner("hdr-other", { sections: ["yaowen"] });
    expect((await pull("/partner/feeds/yaowen.json", other)).headers.get("ETag")).not.toBe(etag);
    // Last-Modified has one-second resolution: let a second pass so the licence change is later than it.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await putPartner("hdr", {
      name: "Hdr",
      sections: ["yaowen"],
      topics: ["livelihood"],
      license: licence("hdr", { expires_at: "2030-06-01T00:00:00Z" }),
    });
    expect((await pull("/partner/feeds/yaowen.json", key, { "If-None-Match": etag })).status).toBe(200);
    const changed = await pull("/partner/feeds/yaowen.json", key, { "If-Modified-Since": first.headers.get("Last-Modified")! });
    expect(changed.status).toBe(200);
    expect(Date.parse(changed.headers.get("Last-Modified")!)).toBeGreaterThan(Date.parse(first.headers.get("Last-Modified")!));
  });

  it("gives no validators while KV's articles lag behind the index, and trusts the article as loaded", async () => {
    const stored = (await env.FEEDS.get("article:yw-own", "json")) as any;
    const index = (await env.FEEDS.get(indexKey("yaowen"), "json")) as any;
    const itemAt = itemKey(partnerItemsTag(index.items), "yw-own", stored.version, "json");
    const item = await env.FEEDS.get(itemAt);
    expect(item).toContain("yw-own");
    try {
      // As if KV at this location still held the previous version, whose rights were not yet cleared,
      // and not yet the partner item of the version the index names.
      await env.FEEDS.delete(itemAt);
      const previous = { ...stored, version: stored.version - 1, rights: { ...stored.rights, syndication: "none" } };
      await env.FEEDS.put("article:yw-own", JSON.stringify(previous));
      const res = await pull("/partner/feeds/yaowen.json?limit=100", key);
      expect(res.status).toBe(200);
      expect(res.headers.get("ETag")).toBeNull();
      expect(res.headers.get("Cache-Control")).toBe("private, no-store");
      expect(await jsonIds(res)).not.toContain("yw-own");
    } finally {
      await env.FEEDS.put(itemAt, item!);
      await env.FEEDS.put("article:yw-own", JSON.stringify(stored));
    }
    const again = await pull("/partner/feeds/yaowen.json?limit=100", key);
    expect(again.headers.get("ETag")).not.toBeNull();
    expect(await jsonIds(again)).toContain("yw-own");
  });

  it("HEAD answers with the headers and no body", async () => {
    const res = await request("/partner/feeds/yaowen.rss", { method: "HEAD", headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Syndication-License")).toContain("scope=partner");
    expect(await res.text()).toBe("");
  });
});

describe("withdrawals", () => {
  it("partner Atom feeds carry RFC 6721 tombstones for covered withdrawals, before the entries", async () => {
    const key = await partner("kill", { sections: ["yaowen"] });
    const atom = await (await pull("/partner/feeds/yaowen.atom", key)).text();
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(atom).toContain('xmlns:at="http://purl.org/atompub/tombstones/1.0"');
    const tombstone = new RegExp(`<at:deleted-entry ref="${tagOf("yw-withdrawn")}" when="(\\d{4}-[^"]+)"/>`).exec(atom);
    expect(tombstone).not.toBeNull();
    expect(Date.now() - Date.parse(tombstone![1]!)).toBeLessThan(10 * 60_000);
    expect(atom.indexOf("<at:deleted-entry")).toBeLessThan(atom.indexOf("<entry>"));
    // Never licensed (syndication none): no tombstone either.
    expect(atom).not.toContain(tagOf("yw-withdrawn-private"));
    // RSS and JSON have no tombstones.
    expect(await (await pull("/partner/feeds/yaowen.rss", key)).text()).not.toContain("deleted-entry");
    // A partner not licensed for the section hears nothing of it.
    const other = await partner("kill-other", { sections: ["wenlv"] });
    expect(await (await pull("/partner/feeds/all.atom", other)).text()).not.toContain(tagOf("yw-withdrawn"));
  });

  it("GET /partner/withdrawals lists covered withdrawals since a time, and stays open after the licence ends", async () => {
    const key = await partner("list", { sections: ["yaowen"] });
    const res = await pull("/partner/withdrawals?since=2024-01-01T00:00:00+08:00", key);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toMatch(/^private/);
    const { withdrawals } = (await res.json()) as any;
    expect(withdrawals).toEqual([
      {
        id: "yw-withdrawn",
        ref: tagOf("yw-withdrawn"),
        url: "https://gansu.news.example/a/yw-withdrawn.html",
        withdrawn_at: expect.any(String),
      },
    ]);
    const later = new Date(Date.parse(withdrawals[0].withdrawn_at) + 1000).toISOString();
    expect(((await (await pull(`/partner/withdrawals?since=${later}`, key)).json()) as any).withdrawals).toEqual([]);

    await putPartner("list", { name: "List", sections: ["yaowen"], license: licence("list", { expires_at: "2020-01-01T00:00:00Z" }) });
    expect((await pull("/partner/feeds/yaowen.atom", key)).status).toBe(403);
    const open = await request(`/partner/withdrawals?since=2024-01-01T00:00:00Z&key=${key}`);
    expect(open.status).toBe(200);
    expect(((await open.json()) as any).withdrawals.map((w: any) => w.id)).toEqual(["yw-withdrawn"]);

    for (const bad of ["", "?since=yesterday", "?since=2024-01-01", "?since=2024-01-01T00:00:00Z&since=2024-01-02T00:00:00Z"]) {
      expect((await pull(`/partner/withdrawals${bad}`, key)).status, bad).toBe(400);
    }
  });
});

describe("usage and rate limits", () => {
  it("counts 200 and 304 pulls by UTC day and feed, losing none under concurrent pulls", async () => {
    const key = await partner("usage", { sections: ["yaowen"], rate_limit_per_minute: 1000 });
    const first = await pull("/partner/feeds/yaowen.atom", key);
    await Promise.all(Array.from({ length: 30 }, () => pull("/partner/feeds/yaowen.json", key).then((r) => r.body?.cancel())));
    expect((await pull("/partner/feeds/yaowen.atom", key, { "If-None-Match": first.headers.get("ETag")! })).status).toBe(304);
    await pull("/partner/withdrawals?since=2024-01-01T00:00:00Z", key);
    expect((await pull("/partner/feeds/shijie.atom", key)).status).toBe(403);
    const usage = (await (await request("/v1/partners/usage/usage", { headers: ADMIN })).json()) as any;
    const today = new Date().toISOString().slice(0, 10);
    expect(usage).toEqual({
      partner: "usage",
      days: { [today]: { "yaowen.atom": { "200": 1, "304": 1 }, "yaowen.json": { "200": 30 }, withdrawals: { "200": 1 } } },
    });
  });

  it("writes a pull's count to SQLite by the alarm within a second, not on the pull's way (its answer waits for no write)", async () => {
    const key = await partner("flush", { sections: ["yaowen"], rate_limit_per_minute: 1000 });
    const desk = env.PARTNER_DESK.get(env.PARTNER_DESK.idFromName("flush"));
    const stored = () =>
      runInDurableObject(desk, (_o, state) => ({
        usage: state.storage.sql.exec<{ count: number }>("SELECT COALESCE(SUM(count), 0) AS count FROM usage").one().count,
        rate: state.storage.sql.exec<{ count: number }>("SELECT COALESCE(SUM(count), 0) AS count FROM rate").one().count,
      }));
    // Read straight after the first pull (the alarm is a second away): counted in memory, nothing written yet.
    expect((await pull("/partner/feeds/yaowen.json", key)).status).toBe(200);
    expect(await stored()).toEqual({ usage: 0, rate: 0 });
    for (let i = 0; i < 4; i++) expect((await pull("/partner/feeds/yaowen.json", key)).status).toBe(200);
    const alarm = await runInDurableObject(desk, (_o, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm! - Date.now()).toBeLessThanOrEqual(1_000);
    expect(await runDurableObjectAlarm(desk)).toBe(true);
    expect(await stored()).toEqual({ usage: 5, rate: 5 });
  });

  it("429 with Retry-After beyond rate_limit_per_minute", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const key = await partner(`slow-${attempt}`, { sections: ["yaowen"], rate_limit_per_minute: 3 });
      const minute = Math.floor(Date.now() / 60_000);
      const answers: Response[] = [];
      for (let i = 0; i < 4; i++) answers.push(await pull("/partner/feeds/yaowen.rss", key));
      if (Math.floor(Date.now() / 60_000) !== minute) continue; // the window turned over mid-test: try again
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      const refused = answers[3]!;
      expect(refused.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
      const retry = Number(refused.headers.get("Retry-After"));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      return;
    }
    throw new Error("never stayed within one minute");
  });
});

describe("done when: acme, as a partner would try it", () => {
  it("creates acme for yaowen and gansu, pulls, sees tombstones, usage, revocation and expiry", async () => {
    const put = await putPartner("acme", {
      name: "Acme Aggregator",
      sections: ["yaowen"],
      regions: ["gansu"],
      license: {
        id: "acme-2026",
        url: "https://gansu.news.example/licenses/acme-2026",
        attribution: CREDIT,
        expires_at: "2099-12-31T23:59:59+08:00",
      },
    });
    expect(put.status).toBe(201);
    const key = await newKey("acme");

    const res = await pull("/partner/feeds/yaowen.atom", key);
    expect(res.status).toBe(200);
    const atom = await res.text();
    expect(XMLValidator.validate(atom)).toBe(true);
    const feed = parseAtomFeed(atom);
    const own = feed.entries!.find((e) => e.id === tagOf("yw-own"))!;
    expect(JSON.stringify(own.content)).toContain("正文 yw-own");
    expect(JSON.stringify(own.rights)).toContain(CREDIT);
    expect(feed.entries!.some((e) => e.id === tagOf(SEED.id))).toBe(false);
    expect(atom).not.toContain("民生,一頭連著城市高品質發展");
    expect(atom).toContain(`<at:deleted-entry ref="${tagOf("yw-withdrawn")}"`);

    const dict = parseLicenceHeader(res.headers.get("Syndication-License")!);
    expect(dict.get("partner")?.[0]).toBe("acme");
    expect(dict.get("license")?.[0]).toBe("acme-2026");
    expect((dict.get("expires")![0] as Date).toISOString()).toBe("2099-12-31T15:59:59.000Z");
    expect(res.headers.get("Link")).toContain('<https://gansu.news.example/licenses/acme-2026>; rel="license"');

    await pull("/partner/feeds/yaowen.atom", key);
    const usage = (await (await request("/v1/partners/acme/usage", { headers: ADMIN })).json()) as any;
    expect(usage.days[new Date().toISOString().slice(0, 10)]["yaowen.atom"]["200"]).toBe(2);

    await newKey("acme");
    expect((await pull("/partner/feeds/yaowen.atom", key)).status).toBe(401);

    const fresh = await newKey("acme");
    await putPartner("acme", {
      name: "Acme Aggregator",
      sections: ["yaowen"],
      regions: ["gansu"],
      license: {
        id: "acme-2026",
        url: "https://gansu.news.example/licenses/acme-2026",
        attribution: CREDIT,
        expires_at: "2025-12-31T23:59:59+08:00",
      },
    });
    expect((await pull("/partner/feeds/yaowen.atom", fresh)).status).toBe(403);
  });
});
