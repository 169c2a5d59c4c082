// KV's write limit (one write per second per key; production answers 429 beyond it,
// miniflare does not enforce it). A KV stand-in that refuses a second write to a key within a
// second is installed into the Newsroom, which then takes more than one update a second to one
// section: the last published snapshot must reflect the last update, and refused writes retried.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { articleKey, indexKey, itemKey } from "../src/storage/kv-keys";
import { article, newsroomKv, push } from "./helpers/cms";
import { LimitedKv } from "./stress/limited-kv";

const SCALE = Number((env as unknown as { STRESS_SCALE?: string }).STRESS_SCALE ?? "0.1");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Typed loosely on purpose: the RPC stub's full type is too deep for tsc inside runInDurableObject.
const stub = (): DurableObjectStub => env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom")) as unknown as DurableObjectStub;

async function dirtyKeys(): Promise<{ key: string; attempts: number }[]> {
  return runInDurableObject(stub(), (_instance, state) =>
    state.storage.sql.exec<{ key: string; attempts: number }>("SELECT key, attempts FROM kv_outbox").toArray(),
  );
}

/**
 * The version of article `id` a published snapshot shows, as the Worker reads it: the index entry names
 * the version, and that version's json item (itemKey) carries it in its title.
 */
function versionIn(snapshotText: string | null | undefined, id: string, item: (key: string) => string | null | undefined) {
  if (!snapshotText) return undefined;
  const snapshot = JSON.parse(snapshotText) as { items: string; entries: { id: string; version: number }[] };
  const entry = snapshot.entries.find((e) => e.id === id);
  if (!entry) return undefined;
  const match = item(itemKey(snapshot.items, id, entry.version, "json"))?.match(new RegExp(`"title":"${id} v(\\d+)"`));
  return match ? Number(match[1]) : undefined;
}

async function hotVersion(section: string, id: string): Promise<number | undefined> {
  const snapshot = await env.FEEDS.get(indexKey(section));
  const entry = snapshot ? (JSON.parse(snapshot) as { items: string; entries: { id: string; version: number }[] }) : null;
  const version = entry?.entries.find((e) => e.id === id)?.version;
  const item = entry && version !== undefined ? await env.FEEDS.get(itemKey(entry.items, id, version, "json")) : null;
  return versionIn(snapshot, id, () => item);
}

/**
 * Waits (really: the 1 s spacing has to pass) until nothing is dirty and `done` holds, running
 * alarms itself when `drive` is set, else leaving them to the scheduled alarm as production does.
 */
async function drain(done: () => Promise<boolean>, timeoutMs: number, drive = true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (drive) await runDurableObjectAlarm(stub());
    if ((await dirtyKeys()).length === 0 && (await done())) return true;
    await sleep(250);
  }
  return false;
}

/** Pushes version after version of one article to one section, faster than one a second, driving alarms in between. */
async function hotSection(
  kv: LimitedKv,
  id: string,
  seconds: number,
  everyMs: number,
  options: { afterStorm?: () => void; drive?: boolean } = {},
) {
  const drive = options.drive ?? true;
  let version = 0;
  const pushedAt: number[] = [];
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    version++;
    const res = await push(article({ id, version, section: "wenlv", title: `${id} v${version}` }));
    expect(res.status).toBe(200);
    pushedAt.push(Date.now());
    // A neighbour in the same section, so the snapshot changes for more than one reason.
    if (version % 3 === 0) expect((await push(article({ id: `${id}-n${version}`, section: "wenlv" }))).status).toBe(200);
    if (drive) await runDurableObjectAlarm(stub());
    await sleep(everyMs);
  }
  const rate = version / ((Date.now() - started) / 1000);
  options.afterStorm?.();
  const caughtUp = await drain(
    async () =>
      (await hotVersion("wenlv", id)) === version &&
      (await hotVersion("all", id)) === version &&
      ((await env.FEEDS.get(articleKey(id), "json")) as { version: number } | null)?.version === version,
    60_000,
    drive,
  );
  // Snapshots never go back in time: each landed write shows the hot article at a version >= the one
  // before. (A snapshot whose fragments were refused is read from article keys until the retry lands.)
  const versions = (kv.landed.get(indexKey("wenlv")) ?? [])
    .map((text) => versionIn(text, id, (key) => kv.landed.get(key)?.at(-1)))
    .filter((v): v is number => v !== undefined);
  const regressions = versions.filter((v, i) => i > 0 && v < versions[i - 1]!).length;
  // Staleness: the longest a pushed version waited before a landed snapshot (with its fragments) showed it.
  const shown = (kv.landed.get(indexKey("wenlv")) ?? []).map((text, i) => ({
    at: kv.landedAt.get(indexKey("wenlv"))![i]!,
    version: versionIn(text, id, (key) => kv.landed.get(key)?.at(-1)),
  }));
  const staleness = pushedAt.map((at, i) => (shown.find((s) => s.at >= at && (s.version ?? 0) >= i + 1)?.at ?? Date.now()) - at);
  return { version, rate, caughtUp, regressions, snapshotWrites: versions.length, maxStalenessMs: Math.max(0, ...staleness) };
}

