// How a publish run shares the Newsroom with pushes: its KV writes go a few at a time (a burst of hundreds would
// hold up everything else on the thread, locally the KV simulator's), and the articles that left a section's
// window lose their items however many there are, without waiting for the section to change again.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SCRIPTS } from "../src/config/publication";
import { partnerItemsTag } from "../src/feeds/partner-items";
import { SNAPSHOT_WINDOW } from "../src/feeds/snapshot";
import { indexKey, itemKey } from "../src/storage/kv-keys";
import { article, newsroomKv, publish, push } from "./helpers/cms";
import { RecordingKv } from "./helpers/recording-kv";

const HOUR = 3_600_000;
const START = Date.UTC(2024, 3, 1, 0, 0, 0);
// Typed loosely on purpose: the RPC stub's full type is too deep for tsc inside runInDurableObject.
const stub = (): DurableObjectStub => env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom")) as unknown as DurableObjectStub;

/** KV that takes a few milliseconds per write, records what was written and how many writes were in flight at once. */
class SlowKv extends RecordingKv {
  inFlight = 0;
  maxInFlight = 0;
  private async slowly<T>(write: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 3));
      return await write();
    } finally {
      this.inFlight--;
    }
  }
  override put(key: string, value: string, options?: KVNamespacePutOptions) {
    return this.slowly(() => super.put(key, value, options));
  }
  override delete(key: string) {
    return this.slowly(() => super.delete(key));
  }
}

describe("a publish run", () => {
  it("keeps at most four KV writes in flight, however many it has to make", async () => {
    const kv = new SlowKv(env.FEEDS);
    await newsroomKv(kv);
    try {
      const batch = Array.from({ length: 30 }, (_, i) =>
        article({ id: `run-${i + 1}`, section: "wenlv", published_at: new Date(START + i * HOUR).toISOString() }),
      );
      expect((await push(batch)).status).toBe(200);
      await publish();
      // 30 articles' items and documents, two sections' feeds, archives and the change log: hundreds of writes.
      expect(kv.puts.length + kv.deletes.length).toBeGreaterThan(300);
      expect(kv.maxInFlight).toBe(4);
    } finally {
      await newsroomKv(env.FEEDS);
    }
  });

  it("deletes the items of every article that left a section's window, more than one pass's bound included", async () => {
    // 800 articles of one section, all published with their items as a store published before items followed the
    // windows was: the 600 the window does not list are beyond it, more than one cleanup pass (500) marks.
    const section = "redian-zhuanti";
    const at = (n: number) => new Date(START + (1000 + n) * HOUR).toISOString();
    for (let from = 1; from <= 800; from += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => article({ id: `far-${from + i}`, section, published_at: at(from + i) }));
      expect((await push(batch)).status).toBe(200);
    }
    await publish();
    const tag = ((await env.FEEDS.get(indexKey(section), "json")) as { items: string }).items;
    const itemKeys = (id: string) => [
      ...SCRIPTS.flatMap((script) => ["atom", "json", "rss"].map((f) => itemKey(tag, id, 1, f, script))),
      ...["atom", "json", "rss"].map((f) => itemKey(partnerItemsTag(tag), id, 1, f)),
    ];
    // Give the 600 oldest their items back, in KV and in the Newsroom's record of what it published.
    const old = Array.from({ length: 800 - SNAPSHOT_WINDOW }, (_, i) => `far-${i + 1}`);
    const sampled = [old[0]!, old[299]!, old.at(-1)!];
    for (const id of sampled) for (const key of itemKeys(id)) await env.FEEDS.put(key, "stale item");
    await runInDurableObject(stub(), (_instance, state) => {
      for (const id of old)
        state.storage.sql.exec("INSERT OR REPLACE INTO published_items (id, version, renderer, partner) VALUES (?, 1, ?, 1)", id, tag);
    });
    // One more article in the section starts the cleanup; nothing else changes after it.
    expect((await push(article({ id: "far-801", section, published_at: at(801) }))).status).toBe(200);
    await publish();

    const left = await runInDurableObject(stub(), (_instance, state) =>
      state.storage.sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM published_items p JOIN articles a ON a.id = p.id WHERE a.section = ?", section)
        .one(),
    );
    expect(left.n).toBe(SNAPSHOT_WINDOW);
    for (const id of [...sampled, "far-601"]) for (const key of itemKeys(id)) expect(await env.FEEDS.get(key)).toBeNull();
    expect(await env.FEEDS.get(itemKeys("far-801")[0]!)).not.toBeNull();
  }, 120_000);
});
