// Property: random sequences of publish / correct / withdraw / embargo / moves between sections,
// regions and topics, random licences, random page sizes of answers and random KV lag → a client that
// resumes from ANY cursor receives every change its licence covers, in order, exactly once: no gap,
// no duplicate, no leak. The log is built with the Newsroom's own log functions and read with the
// change feed's own page walk; the expected changes come from a model of the licence rules below,
// written from the contract in docs/partners.md, independently of src/.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CHANGE_PAGE_SIZE,
  type ChangeEntry,
  type ChangePage,
  type LoggedState,
  logLift,
  logVersion,
  logWithdrawal,
  type NewEntry,
} from "../src/feeds/change-log";
import { type StoredArticle, withDefaults } from "../src/model/article";
import { untilMissingItem, walkChanges } from "../src/partners/change-view";
import type { Entitlement } from "../src/partners/model";

const SECTIONS = ["yaowen", "wenlv", "shijie"] as const;
const REGIONS = ["gansu", "gansu/lanzhou", "gansu/lanzhou/chengguan", "gansu/dunhuang", "xinjiang"] as const;
const TOPICS = ["tourism", "economy", "culture"] as const;
const IDS = ["a", "b", "c", "d", "e"] as const;
const T0 = Date.parse("2026-12-01T00:00:00Z");
const MINUTE = 60_000;

interface Attrs {
  section: string;
  regions: string[];
  topics: string[];
  syndication: "full" | "headline" | "none";
}

type Event =
  | { kind: "push"; id: string; attrs: Attrs; embargoMinutes: number | null; withdrawn: boolean; wait: number }
  | { kind: "withdraw"; id: string; wait: number }
  | { kind: "wait"; wait: number };

