// Section builds parse only versions they have not seen (ParsedArticles, src/newsroom/archive.ts): a second build
// reuses what the first parsed, a new version is read anew, and what is held stays within its bound.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { newestPublished, ParsedArticles } from "../src/newsroom/archive";
import { article, push } from "./helpers/cms";

const stub = (): DurableObjectStub => env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom")) as unknown as DurableObjectStub;
const at = (hour: number) => new Date(Date.UTC(2024, 2, 1, hour)).toISOString();
const SECTION = "yuanchuang";
const titles = (items: { article: { title: string } }[]) => items.map((i) => i.article.title);

it("reuses what an earlier build parsed, reads a new version anew, and holds at most its bound", async () => {
  for (const n of [1, 2, 3]) {
    expect((await push(article({ id: `parsed-${n}`, section: SECTION, published_at: at(n), title: `parsed ${n} v1` }))).status).toBe(200);
  }
  const parsed = new ParsedArticles(3);
  const small = new ParsedArticles(2);
  const reused = await runInDurableObject(stub(), (_o, state) => {
    const first = newestPublished(state.storage.sql, SECTION, parsed);
    const second = newestPublished(state.storage.sql, SECTION, parsed);
    newestPublished(state.storage.sql, SECTION, small);
    return { titles: titles(second), same: second.map((item, i) => item.article === first[i]!.article) };
  });
  expect(reused).toEqual({ titles: ["parsed 3 v1", "parsed 2 v1", "parsed 1 v1"], same: [true, true, true] });
  expect(small.size).toBe(2);

  expect((await push(article({ id: "parsed-2", version: 2, section: SECTION, published_at: at(2), title: "parsed 2 v2" }))).status).toBe(
    200,
  );
  const updated = await runInDurableObject(stub(), (_o, state) => titles(newestPublished(state.storage.sql, SECTION, parsed)));
  expect(updated).toEqual(["parsed 3 v1", "parsed 2 v2", "parsed 1 v1"]);
  expect(parsed.size).toBe(3);
});
