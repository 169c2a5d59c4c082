// Publishing to KV through the shared publisher: a key whose outputs cannot be built backs off alone
// while every other section publishes; and databases written before migrations were numbered
// (the Newsroom's `dirty` table, the desk's value outbox) reach today's schema and still publish.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { type ArticleInput, withDefaults } from "../src/model/article";
import { NEWSROOM_MIGRATIONS } from "../src/newsroom/schema";
import { DESK_MIGRATIONS } from "../src/partners/desk-schema";
import { articleKey, licenceKey } from "../src/storage/kv-keys";
import { migrate } from "../src/storage/migrations";
import { article, get, publish, push } from "./helpers/cms";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Typed loosely on purpose: the RPC stub's full type is too deep for tsc inside runInDurableObject.
const newsroom = (name = "newsroom"): DurableObjectStub => env.NEWSROOM.get(env.NEWSROOM.idFromName(name)) as unknown as DurableObjectStub;

type Pending = { key: string; attempts: number; not_before_ms: number };
const pending = (stub: DurableObjectStub, key: string) =>
  runInDurableObject(
    stub,
    (_o, state) => state.storage.sql.exec<Pending>("SELECT key, attempts, not_before_ms FROM kv_outbox WHERE key = ?", key).toArray()[0],
  );

const titles = async (path: string) => ((await (await get(path)).json()) as { items: { title: string }[] }).items.map((i) => i.title);

describe("one key that cannot be built", () => {
  it("backs off alone, logged, while other sections publish; once repaired it publishes", async () => {
    await push(article({ id: "good-wenlv", section: "wenlv", title: "good wenlv" }));
    await publish();
    // An article the renderer cannot handle (here: a stored document missing its rights), in wenlv.
    // Installed first: the scheduled alarm may run as soon as the article is in.
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    let repaired: string;
    try {
      await push(article({ id: "poison", section: "wenlv", title: "poison" }));
      repaired = await runInDurableObject(newsroom(), (_o, state) => {
        const doc = state.storage.sql.exec<{ doc: string }>("SELECT doc FROM articles WHERE id = 'poison'").one().doc;
        const { rights: _rights, ...broken } = JSON.parse(doc);
        state.storage.sql.exec("UPDATE articles SET doc = ? WHERE id = 'poison'", JSON.stringify(broken));
        return doc;
      });
      // Pushed after the damage, so wenlv is built at least once with it whenever the alarm ran before.
      await push(article({ id: "after-poison", section: "wenlv", title: "after poison" }));
      await push(article({ id: "fresh-yaowen", section: "yaowen", title: "fresh yaowen" }));

      // Sections publish one per run, each at most once a second: drive runs until yaowen shows the new article.
      for (let tries = 0; tries < 40 && !(await titles("/feeds/yaowen.json")).includes("fresh yaowen"); tries++) {
        await runDurableObjectAlarm(newsroom());
        await sleep(100);
      }
      expect(await titles("/feeds/yaowen.json")).toContain("fresh yaowen");
      expect((await pending(newsroom(), "section:wenlv"))?.attempts).toBeGreaterThan(0);
      expect((await pending(newsroom(), "section:all"))?.attempts).toBeGreaterThan(0);
      expect(await titles("/feeds/wenlv.json")).not.toContain("after poison");

      // Retried after its backoff, backing off further while it still fails: 1 s, then 2 s.
      const wenlvFailures = () => errors.mock.calls.map((c) => String(c[0])).filter((m) => m.startsWith("publish section:wenlv:"));
      for (let tries = 0; tries < 40 && wenlvFailures().length < 2; tries++) {
        await runDurableObjectAlarm(newsroom());
        await sleep(100);
      }
      expect(wenlvFailures().slice(0, 2)).toEqual([
        "publish section:wenlv: build failed (attempt 1), retrying in 1000 ms:",
        "publish section:wenlv: build failed (attempt 2), retrying in 2000 ms:",
      ]);
    } finally {
      errors.mockRestore();
    }

    await runInDurableObject(newsroom(), (_o, state) => {
      state.storage.sql.exec("UPDATE articles SET doc = ? WHERE id = 'poison'", repaired);
    });
    for (let tries = 0; tries < 40 && !(await titles("/feeds/wenlv.json")).includes("after poison"); tries++) {
      await runDurableObjectAlarm(newsroom());
      await sleep(200);
    }
    expect(await titles("/feeds/wenlv.json")).toEqual(expect.arrayContaining(["poison", "after poison", "good wenlv"]));
    expect(await titles("/feeds/all.json")).toEqual(expect.arrayContaining(["poison", "fresh yaowen"]));
  }, 30_000);
});

