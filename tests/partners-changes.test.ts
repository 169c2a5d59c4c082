// GET /partner/changes through the Worker, as an agency's developer uses it: pull from nothing, keep
// next_cursor, then publish, correct, withdraw and lift an embargo; the next pull brings exactly those
// four, in order; a narrower licence sees only its part; hostile cursors are refused; old ones are gone.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { article, publish, push, request, withdraw } from "./helpers/cms";
import { TEST_SECRETS } from "./helpers/secrets";

const ADMIN = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };
const FUTURE = "2099-01-01T00:00:00Z";

async function partner(id: string, licence: Record<string, unknown>): Promise<string> {
  const put = await request(`/v1/partners/${id}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({
      name: `Partner ${id}`,
      license: {
        id: `${id}-lic`,
        url: `https://partners.gansu.news.example/licences/${id}`,
        attribution: "來源:國際在線",
        expires_at: FUTURE,
      },
      ...licence,
    }),
  });
  expect(put.status, await put.clone().text()).toBeLessThan(300);
  const res = await request(`/v1/partners/${id}/keys`, { method: "POST", headers: ADMIN });
  return ((await res.json()) as { key: string }).key;
}

interface Answer {
  changes: { cursor: string; type: string; id: string; version: number; at: string; item: Record<string, any> }[];
  next_cursor: string;
}

