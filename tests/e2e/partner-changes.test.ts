// The partner change feed against a real `wrangler dev`, as an agency would sync: pull from nothing,
// store next_cursor, then publish, correct, withdraw and lift an embargo; walk the log with limit=1,
// ask the same cursor twice; every item, in ninjs 2.2 and 3.1, valid under IPTC's schemas (Ajv 2020).
import { afterAll, beforeAll, expect, it } from "vitest";
import { pushArticles, withdrawArticle } from "../../scripts/lib/cms-client.mjs";
import { seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { ninjsErrors } from "./helpers/ninjs";
import { ownArticle } from "./helpers/own-article";

let server: DevServer;
let key: string;
const admin = () => ({ Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" });

const own = (id: string, extra: Record<string, unknown> = {}) =>
  ownArticle(id, {
    topics: ["transport"],
    images: [{ url: "https://img.gansu.news.example/e2e.jpg", caption: "圖說", width: 800, height: 600, type: "image/jpeg" }],
    ...extra,
  });

interface Answer {
  changes: { cursor: string; type: string; id: string; version: number; at: string; item: Record<string, any> }[];
  next_cursor: string;
}

async function changes(query: string): Promise<Answer> {
  const res = await fetch(`${server.url}/partner/changes${query}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Answer;
}

const summary = (a: Answer) => a.changes.map((c) => `${c.type} ${c.id} v${c.version}`);

/** Polls until the log shows `n` changes after `cursor` (the Newsroom publishes from its alarm). */
async function untilChanges(cursor: string, n: number): Promise<Answer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await changes(`?cursor=${cursor}`);
    if (answer.changes.length >= n || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  server = await startDevServer();
  const put = await fetch(`${server.url}/v1/partners/agency`, {
    method: "PUT",
    headers: admin(),
    body: JSON.stringify({
      name: "Agency",
      sections: ["*"],
      license: {
        id: "agency-2026",
        url: "https://partners.gansu.news.example/licences/agency",
        attribution: "來源:國際在線",
        expires_at: "2099-01-01T00:00:00Z",
      },
    }),
  });
  expect(put.status).toBeLessThan(300);
  key = ((await (await fetch(`${server.url}/v1/partners/agency/keys`, { method: "POST", headers: admin() })).json()) as { key: string })
    .key;
});

afterAll(async () => {
  await server?.stop();
});

it("syncs every change once, in order, as valid ninjs 2.2 and 3.1", async () => {
  const secret = server.secrets.CMS_WEBHOOK_SECRET;
  const start = await changes("");
  expect(start.changes).toEqual([]);

  // Publish (the seed reprint, cleared for headline use, and an own story), correct, withdraw, and an embargo that lifts.
  const embargo = new Date(Date.now() + 6000).toISOString();
  const seed = { ...seedArticle(), rights: { syndication: "headline" } };
  expect((await pushArticles(server.url, secret, [seed, own("e2e-chg"), own("e2e-embargo", { embargo_until: embargo })])).status).toBe(200);
  expect((await pushArticles(server.url, secret, [own("e2e-chg", { version: 2, title: "更正 e2e-chg" })])).status).toBe(200);
  expect((await withdrawArticle(server.url, secret, "e2e-chg")).status).toBe(200);
  const liftedLast = Date.now() < Date.parse(embargo);

  const all = await untilChanges(start.next_cursor, 5);
  const expected = [
    `published ${seed.id} v1`,
    "published e2e-chg v1",
    "updated e2e-chg v2",
    "withdrawn e2e-chg v2",
    "published e2e-embargo v1",
  ];
  if (!liftedLast) expected.splice(3, 2, expected[4]!, expected[3]!);
  expect(summary(all)).toEqual(expected);

  // The same cursor answers the same; each change's cursor resumes right after it; limit=1 walks the same way.
  expect(summary(await changes(`?cursor=${start.next_cursor}`))).toEqual(expected);
  expect(summary(await changes(`?cursor=${all.changes[1]!.cursor}`))).toEqual(expected.slice(2));
  const walked: string[] = [];
  let cursor = start.next_cursor;
  for (let i = 0; i < expected.length + 1; i++) {
    const page = await changes(`?limit=1&cursor=${cursor}`);
    expect(page.changes.length).toBeLessThanOrEqual(1);
    walked.push(...summary(page));
    cursor = page.next_cursor;
  }
  expect(walked).toEqual(expected);
  expect((await changes(`?cursor=${all.next_cursor}`)).changes).toEqual([]);

  // Every item valid under IPTC's schema for its version, with what partners rely on.
  for (const version of ["2.2", "3.1"] as const) {
    const answer = version === "2.2" ? all : await changes(`?cursor=${start.next_cursor}&ninjs=3.1`);
    for (const change of answer.changes) {
      expect(ninjsErrors(version, change.item), `${change.id} ${version}`).toEqual([]);
      expect(change.item.uri).toBe(`tag:gansu.news.example,2024:article:${change.id}`);
    }
    const k = (name: string) => (version === "3.1" ? name : name.toLowerCase());
    const [reprint, published] = answer.changes;
    expect(reprint!.item.bodies).toBeUndefined();
    expect(reprint!.item[k("infoSources")][0].name).toBe("甘肅日報");
    expect(published!.item.bodies[0].value).toContain("正文 e2e-chg");
    expect(published!.item.associations[0].renditions[0].href).toBe("https://img.gansu.news.example/e2e.jpg");
    expect(published!.item[k("rightsInfo")][k("linkedRights")]).toBe("https://partners.gansu.news.example/licences/agency");
    expect(answer.changes.find((c) => c.type === "withdrawn")!.item[k("pubStatus")]).toBe("canceled");
  }

  // A cursor from nowhere is a 400 problem.
  const bad = await fetch(`${server.url}/partner/changes?cursor=${all.next_cursor.slice(0, -2)}AA`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(bad.status).toBe(400);
  expect(bad.headers.get("Content-Type")).toContain("application/problem+json");
});
