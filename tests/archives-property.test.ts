// Property: after any sequence of publishes, corrections (new text, a new date across a month
// boundary, a new section) and withdrawals, a late subscriber who starts at a section's current feed
// and follows prev-archive (JSON Feed: next_url) to the end meets every visible article of the section
// exactly once, in every format, newest first; and each archive holds only its own month (+08:00).
// The same holds from the Simplified twin's current feed (/zh-hans), through the twin's own archives.
// The oracle is the model below, written from the contract in docs/archives.md.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Format, walkChain } from "./helpers/archive-walk";
import { article, get, push, withdraw } from "./helpers/cms";

const SECTIONS = ["shijie", "wenlv"] as const;
const FORMATS: Format[] = ["rss", "atom", "json"];

/** Instants around month ends, where +08:00 and UTC disagree on the month, plus ordinary days. */
const INSTANTS = [
  "2024-01-31T23:59:00+08:00", // January in Beijing, 15:59Z
  "2024-02-01T00:00:00+08:00", // February in Beijing, still 31 January in UTC
  "2024-02-01T07:59:59+08:00", // February in Beijing, 23:59:59Z on 31 January
  "2024-02-01T08:00:00+08:00",
  "2024-02-14T12:00:00+08:00",
  "2024-02-29T23:59:59+08:00", // leap day, last second of February in Beijing
  "2024-02-29T16:00:00Z", // = 2024-03-01T00:00+08:00: March
  "2024-03-10T09:30:00+08:00",
  "2024-03-31T23:59:00+08:00",
  "2024-04-01T00:00:00+08:00",
  "2024-04-20T18:00:00+08:00",
  "2023-12-31T23:59:59+08:00",
];

/** The month in Beijing time of an RFC 3339 instant, computed independently of src/. */
function beijingMonth(instant: string): string {
  const shifted = new Date(Date.parse(instant) + 8 * 3600_000).toISOString();
  return shifted.slice(0, 7);
}

interface Model {
  id: string;
  version: number;
  section: string;
  published_at: string;
  embargo?: string;
  withdrawn: boolean;
}

type Op =
  | { kind: "publish"; section: string; instant: number; embargo: "none" | "past" | "future" }
  | { kind: "correct"; target: number; instant: number | null; section: string | null }
  | { kind: "withdraw"; target: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("publish" as const),
      section: fc.constantFrom(...SECTIONS),
      instant: fc.nat(INSTANTS.length - 1),
      embargo: fc.constantFrom("none" as const, "none" as const, "past" as const, "future" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("correct" as const),
      target: fc.nat(),
      instant: fc.option(fc.nat(INSTANTS.length - 1), { nil: null }),
      section: fc.option(fc.constantFrom(...SECTIONS), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), target: fc.nat() }) },
);

const articles = new Map<string, Model>();
let serial = 0;

function payload(m: Model) {
  return article({
    id: m.id,
    version: m.version,
    section: m.section,
    published_at: m.published_at,
    title: `v${m.version} ${m.id}`,
    ...(m.embargo ? { embargo_until: m.embargo } : {}),
  });
}

async function apply(op: Op): Promise<void> {
  const existing = [...articles.values()].filter((m) => !m.withdrawn);
  if (op.kind === "publish") {
    const m: Model = {
      id: `p${++serial}`,
      version: 1,
      section: op.section,
      published_at: INSTANTS[op.instant]!,
      withdrawn: false,
      ...(op.embargo === "past" ? { embargo: "2024-01-01T00:00:00Z" } : op.embargo === "future" ? { embargo: "2099-01-01T00:00:00Z" } : {}),
    };
    articles.set(m.id, m);
    expect((await push(payload(m))).status).toBe(200);
    return;
  }
  const target = existing[op.target % Math.max(1, existing.length)];
  if (!target) return;
  if (op.kind === "withdraw") {
    target.withdrawn = true;
    expect((await withdraw(target.id)).status).toBe(200);
    return;
  }
  target.version++;
  if (op.instant !== null) target.published_at = INSTANTS[op.instant]!;
  if (op.section !== null) target.section = op.section;
  expect((await push(payload(target))).status).toBe(200);
}

/** Runs the Newsroom's publishing until nothing is dirty, without waiting out KV's per-key second (miniflare does not enforce it). */
async function publishNow(): Promise<void> {
  const stub = env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom"));
  for (let turn = 0; turn < 500; turn++) {
    const pending = await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM kv_written");
      return state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM kv_outbox").one().n;
    });
    if (pending === 0) return;
    await runDurableObjectAlarm(stub);
  }
  throw new Error("publishing did not settle");
}

/** Visible articles of a section (or all), newest first in feed order. */
function visible(section: string): Model[] {
  return [...articles.values()]
    .filter((m) => !m.withdrawn && (section === "all" || m.section === section) && !m.embargo?.startsWith("2099"))
    .sort((a, b) => Date.parse(b.published_at) - Date.parse(a.published_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Both scripts' chains: the portal's Traditional feeds and the Simplified twins under /zh-hans. */
const PREFIXES = ["", "/zh-hans"] as const;

async function checkChains(): Promise<void> {
  for (const section of [...SECTIONS, "all"]) {
    const expected = visible(section);
    for (const prefix of PREFIXES)
      for (const format of FORMATS) {
        const documents = await walkChain(get, format, `${prefix}/feeds/${section}.${format}`);
        const walked = documents.flatMap((d) => d.ids);
        const where = `${prefix}${section}.${format}: ${documents.map((d) => `${d.url} (${d.ids.length})`).join(" → ")}`;
        // Every visible article once, newest first across the whole chain.
        expect(walked, where).toEqual(expected.map((m) => m.id));
        // The current feed shows the newest 20; archives hold one month each, and say they are archives.
        expect(documents[0]!.ids.length, where).toBe(Math.min(20, expected.length));
        for (const doc of documents.slice(1)) {
          expect(doc.url, where).toMatch(new RegExp(`\\.test${prefix}/feeds/${section}/archive/`));
          const month = /\/archive\/(\d{4}-\d{2})/.exec(doc.url)![1];
          for (const id of doc.ids) expect(beijingMonth(articles.get(id)!.published_at), `${id} in ${doc.url}`).toBe(month);
          if (format !== "json") {
            expect(doc.archive, doc.url).toBe(true);
            expect(doc.links.current, doc.url).toMatch(new RegExp(`\\.test${prefix}/feeds/${section}\\.${format}$`));
          }
        }
        // next-archive leads back up the same chain.
        if (format !== "json") {
          for (let i = 2; i < documents.length; i++) expect(documents[i]!.links["next-archive"], where).toBe(documents[i - 1]!.url);
          if (documents.length > 1) expect(documents[1]!.links["next-archive"], where).toBeUndefined();
        }
      }
  }
}

describe("walking the archive chain", () => {
  it("yields exactly the visible articles, once each, after any publishes, corrections and withdrawals", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArb, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }), async (batches) => {
        for (const batch of batches) {
          for (const op of batch) await apply(op);
          await publishNow();
          await checkChains();
        }
      }),
      { numRuns: 12, seed: 20261201, endOnFailure: true },
    );
  }, 240_000);
});
