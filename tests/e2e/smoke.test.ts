import { afterAll, beforeAll, expect, it } from "vitest";
import { pushArticles } from "../../scripts/lib/cms-client.mjs";
import { seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => server?.stop());

it("accepts the seed article signed by the CMS over real HTTP", async () => {
  const seed = seedArticle();
  const first = await pushArticles(server.url, server.secrets.CMS_WEBHOOK_SECRET, seed);
  expect(first).toEqual({ status: 200, body: { results: [{ id: seed.id, version: 1, outcome: "created" }], warnings: [] } });
  const again = await pushArticles(server.url, server.secrets.CMS_WEBHOOK_SECRET, seed);
  expect(again.body.results[0].outcome).toBe("unchanged");
});