const attrsArb: fc.Arbitrary<Attrs> = fc.record({
  section: fc.constantFrom(...SECTIONS),
  regions: fc.subarray([...REGIONS], { maxLength: 2 }),
  topics: fc.subarray([...TOPICS], { maxLength: 2 }),
  syndication: fc.constantFrom("full", "full", "headline", "none"),
});

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("push" as const),
      id: fc.constantFrom(...IDS),
      attrs: attrsArb,
      embargoMinutes: fc.option(fc.integer({ min: -5, max: 30 }), { freq: 3 }),
      withdrawn: fc.constantFrom(false, false, false, false, true),
      wait: fc.integer({ min: 0, max: 10 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("withdraw" as const), id: fc.constantFrom(...IDS), wait: fc.integer({ min: 0, max: 10 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wait" as const), wait: fc.integer({ min: 1, max: 40 }) }) },
);

const licenceArb: fc.Arbitrary<{ sections: string[]; regions?: string[]; topics?: string[]; expired: boolean }> = fc.record(
  {
    sections: fc.oneof(fc.constant<string[]>(["*"]), fc.subarray<string>([...SECTIONS], { minLength: 1 })),
    regions: fc.subarray<string>([...REGIONS, "tibet"], { minLength: 1, maxLength: 2 }),
    topics: fc.subarray<string>([...TOPICS], { minLength: 1, maxLength: 2 }),
    expired: fc.constantFrom(false, false, false, true),
  },
  { requiredKeys: ["sections", "expired"] },
);

// --- the model: what a partner should see, from the contract ------------------------------------

interface ModelArticle {
  version: number;
  attrs: Attrs;
  embargo: number | null;
  published: boolean;
}

function modelCovers(licence: { sections: string[]; regions?: string[]; topics?: string[] }, a: Attrs): boolean {
  if (a.syndication === "none") return false;
  if (!licence.sections.includes("*") && !licence.sections.includes(a.section)) return false;
  const under = (licensed: string, r: string) => r === licensed || r.startsWith(`${licensed}/`);
  if (licence.regions && !a.regions.some((r) => licence.regions!.some((l) => under(l, r)))) return false;
  if (licence.topics && !a.topics.some((t) => licence.topics!.includes(t))) return false;
  return true;
}

type Expected = { type: "published" | "updated" | "withdrawn"; id: string; version: number };

/** Replays the events as a partner would experience them, embargoes lifting in time order. */
function expectedChanges(events: readonly Event[], licence: Parameters<typeof modelCovers>[0] & { expired: boolean }): Expected[] {
  const articles = new Map<string, ModelArticle>();
  const seen = new Map<string, boolean>();
  const out: Expected[] = [];
  const visible = (a: ModelArticle | undefined, now: number) =>
    a !== undefined && a.published && (a.embargo === null || a.embargo <= now) && modelCovers(licence, a.attrs);
  const emit = (id: string, now: number, newVersion: boolean) => {
    const was = seen.get(id) ?? false;
    const is = visible(articles.get(id), now);
    seen.set(id, is);
    const version = articles.get(id)!.version;
    if (was && !is) out.push({ type: "withdrawn", id, version });
    else if (!was && is && !licence.expired) out.push({ type: "published", id, version });
    else if (was && is && newVersion && !licence.expired) out.push({ type: "updated", id, version });
  };
  let now = T0;
  const liftUntil = (until: number) => {
    // Pending embargoes that pass by `until`, in time order (then by id).
    const due = [...articles.entries()]
      .filter(([id, a]) => a.published && a.embargo !== null && a.embargo <= until && !seen.get(id) && pendingLift.has(id))
      .sort(([x, a], [y, b]) => a.embargo! - b.embargo! || x.localeCompare(y));
    for (const [id, a] of due) {
      pendingLift.delete(id);
      emit(id, a.embargo!, false);
    }
  };
  const pendingLift = new Set<string>();
  for (const event of events) {
    now += event.wait * MINUTE;
    liftUntil(now);
    if (event.kind === "wait") continue;
    const current = articles.get(event.id);
    if (event.kind === "withdraw") {
      if (!current || !current.published) continue;
      current.published = false;
      pendingLift.delete(event.id);
      emit(event.id, now, false);
      continue;
    }
    const version = (current?.version ?? 0) + 1;
    const embargo = event.embargoMinutes === null ? null : now + event.embargoMinutes * MINUTE;
    articles.set(event.id, { version, attrs: event.attrs, embargo, published: !event.withdrawn });
    if (!event.withdrawn && embargo !== null && embargo > now) pendingLift.add(event.id);
    else pendingLift.delete(event.id);
    emit(event.id, now, true);
  }
  liftUntil(Number.MAX_SAFE_INTEGER);
  return out;
}

// --- the implementation: the Newsroom's log functions, in memory ----------------------------------

function storedArticle(id: string, version: number, e: Extract<Event, { kind: "push" }>, now: number): StoredArticle {
  return withDefaults({
    id,
    version,
    status: e.withdrawn ? "withdrawn" : "published",
    section: e.attrs.section,
    title: `t ${id}`,
    body_html: "<p>b</p>",
    url: `https://gansu.news.example/a/${id}.html`,
    published_at: new Date(now).toISOString(),
    ...(e.embargoMinutes !== null ? { embargo_until: new Date(now + e.embargoMinutes * MINUTE).toISOString() } : {}),
    source: { name: "國際在線", own: true },
    regions: e.attrs.regions,
    topics: e.attrs.topics,
    rights: { syndication: e.attrs.syndication },
  });
}

function buildLog(events: readonly Event[]): ChangeEntry[] {
  const log: ChangeEntry[] = [];
  const states = new Map<string, LoggedState>();
  const append = (entry: NewEntry | null) => {
    if (entry) log.push({ seq: log.length + 1, ...entry });
  };
  const liftDue = (now: number) => {
    const due = [...states.entries()]
      .filter(([, s]) => s.liftAt !== null && s.liftAt <= now)
      .sort(([x, a], [y, b]) => a.liftAt! - b.liftAt! || x.localeCompare(y));
    for (const [id, s] of due) {
      const { entry, state } = logLift(s as LoggedState & { coverage: NonNullable<LoggedState["coverage"]>; liftAt: number }, id);
      append(entry);
      states.set(id, state);
    }
  };
  let now = T0;
  for (const event of events) {
    now += event.wait * MINUTE;
    liftDue(now);
    if (event.kind === "wait") continue;
    const prev = states.get(event.id) ?? null;
    if (event.kind === "withdraw") {
      if (!prev || prev.coverage === null) continue;
      const { entry, state } = logWithdrawal(prev, event.id, now);
      append(entry);
      states.set(event.id, state);
      continue;
    }
    const { entry, state } = logVersion(prev, storedArticle(event.id, (prev?.version ?? 0) + 1, event, now), now);
    append(entry);
    states.set(event.id, state);
  }
  liftDue(Number.MAX_SAFE_INTEGER);
  return log;
}

/** The KV pages of a log; `lag` shows each read a prefix of a page, as a location that is behind would. */
function pagesOf(log: readonly ChangeEntry[]): Map<number, ChangePage> {
  const pages = new Map<number, ChangePage>();
  for (const entry of log) {
    const page = Math.floor(entry.seq / CHANGE_PAGE_SIZE);
    if (!pages.has(page)) pages.set(page, { page, entries: [] });
    pages.get(page)!.entries.push(entry);
  }
  return pages;
}

/** Reads the whole feed from position `after`, in answers of random sizes, with random lag. */
async function readAll(
  pages: Map<number, ChangePage>,
  entitlement: Entitlement,
  expired: boolean,
  after: number,
  limits: () => number,
  lag: () => number,
): Promise<{ got: (Expected & { seq: number })[]; cursors: number[] }> {
  const got: (Expected & { seq: number })[] = [];
  const cursors: number[] = [];
  const load = async (n: number) => {
    const page = pages.get(n);
    if (!page) return null;
    const shown = Math.max(0, page.entries.length - lag());
    return shown === 0 ? null : { page: n, entries: page.entries.slice(0, shown) };
  };
  let cursor = after;
  let quiet = 0;
  // Polls until several answers in a row bring nothing (lag is random, so one empty answer is not the end).
  while (quiet < 25) {
    const walked = await walkChanges({
      entitlement,
      after: cursor,
      limit: limits(),
      expired,
      first: await load(Math.floor((cursor + 1) / CHANGE_PAGE_SIZE)),
      loadPage: load,
      maxPages: 2,
    });
    const { changes, resumeAfter } = untilMissingItem(walked, () => lag() === 0);
    expect(resumeAfter).toBeGreaterThanOrEqual(cursor);
    quiet = changes.length === 0 && resumeAfter === cursor ? quiet + 1 : 0;
    for (const { entry, type } of changes) {
      got.push({ type, id: entry.id, version: entry.version, seq: entry.seq });
      cursors.push(entry.seq);
    }
    cursor = resumeAfter;
  }
  return { got, cursors };
}

describe("the change feed, from any cursor", () => {
  it("brings every covered change once, in order, with nothing outside the licence", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 300, size: "max" }),
        licenceArb,
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (events, licence, maxLimit, seed) => {
          // mulberry32: a small seeded generator, so a failure replays exactly.
          let state = seed;
          const next = () => {
            state = (state + 0x6d2b79f5) | 0;
            let t = Math.imul(state ^ (state >>> 15), 1 | state);
            t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
            return (t ^ (t >>> 14)) >>> 0;
          };
          const limits = () => 1 + (next() % maxLimit);
          const lag = () => (next() % 3 === 0 ? next() % 30 : 0);
          const entitlement: Entitlement = {
            sections: licence.sections,
            ...(licence.regions ? { regions: licence.regions } : {}),
            ...(licence.topics ? { topics: licence.topics } : {}),
            license: { id: "l", url: "https://l.example/", attribution: "來源:國際在線", expires_at: "2099-01-01T00:00:00Z" },
          };
          const expected = expectedChanges(events, licence);
          const pages = pagesOf(buildLog(events));

          const { got, cursors } = await readAll(pages, entitlement, licence.expired, 0, limits, lag);
          expect(got.map(({ seq: _, ...c }) => c)).toEqual(expected);

          // Resuming from any change's cursor brings exactly the rest.
          for (let i = 0; i < cursors.length; i += 1 + Math.floor(cursors.length / 5)) {
            const rest = await readAll(pages, entitlement, licence.expired, cursors[i]!, limits, lag);
            expect(rest.got.map(({ seq: _, ...c }) => c)).toEqual(expected.slice(i + 1));
          }
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});