describe("KV's one write per second per key", () => {
  it("publishes the last of several updates a second to one section, without a refused write", async () => {
    const kv = new LimitedKv(env.FEEDS);
    await newsroomKv(kv);
    // Alarms as production runs them: one at a time, when scheduled. (runDurableObjectAlarm beside the
    // scheduled alarm can run two alarm() calls at once, which production does not do; the other
    // tests drive alarms that way on purpose.)
    const result = await hotSection(kv, "kv-hot", Math.max(3, 10 * SCALE), 150, { drive: false });
    console.log(
      `[stress-figures] ${JSON.stringify({ part: "kv-limit-paced", scale: SCALE, updates: result.version, updates_per_s: Number(result.rate.toFixed(1)), max_staleness_ms: result.maxStalenessMs, kv_write_attempts: kv.attempts, refused: kv.refused, overlapping_writes: kv.overlapping, snapshot_writes: result.snapshotWrites, regressions: result.regressions, lost: result.caughtUp ? 0 : 1 })}`,
    );
    expect(result.rate).toBeGreaterThan(1);
    expect(result.caughtUp).toBe(true);
    expect(result.regressions).toBe(0);
    expect(kv.refused).toBe(0);
    // Coalesced: fewer snapshot writes than updates.
    expect(result.snapshotWrites).toBeLessThan(result.version);
    // Was 3 s. A section publish now also builds its Simplified twin, and its archive months are published
    // between sections, so a section under 5 updates a second is republished about every 2–3 s (measured
    // 3.1–3.4 s on a quiet machine). Left open in docs/benchmark.md: publishing a hot section before archive work.
    expect(result.maxStalenessMs).toBeLessThan(4000);
  }, 180_000);

  it("retries a snapshot write KV refused (another write landed within the second) until it lands", async () => {
    const kv = new LimitedKv(env.FEEDS);
    await newsroomKv(kv);
    await drain(async () => true, 10_000);
    await sleep(1100);
    // A write the Newsroom does not know about, e.g. one that landed just before the object was evicted.
    kv.touch(indexKey("wenlv"));
    kv.touch(indexKey("all"));
    expect((await push(article({ id: "kv-refused", version: 1, section: "wenlv", title: "kv-refused v1" }))).status).toBe(200);
    // The other writer keeps writing until the Newsroom has tried wenlv (and been refused) at least once.
    // (Sections publish one per run, `all` first: a refusal of `all` alone does not mean wenlv was tried.)
    const wenlvRefused = async () => ((await dirtyKeys()).find((d) => d.key === "section:wenlv")?.attempts ?? 0) > 0;
    for (let tries = 0; (kv.refused === 0 || !(await wenlvRefused())) && tries < 50; tries++) {
      kv.touch(indexKey("wenlv"));
      kv.touch(indexKey("all"));
      await runDurableObjectAlarm(stub());
      await sleep(100);
    }
    expect(kv.refused).toBeGreaterThan(0);
    const dirty = await dirtyKeys();
    expect(dirty.map((d) => d.key)).toEqual(expect.arrayContaining(["section:wenlv", "section:all"]));
    expect(dirty.find((d) => d.key === "section:wenlv")?.attempts).toBeGreaterThan(0);
    expect(await drain(async () => (await hotVersion("wenlv", "kv-refused")) === 1, 30_000)).toBe(true);
    expect(await hotVersion("all", "kv-refused")).toBe(1);
    console.log(
      `[stress-figures] ${JSON.stringify({ part: "kv-limit-refused", scale: SCALE, refused: kv.refused, kv_write_attempts: kv.attempts, lost: 0 })}`,
    );
  }, 120_000);

  it("keeps publishing a busy section after one refused write", async () => {
    const kv = new LimitedKv(env.FEEDS);
    await newsroomKv(kv);
    await drain(async () => true, 10_000);
    await sleep(1100);
    kv.touch(indexKey("wenlv"));
    const result = await hotSection(kv, "kv-busy", Math.max(4, 12 * SCALE), 200);
    console.log(
      `[stress-figures] ${JSON.stringify({ part: "kv-limit-busy", scale: SCALE, updates: result.version, updates_per_s: Number(result.rate.toFixed(1)), max_staleness_ms: result.maxStalenessMs, kv_write_attempts: kv.attempts, refused: kv.refused, overlapping_writes: kv.overlapping, snapshot_writes: result.snapshotWrites, lost: result.caughtUp ? 0 : 1 })}`,
    );
    expect(result.caughtUp).toBe(true);
    expect(result.maxStalenessMs).toBeLessThan(5000);
  }, 180_000);

  it("loses no update when KV also refuses writes at random while updates keep coming", async () => {
    const kv = new LimitedKv(env.FEEDS);
    // Each section publish is several KV writes (snapshot, fragments, pre-rendered feeds): 10% each
    // fails about half of the publishes while the updates come in; then KV recovers.
    kv.flakiness = 0.1;
    await newsroomKv(kv);
    const result = await hotSection(kv, "kv-flaky", Math.max(3, 8 * SCALE), 200, {
      afterStorm: () => {
        kv.flakiness = 0;
      },
    });
    console.log(
      `[stress-figures] ${JSON.stringify({ part: "kv-limit-flaky", scale: SCALE, updates: result.version, updates_per_s: Number(result.rate.toFixed(1)), max_staleness_ms: result.maxStalenessMs, kv_write_attempts: kv.attempts, refused: kv.refused, regressions: result.regressions, lost: result.caughtUp ? 0 : 1 })}`,
    );
    expect(kv.refused).toBeGreaterThan(0);
    expect(result.caughtUp).toBe(true);
    expect(result.regressions).toBe(0);
    expect(result.maxStalenessMs).toBeLessThan(10_000);
  }, 180_000);
});