describe("schema migrations", () => {
  it("carries a Newsroom database from before numbered migrations over, dirty keys and spacing included", async () => {
    const stub = newsroom("legacy");
    const after = await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      // The database as the previous deploy left it: its tables, a dirty article key, a recent write.
      for (const { name } of sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'")
        .toArray()) {
        sql.exec(`DROP TABLE ${name}`);
      }
      sql.exec(NEWSROOM_MIGRATIONS[0]!);
      const doc = JSON.stringify(withDefaults(article({ id: "legacy-1", version: 3, section: "yaowen" }) as unknown as ArticleInput));
      sql.exec(
        "INSERT INTO articles (id, version, status, section, published_ms, changed_ms, doc) VALUES ('legacy-1', 3, 'published', 'yaowen', 1, 1, ?)",
        doc,
      );
      sql.exec("INSERT INTO dirty (key, gen, attempts, not_before_ms) VALUES ('article:legacy-1', 4, 2, 0)");
      sql.exec("INSERT INTO published (key, revision, written_ms, next_embargo_ms) VALUES ('section:yaowen', 7, 1000, NULL)");
      sql.exec("INSERT INTO published (key, revision, written_ms, next_embargo_ms) VALUES ('article:legacy-1', 0, 2000, NULL)");

      migrate(state.storage, NEWSROOM_MIGRATIONS);
      return {
        version: sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version,
        outbox: sql.exec("SELECT key, writes, gen, attempts FROM kv_outbox ORDER BY key").toArray(),
        written: sql.exec("SELECT key, written_ms FROM kv_written ORDER BY key").toArray(),
        published: sql.exec("SELECT * FROM published").toArray(),
        dirtyTable: sql.exec("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'dirty'").one().n,
      };
    });
    expect(after).toEqual({
      version: NEWSROOM_MIGRATIONS.length,
      outbox: [{ key: "article:legacy-1", writes: null, gen: 4, attempts: 2 }],
      written: [
        { key: "article:legacy-1", written_ms: 2000 },
        { key: "section:yaowen", written_ms: 1000 },
      ],
      published: [{ key: "section:yaowen", revision: 7, next_embargo_ms: null }],
      dirtyTable: 0,
    });
    // The carried-over dirty key publishes as any other (an alarm far off, so only this run publishes).
    await runInDurableObject(stub, (_o, state) => state.storage.setAlarm(Date.now() + 60_000));
    await runDurableObjectAlarm(stub);
    expect(await env.FEEDS.get(articleKey("legacy-1"), "json")).toMatchObject({ id: "legacy-1", version: 3 });
  });

  it("applies only the steps a database has not seen, once", async () => {
    const result = await runInDurableObject(newsroom("steps"), (_o, state) => {
      const steps = [...NEWSROOM_MIGRATIONS, "CREATE TABLE appended (x INTEGER)", "INSERT INTO appended (x) VALUES (1)"];
      migrate(state.storage, steps);
      // A second run finds nothing to do (the INSERT would add a second row, CREATE would fail).
      migrate(state.storage, steps);
      return {
        rows: state.storage.sql.exec("SELECT x FROM appended").toArray(),
        version: state.storage.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version,
      };
    });
    expect(result).toEqual({ rows: [{ x: 1 }], version: NEWSROOM_MIGRATIONS.length + 2 });
  });

  it("rolls a failing step back whole, leaving the database at its last good version", async () => {
    const result = await runInDurableObject(newsroom("failing-step"), (_o, state) => {
      let error = "";
      try {
        migrate(state.storage, [...NEWSROOM_MIGRATIONS, "CREATE TABLE half (x INTEGER)", "INSERT INTO no_such_table VALUES (1)"]);
      } catch (e) {
        error = String(e);
      }
      return {
        error,
        half: state.storage.sql.exec("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").one().n,
        version: state.storage.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version,
      };
    });
    expect(result).toEqual({ error: expect.stringContaining("no_such_table"), half: 0, version: NEWSROOM_MIGRATIONS.length });
  });

  it("carries a PartnerDesk's queued licence record over to the shared publisher's outbox, and delivers it", async () => {
    const desk = env.PARTNER_DESK.get(env.PARTNER_DESK.idFromName("legacy-desk"));
    const record = JSON.stringify({ id: "legacy-licence", partner: "legacy-desk", title: "Legacy" });
    const queued = await runInDurableObject(desk, (_o, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE kv_outbox; DROP TABLE kv_written; DELETE FROM schema_version");
      sql.exec(
        "CREATE TABLE kv_outbox (key TEXT PRIMARY KEY, value TEXT, gen INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0)",
      );
      sql.exec("CREATE TABLE kv_written (key TEXT PRIMARY KEY, written_ms INTEGER NOT NULL)");
      sql.exec("INSERT INTO kv_outbox (key, value, gen) VALUES (?, ?, 1)", licenceKey("legacy-licence"), record);
      sql.exec("INSERT INTO kv_outbox (key, value, gen) VALUES (?, NULL, 1)", licenceKey("legacy-gone"));
      return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM kv_outbox").one().n;
    });
    expect(queued).toBe(2);
    await env.FEEDS.put(licenceKey("legacy-gone"), "{}");
    await runInDurableObject(desk, async (_o, state) => {
      migrate(state.storage, DESK_MIGRATIONS);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    await runDurableObjectAlarm(desk);
    expect(await env.FEEDS.get(licenceKey("legacy-licence"))).toBe(record);
    expect(await env.FEEDS.get(licenceKey("legacy-gone"))).toBeNull();
  });
});