async function changes(key: string, query = ""): Promise<Answer> {
  const res = await request(`/partner/changes${query}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
  expect(res.headers.get("Cache-Control")).toContain("private");
  return (await res.json()) as Answer;
}

const summary = (a: Answer) => a.changes.map((c) => `${c.type} ${c.id} v${c.version}`);

describe("the partner change feed", { timeout: 60_000 }, () => {
  it("brings a publish, a correction, a withdrawal and an embargo lifting, in order, once", async () => {
    const key = await partner("agency", { sections: ["*"] });
    const wide = await partner("wide-narrow", { sections: ["wenlv"], topics: ["tourism"] });
    const start = await changes(key);
    const startNarrow = await changes(wide);

    const soon = new Date(Date.now() + 4000).toISOString();
    await push(article({ id: "chg-embargoed", embargo_until: soon, topics: ["tourism"], section: "wenlv" }));
    await push(article({ id: "chg-a", topics: ["economy"] }));
    await push(article({ id: "chg-a", version: 2, title: "更正後的標題", topics: ["economy"] }));
    await push(article({ id: "chg-reprint", source: { name: "甘肅日報", own: false } }));
    expect((await withdraw("chg-a")).status).toBeLessThan(300);
    // On a slow machine the embargo may pass before the withdrawal: the log keeps the order things happened in.
    const liftedLast = Date.now() < Date.parse(soon);
    await publish();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(soon) - Date.now() + 100)));
    await publish();

    const next = await changes(key, `?cursor=${start.next_cursor}`);
    const expected = ["published chg-a v1", "updated chg-a v2", "withdrawn chg-a v2", "published chg-embargoed v1"];
    if (!liftedLast) expected.splice(2, 2, expected[3]!, expected[2]!);
    expect(summary(next)).toEqual(expected);
    const [published, updated] = next.changes;
    const withdrawn = next.changes.find((c) => c.type === "withdrawn");
    const lifted = next.changes.find((c) => c.id === "chg-embargoed");
    expect(published!.item.uri).toBe("tag:gansu.news.example,2024:article:chg-a");
    expect(published!.item.pubstatus).toBe("usable");
    expect(updated!.item.headlines[0].value).toBe("更正後的標題");
    expect(updated!.item.rightsinfo.linkedrights).toBe("https://partners.gansu.news.example/licences/agency");
    expect(withdrawn!.item.pubstatus).toBe("canceled");
    expect(lifted!.item.embargoed).toBe(soon);

    // Each change's cursor resumes right after it; the same cursor answers the same.
    expect(summary(await changes(key, `?cursor=${published!.cursor}`))).toEqual(summary(next).slice(1));
    expect(summary(await changes(key, `?cursor=${published!.cursor}`))).toEqual(summary(next).slice(1));
    expect((await changes(key, `?cursor=${next.next_cursor}`)).changes).toEqual([]);

    // limit=1 walks the same changes one by one.
    const walked: string[] = [];
    let cursor = start.next_cursor;
    for (let i = 0; i < 6; i++) {
      const page = await changes(key, `?limit=1&cursor=${cursor}`);
      walked.push(...summary(page));
      cursor = page.next_cursor;
    }
    expect(walked).toEqual(summary(next));

    // A narrower licence (wenlv, tourism) sees only the embargoed tourism story; 3.1 names its fields in camelCase.
    const narrow = await changes(wide, `?cursor=${startNarrow.next_cursor}&ninjs=3.1`);
    expect(summary(narrow)).toEqual(["published chg-embargoed v1"]);
    expect(narrow.changes[0]!.item.pubStatus).toBe("usable");
    expect(narrow.changes[0]!.item.rightsInfo.linkedRights).toBe("https://partners.gansu.news.example/licences/wide-narrow");

    // Another partner's cursor, a tampered one, garbage and a huge one are all 400 problem+json naming the parameter.
    const other = start.next_cursor;
    const tampered = `${other.slice(0, 10)}${other[10] === "A" ? "B" : "A"}${other.slice(11)}`;
    for (const bad of [other, tampered, "garbage", "x".repeat(5000), ""]) {
      const res = await request(`/partner/changes?cursor=${encodeURIComponent(bad)}`, { headers: { Authorization: `Bearer ${wide}` } });
      if (bad === other) continue; // checked below: it is the agency's, not wide-narrow's
      expect(res.status, bad.slice(0, 20)).toBe(400);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(((await res.json()) as any).errors[0].pointer).toBe("#/query/cursor");
    }
    const foreign = await request(`/partner/changes?cursor=${other}`, { headers: { Authorization: `Bearer ${wide}` } });
    expect(foreign.status).toBe(400);
    for (const q of ["limit=0", "limit=101", "limit=1.5", "ninjs=4.0", "limit=5&limit=6"]) {
      expect((await request(`/partner/changes?${q}`, { headers: { Authorization: `Bearer ${key}` } })).status, q).toBe(400);
    }
    expect((await request("/partner/changes")).status).toBe(401);

    // Usage is counted under `changes`.
    const usage = (await (await request("/v1/partners/agency/usage", { headers: ADMIN })).json()) as any;
    const today = new Date().toISOString().slice(0, 10);
    expect(usage.days[today].changes["200"]).toBeGreaterThanOrEqual(10);
  });

  it("after the licence ends, only withdrawals are still delivered", async () => {
    const key = await partner("lapsed", { sections: ["yaowen"] });
    const start = await changes(key);
    await push(article({ id: "lapse-a" }));
    await publish();
    await request("/v1/partners/lapsed", {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({
        name: "Partner lapsed",
        sections: ["yaowen"],
        license: {
          id: "lapsed-lic",
          url: "https://partners.gansu.news.example/licences/lapsed",
          attribution: "來源:國際在線",
          expires_at: "2020-01-01T00:00:00Z",
        },
      }),
    });
    await push(article({ id: "lapse-a", version: 2 }));
    await withdraw("lapse-a");
    await publish();
    expect(summary(await changes(key, `?cursor=${start.next_cursor}`))).toEqual(["withdrawn lapse-a v2"]);
  });

  it("answers across log pages the same in one pull as in many, for a wide licence and a sparse one", async () => {
    const key = await partner("pages-wide", { sections: ["*"] });
    const sparse = await partner("pages-sparse", { sections: ["wenlv"], topics: ["tourism"] });
    const start = await changes(key);
    const startSparse = await changes(sparse);
    // 120 changes: more than two pages of the log; one in ten is a tourism story in wenlv.
    const batch = Array.from({ length: 120 }, (_, i) =>
      article({ id: `pg-${i}`, ...(i % 10 === 9 ? { section: "wenlv", topics: ["tourism"] } : { topics: ["economy"] }) }),
    );
    for (const part of [batch.slice(0, 60), batch.slice(60)]) expect((await push(part)).status).toBeLessThan(300);
    await publish();
    const all = await changes(key, `?limit=100&cursor=${start.next_cursor}`);
    expect(all.changes).toHaveLength(100);
    const rest = await changes(key, `?limit=100&cursor=${all.next_cursor}`);
    const ids = [...all.changes, ...rest.changes].map((c) => c.id);
    expect(ids).toEqual(batch.map((a) => a.id));
    expect(all.changes.every((c) => c.type === "published" && c.item.uri === `tag:gansu.news.example,2024:article:${c.id}`)).toBe(true);
    // From a cursor in the middle of a page, with the default limit: the next 50, items and all.
    const middle = await changes(key, `?cursor=${all.changes[36]!.cursor}`);
    expect(middle.changes.map((c) => c.id)).toEqual(ids.slice(37, 87));
    expect(middle.changes.every((c) => c.item.uri.endsWith(c.id))).toBe(true);
    // The sparse licence sees its twelve, in order, with their items, however far apart they lie in the log.
    const seen: Answer["changes"] = [];
    let cursor = startSparse.next_cursor;
    for (let i = 0; i < 10; i++) {
      const answer = await changes(sparse, `?limit=5&cursor=${cursor}`);
      seen.push(...answer.changes);
      cursor = answer.next_cursor;
    }
    expect(seen.map((c) => c.id)).toEqual(batch.filter((_, i) => i % 10 === 9).map((a) => a.id));
    expect(seen.every((c) => c.item.rightsinfo.linkedrights === "https://partners.gansu.news.example/licences/pages-sparse")).toBe(true);
  });

  it("a cursor older than the log keeps is 410 Gone", async () => {
    const key = await partner("patient", { sections: ["*"] });
    const start = await changes(key);
    const batch = Array.from({ length: 60 }, (_, i) => article({ id: `old-${i}` }));
    expect((await push(batch)).status).toBeLessThan(300);
    await publish();
    const early = await changes(key, `?limit=1&cursor=${start.next_cursor}`);
    // Forty days on, the first page is pruned.
    const stub = env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom"));
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as { publishing: { changeLog: { prune(now: number): void } } }).publishing.changeLog.prune(
        Date.now() + 40 * 86_400_000,
      );
    });
    await stub.reconcile();
    await publish();
    const res = await request(`/partner/changes?cursor=${early.next_cursor}`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(410);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    // Starting again without a cursor begins at the oldest change kept.
    const fresh = await changes(key, "?limit=100");
    expect(fresh.changes.length).toBeGreaterThan(0);
    expect(fresh.changes.length).toBeLessThan(60);
  });
});
