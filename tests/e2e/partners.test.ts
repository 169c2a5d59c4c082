// Partners against a real `wrangler dev`: an admin creates acme and its key over HTTP, acme pulls
// with the header and with ?key=, and the key never shows up in anything wrangler or the Worker prints.
import { parseDictionary } from "structured-headers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pushArticles, withdrawArticle } from "../../scripts/lib/cms-client.mjs";
import { seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { ownArticle } from "./helpers/own-article";

let server: DevServer;
let key: string;
const admin = () => ({ Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" });

/** Polls until the Newsroom's alarm has published what was pushed. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  server = await startDevServer();
  const secret = server.secrets.CMS_WEBHOOK_SECRET;
  expect((await pushArticles(server.url, secret, [seedArticle(), ownArticle("e2e-own"), ownArticle("e2e-killed")])).status).toBe(200);
  await until(async () => (await (await fetch(`${server.url}/feeds/yaowen.json`)).text()).includes("e2e-killed"));
  expect((await withdrawArticle(server.url, secret, "e2e-killed")).status).toBe(200);
  await until(async () => !(await (await fetch(`${server.url}/feeds/yaowen.json`)).text()).includes("e2e-killed"));

  const put = await fetch(`${server.url}/v1/partners/acme`, {
    method: "PUT",
    headers: admin(),
    body: JSON.stringify({
      name: "Acme",
      sections: ["yaowen"],
      regions: ["gansu"],
      license: {
        id: "acme-2026",
        url: `${server.url}/licenses/acme-2026`,
        attribution: "來源:國際在線",
        expires_at: "2099-12-31T23:59:59+08:00",
      },
    }),
  });
  expect(put.status).toBe(201);
  const issued = await fetch(`${server.url}/v1/partners/acme/keys`, { method: "POST", headers: admin() });
  expect(issued.status).toBe(201);
  key = ((await issued.json()) as { key: string }).key;
});
afterAll(() => server?.stop());

it("serves acme its licensed Atom feed with a tombstone, private and under its licence", async () => {
  const res = await fetch(`${server.url}/partner/feeds/yaowen.atom`, { headers: { Authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("Cache-Control")).toMatch(/^private/);
  const atom = await res.text();
  expect(atom).toContain("正文 e2e-own");
  expect(atom).toContain("來源:國際在線");
  expect(atom).not.toContain("甘肅日報");
  expect(atom).toMatch(/<at:deleted-entry ref="tag:[^"]+:article:e2e-killed"/);
  const header = res.headers.get("Syndication-License")!;
  const members = header.split(/,\s*/);
  const dict = parseDictionary(
    [...members.filter((m) => !m.startsWith("expires=")), ...members.filter((m) => m.startsWith("expires="))].join(", "),
  );
  expect(dict.get("partner")?.[0]).toBe("acme");
  expect(dict.get("license")?.[0]).toBe("acme-2026");
  // The licence page the admin API wrote.
  const page = await fetch(`${server.url}/licenses/acme-2026`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("來源:國際在線");
});

it("never prints a ?key= in a response or a log line, whatever the request", async () => {
  const paths = [
    `/partner/feeds/yaowen.rss?key=${key}`,
    `/partner/feeds/yaowen.json?region=gansu&key=${key}`,
    `/partner/feeds/yaowen.rss?limit=0&key=${key}`,
    `/partner/feeds/shijie.rss?key=${key}`,
    `/partner/feeds/nope.rss?key=${key}`,
    `/partner/withdrawals?since=2024-01-01T00:00:00Z&key=${key}`,
    `/partner/withdrawals?since=bad&key=${key}`,
  ];
  const statuses: number[] = [];
  for (const path of paths) {
    const res = await fetch(`${server.url}${path}`);
    statuses.push(res.status);
    expect(await res.text()).not.toContain(key);
    res.headers.forEach((value, name) => {
      expect(`${name}: ${value}`).not.toContain(key);
    });
  }
  expect(statuses).toEqual([200, 200, 400, 403, 404, 200, 400]);
  await new Promise((r) => setTimeout(r, 500));
  const leaked = server.output.filter((line) => line.includes(key) || line.includes(key.slice(4, 20)));
  expect(leaked).toEqual([]);
  // wrangler does log each request, by path: the check above looked at real request lines.
  expect(server.output.some((line) => line.includes("GET /partner/feeds/yaowen.rss"))).toBe(true);
});
