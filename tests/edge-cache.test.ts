// Workers Cache (production option): public feed answers carry their section's Cache-Tag; with
// WORKERS_CACHE on, each section publish that lands queues that tag, and the Worker's queue handler
// purges it through ctx.cache (which local development does not have, so a stand-in records it here).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EdgeCache, EdgePurgeMessage } from "../src/feeds/edge-cache";
import worker from "../src/index";
import { article, get, publish, push } from "./helpers/cms";

const stub = (): DurableObjectStub => env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom")) as unknown as DurableObjectStub;

describe("Cache-Tag", () => {
  it("every public feed names its section, whatever the format or filter (a 304 leaves the stored copy's tag)", async () => {
    await push(article({ id: "tagged", section: "wenlv" }));
    await publish();
    const plain = await get("/feeds/wenlv.rss");
    expect(plain.headers.get("Cache-Tag")).toBe("feeds/wenlv");
    expect((await get("/feeds/wenlv.json?topic=transport")).headers.get("Cache-Tag")).toBe("feeds/wenlv");
    expect((await get("/feeds/all.atom")).headers.get("Cache-Tag")).toBe("feeds/all");
    const notModified = await get("/feeds/wenlv.rss", { "If-None-Match": plain.headers.get("ETag")! });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("Cache-Tag")).toBeNull();
  });
});

describe("purge after a publish", () => {
  it("with WORKERS_CACHE on, the Newsroom queues the tags of the sections whose publish landed", async () => {
    const sent: EdgePurgeMessage[] = [];
    const queue = { send: async (body: EdgePurgeMessage) => void sent.push(body) };
    await runInDurableObject(stub(), (instance) => {
      (instance as unknown as { env: Env }).env = { ...env, WORKERS_CACHE: "true", EDGE_PURGE: queue } as unknown as Env;
    });
    try {
      await push(article({ id: "purged", section: "shijie" }));
      await publish();
      // Each section publish that landed (a section may publish twice as its archives settle).
      expect([...new Set(sent.flatMap((m) => m.tags))].sort()).toEqual(["feeds/all", "feeds/shijie"]);
    } finally {
      await runInDurableObject(stub(), (instance) => {
        (instance as unknown as { env: Env }).env = env;
      });
    }
  });

  it("with WORKERS_CACHE off (the default), nothing is queued", async () => {
    const sent: EdgePurgeMessage[] = [];
    await runInDurableObject(stub(), (instance) => {
      (instance as unknown as { env: Env }).env = {
        ...env,
        EDGE_PURGE: { send: async (b: EdgePurgeMessage) => void sent.push(b) },
      } as unknown as Env;
    });
    try {
      await push(article({ id: "not-purged", section: "shijie" }));
      await publish();
      expect(sent).toEqual([]);
    } finally {
      await runInDurableObject(stub(), (instance) => {
        (instance as unknown as { env: Env }).env = env;
      });
    }
  });

  function batchOf(messages: EdgePurgeMessage[]) {
    const acked = { all: false };
    const batch = {
      queue: "feed-edge-purge",
      messages: messages.map((body, i) => ({ id: String(i), timestamp: new Date(), attempts: 1, body, ack() {}, retry() {} })),
      ackAll: () => {
        acked.all = true;
      },
      retryAll() {},
    } as unknown as MessageBatch<EdgePurgeMessage>;
    return { batch, acked };
  }
  const ctxWith = (cache: EdgeCache | undefined) => ({ waitUntil() {}, passThroughOnException() {}, cache }) as unknown as ExecutionContext;

  it("the Worker's queue handler purges each tag of a batch once, through ctx.cache, and acknowledges it", async () => {
    const purged: string[][] = [];
    const cache: EdgeCache = {
      purge: async ({ tags }) => {
        purged.push(tags);
        return { success: true, errors: [] };
      },
    };
    const { batch, acked } = batchOf([{ tags: ["feeds/yaowen"] }, { tags: ["feeds/all"] }, { tags: ["feeds/yaowen"] }]);
    await worker.queue(batch, env, ctxWith(cache));
    expect(purged).toEqual([["feeds/yaowen", "feeds/all"]]);
    expect(acked.all).toBe(true);
  });

  it("a purge Cloudflare refuses fails the batch, so the queue delivers it again", async () => {
    const cache: EdgeCache = { purge: async () => ({ success: false, errors: [{ code: 1, message: "rate limited" }] }) };
    const { batch, acked } = batchOf([{ tags: ["feeds/yaowen"] }]);
    await expect(worker.queue(batch, env, ctxWith(cache))).rejects.toThrow(/purge of feeds\/yaowen failed/);
    expect(acked.all).toBe(false);
  });

  it("without Workers Cache (local development) the batch is done with nothing to purge", async () => {
    const { batch, acked } = batchOf([{ tags: ["feeds/yaowen"] }]);
    await worker.queue(batch, env, ctxWith(undefined));
    expect(acked.all).toBe(true);
  });
});
