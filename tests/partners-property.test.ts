// Property: random partners (sections, regions, topics, expiry) × random articles (own or reprinted,
// rights, embargo, withdrawn) → no partner ever receives an item, or a body, it is not licensed for,
// it receives every item it is licensed for, and each carries that partner's attribution. The oracle
// below is written from the contract in docs/partners.md, independently of src/partners.
import fc from "fast-check";
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { beforeAll, describe, expect, it } from "vitest";
import { article, publish, push, request, withdraw } from "./helpers/cms";
import { TEST_SECRETS } from "./helpers/secrets";

const ADMIN = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };
const SECTIONS = ["yaowen", "wenlv", "shijie"] as const;
const REGIONS = ["gansu", "gansu/lanzhou", "gansu/lanzhou/chengguan", "gansu/dunhuang", "xinjiang", "xinjiang/urumqi"] as const;
const LICENCE_REGIONS = [...REGIONS, "tibet"] as const;
const TOPICS = ["tourism", "economy", "culture", "transport"] as const;

interface Generated {
  id: string;
  section: string;
  regions: string[];
  topics: string[];
  own: boolean;
  syndication: "full" | "headline" | "none" | undefined;
  embargo: "none" | "past" | "future";
  withdrawn: boolean;
}

const articleArb: fc.Arbitrary<Omit<Generated, "id">> = fc.record({
  section: fc.constantFrom(...SECTIONS),
  regions: fc.subarray([...REGIONS], { maxLength: 2 }),
  topics: fc.subarray([...TOPICS], { maxLength: 2 }),
  own: fc.boolean(),
  syndication: fc.constantFrom("full", "headline", "none", undefined),
  embargo: fc.constantFrom("none", "none", "past", "future"),
  withdrawn: fc.constantFrom(false, false, true),
});

interface PartnerSpec {
  sections: string[];
  regions?: string[];
  topics?: string[];
  expired: boolean;
}

const partnerArb: fc.Arbitrary<PartnerSpec> = fc.record(
  {
    sections: fc.oneof(fc.constant<string[]>(["*"]), fc.subarray<string>([...SECTIONS], { minLength: 1 })),
    regions: fc.subarray([...LICENCE_REGIONS], { minLength: 1, maxLength: 3 }),
    topics: fc.subarray([...TOPICS], { minLength: 1, maxLength: 3 }),
    expired: fc.boolean(),
  },
  { requiredKeys: ["sections", "expired"] },
);

interface Query {
  section: string;
  format: string;
  region: string | undefined;
  topics: string[];
}

const queryArb: fc.Arbitrary<Query> = fc.record({
  section: fc.constantFrom("all", ...SECTIONS),
  format: fc.constantFrom("rss", "atom", "json"),
  region: fc.option(fc.constantFrom(...REGIONS, "tibet"), { nil: undefined }),
  topics: fc.subarray<string>([...TOPICS], { maxLength: 2 }),
});

// --- the oracle -------------------------------------------------------------------------------

const under = (ancestor: string, path: string) => path === ancestor || path.startsWith(`${ancestor}/`);
const effective = (a: Generated) => a.syndication ?? (a.own ? "full" : "none");
const everVisible = (a: Generated) => a.embargo !== "future";

function licensed(p: PartnerSpec, a: Generated): boolean {
  if (effective(a) === "none") return false;
  if (!p.sections.includes("*") && !p.sections.includes(a.section)) return false;
  if (p.regions && !a.regions.some((r) => p.regions!.some((l) => under(l, r)))) return false;
  if (p.topics && !a.topics.some((t) => p.topics!.includes(t))) return false;
  return true;
}

function inFeed(q: Query, a: Generated): boolean {
  if (q.section !== "all" && a.section !== q.section) return false;
  if (q.region !== undefined && !a.regions.some((r) => under(q.region!, r))) return false;
  if (q.topics.length && !a.topics.some((t) => q.topics.includes(t))) return false;
  return true;
}

function refused(p: PartnerSpec, q: Query): boolean {
  if (p.expired) return true;
  if (q.section !== "all" && !p.sections.includes("*") && !p.sections.includes(q.section)) return true;
  if (q.region !== undefined && p.regions && !p.regions.some((l) => under(l, q.region!) || under(q.region!, l))) return true;
  if (q.topics.length && p.topics && !q.topics.some((t) => p.topics!.includes(t))) return true;
  return false;
}

// --- the pool of articles ---------------------------------------------------------------------

const POOL: Generated[] = fc
  .sample(articleArb, { numRuns: 36, seed: 20261127 })
  .map((a, i) => ({ ...a, id: `pa${String(i).padStart(2, "0")}` }));
const body = (id: string) => `BODY${id}END`;
const summary = (id: string) => `SUMMARY${id}END`;

beforeAll(async () => {
  const docs = POOL.map((a, i) =>
    article({
      id: a.id,
      section: a.section,
      title: `TITLE${a.id}END`,
      summary: summary(a.id),
      body_html: `<p>${body(a.id)}</p>`,
      url: `https://gansu.news.example/p/${a.id}.html`,
      published_at: new Date(Date.UTC(2024, 2, 1, 0, i)).toISOString(),
      regions: a.regions,
      topics: a.topics,
      source: a.own ? { name: "國際在線", own: true } : { name: "甘肅日報", own: false },
      ...(a.syndication ? { rights: { syndication: a.syndication } } : {}),
      ...(a.embargo === "past" ? { embargo_until: "2024-03-02T00:00:00Z" } : {}),
      ...(a.embargo === "future" ? { embargo_until: "2099-01-01T00:00:00Z" } : {}),
    }),
  );
  expect((await push(docs)).status).toBe(200);
  await publish();
  for (const a of POOL.filter((x) => x.withdrawn)) expect((await withdraw(a.id)).status).toBe(200);
  await publish();
}, 60_000);

// --- reading what a partner got ---------------------------------------------------------------

interface Received {
  id: string;
  hasBody: boolean;
  rights: string;
}

function received(format: string, text: string): { items: Received[]; tombstones: string[] } {
  const idOf = (tag: string | undefined) => (tag ?? "").replace(/^tag:[^:]+:article:/, "");
  if (format === "json") {
    const feed = JSON.parse(text);
    return {
      items: feed.items.map((i: any) => ({
        id: idOf(i.id),
        hasBody: i.content_html !== undefined,
        rights: `${i._syndication.attribution}`,
      })),
      tombstones: [],
    };
  }
  if (format === "rss") {
    return {
      items: (parseRssFeed(text).items ?? []).map((i) => ({
        id: idOf(i.guid?.value),
        hasBody: i.content?.encoded !== undefined,
        rights: (i.dc?.rights ?? []).join(" "),
      })),
      tombstones: [],
    };
  }
  return {
    items: (parseAtomFeed(text).entries ?? []).map((e) => ({
      id: idOf(e.id),
      hasBody: e.content !== undefined,
      rights: JSON.stringify(e.rights),
    })),
    tombstones: [...text.matchAll(/<at:deleted-entry ref="([^"]+)"/g)].map((m) => idOf(m[1])),
  };
}

describe("property: a partner receives exactly what its licence covers", () => {
  let run = 0;
  it("holds for random partners, feeds and filters", async () => {
    await fc.assert(
      fc.asyncProperty(partnerArb, queryArb, async (p, q) => {
        const id = `prop-${++run}`;
        const attribution = `來源:國際在線 #${run}`;
        const put = await request(`/v1/partners/${id}`, {
          method: "PUT",
          headers: ADMIN,
          body: JSON.stringify({
            name: id,
            ...p,
            expired: undefined,
            license: {
              id: `${id}-licence`,
              url: `https://partners.example/${id}`,
              attribution,
              expires_at: p.expired ? "2020-01-01T00:00:00Z" : "2099-01-01T00:00:00Z",
            },
            rate_limit_per_minute: 1000,
          }),
        });
        expect(put.status).toBe(201);
        const key = ((await (await request(`/v1/partners/${id}/keys`, { method: "POST", headers: ADMIN })).json()) as any).key;
        const auth = { Authorization: `Bearer ${key}` };

        const params = new URLSearchParams({ limit: "100" });
        if (q.region) params.set("region", q.region);
        if (q.topics.length) params.set("topic", q.topics.join(","));
        const res = await request(`/partner/feeds/${q.section}.${q.format}?${params}`, { headers: auth });
        const text = await res.text();

        if (refused(p, q)) {
          expect(res.status).toBe(403);
          for (const a of POOL) expect(text).not.toContain(`${a.id}END`);
        } else {
          expect(res.status, text).toBe(200);
          const got = received(q.format, text);
          const expected = POOL.filter((a) => !a.withdrawn && everVisible(a) && licensed(p, a) && inFeed(q, a)).map((a) => a.id);
          expect(got.items.map((i) => i.id).sort()).toEqual(expected.sort());
          for (const item of got.items) {
            const a = POOL.find((x) => x.id === item.id)!;
            expect(item.hasBody, item.id).toBe(effective(a) === "full");
            expect(item.rights).toContain(attribution);
          }
          // No title, summary or body of anything else anywhere in the document; bodies only when full.
          for (const a of POOL) {
            const shown = expected.includes(a.id);
            if (!shown) expect(text).not.toContain(`${a.id}END`);
            if (!shown || effective(a) !== "full") expect(text).not.toContain(body(a.id));
          }
          const killed = POOL.filter((a) => a.withdrawn && everVisible(a) && licensed(p, a) && inFeed(q, a)).map((a) => a.id);
          expect(got.tombstones.sort()).toEqual(q.format === "atom" ? killed.sort() : []);
        }

        // The withdrawal list: covered withdrawals, whatever the feed asked and even after expiry.
        const list = await request("/partner/withdrawals?since=2024-01-01T00:00:00Z", { headers: auth });
        expect(list.status).toBe(200);
        const ids = ((await list.json()) as any).withdrawals.map((w: any) => w.id).sort();
        expect(ids).toEqual(POOL.filter((a) => a.withdrawn && everVisible(a) && licensed(p, a)).map((a) => a.id));
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it("the pool exercises every kind of article", () => {
    expect(new Set(POOL.map(effective)).size).toBe(3);
    expect(POOL.some((a) => !a.own && a.syndication === "full")).toBe(true);
    expect(POOL.some((a) => a.embargo === "future")).toBe(true);
    expect(POOL.some((a) => a.withdrawn && everVisible(a))).toBe(true);
    expect(POOL.some((a) => a.regions.length === 0)).toBe(true);
  });
});
