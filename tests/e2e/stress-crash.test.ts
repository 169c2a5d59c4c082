// Crash and restart: wrangler dev (and its workerd) is killed with SIGKILL in the middle of a push
// storm, then restarted on the same persisted state. Every article that got a 2xx is there, no
// batch is half-written, and the feeds catch up by themselves (the Newsroom's alarm survives).
import { afterAll, expect, it } from "vitest";
import { SECTIONS } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { checkFeedsShow, expectFeedsServe } from "./stress/feeds";
import { adminGet, FULL, figures, killHard, pollUntil, pool, rng, scaled, send, signedPost, stopAll, stressArticle } from "./stress/lib";

let server: DevServer | undefined;
afterAll(() => stopAll(server));

/** PUTs partner "crash" twice in a row (the second edit's licence record waits ≥ 1 s in the outbox). */
async function editLicenceTwice(server: DevServer): Promise<number[]> {
  const statuses: number[] = [];
  for (const edit of [1, 2]) {
    const reply = await send(`${server.url}/v1/partners/crash`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        name: "Crash",
        sections: ["*"],
        license: {
          id: "crash-licence",
          url: "https://licences.example/crash",
          attribution: `crash edit ${edit}`,
          expires_at: "2099-01-01T00:00:00Z",
        },
      }),
    });
    statuses.push(reply.status);
  }
  return statuses;
}

interface Sent {
  ids: string[];
  status: number;
  webhookId: string;
  answer: unknown;
}

it("keeps every acknowledged article through kill -9 mid-storm and catches the feeds up after restart", async () => {
  const random = rng(99);
  const cycles = FULL ? 3 : 1;
  const perCycle = scaled(1200, 150);
  const sent: Sent[] = [];
  const sectionOf = new Map<string, { section: string; index: number }>();
  let stateDir: string | undefined;
  let killedInFlight = 0;
  let index = 0;
  let licenceEdits: number[] = [];

  for (let cycle = 0; cycle < cycles; cycle++) {
    server = await startDevServer(stateDir ? { stateDir } : {});
    stateDir = server.stateDir;
    const current = server;
    // Every delivery has fresh ids at version 1, so a batch with no answer must be all there or all absent.
    const deliveries = Array.from({ length: perCycle }, () => {
      const n = random() < 0.7 ? 1 : 2 + Math.floor(random() * 9);
      return Array.from({ length: n }, () => {
        const i = index++;
        const id = `crash-${cycle}-${String(i).padStart(5, "0")}`;
        const section = SECTIONS[i % SECTIONS.length]!;
        sectionOf.set(id, { section, index: i });
        return stressArticle(id, 1, section, i);
      });
    });
    let answered = 0;
    let killed = false;
    let editing = false;
    let edited = false;
    let inFlight = 0;
    const killAt = Math.floor(perCycle * (0.3 + random() * 0.3));
    await pool(deliveries, 20, async (articles) => {
      if (killed) return;
      inFlight++;
      const webhookId = `msg_crash_${articles[0]!.id}`;
      const reply = await signedPost(current, articles.length === 1 ? articles[0] : articles, { id: webhookId });
      inFlight--;
      sent.push({ ids: articles.map((a) => a.id), status: reply.status, webhookId, answer: reply.body });
      if (reply.status !== 0) answered++;
      // In the last cycle, two quick edits of a partner's licence just before the kill (the storm goes
      // on meanwhile): the second licence record can only reach KV through the desk's outbox after the restart.
      if (cycle === cycles - 1 && !editing && answered >= killAt - 5) {
        editing = true;
        licenceEdits = await editLicenceTwice(current);
        edited = true;
      }
      if (!killed && answered >= killAt && (edited || cycle < cycles - 1)) {
        killed = true;
        killedInFlight += inFlight;
        await killHard(current);
      }
    });
    server = undefined;
  }

  // Restart on the abandoned state and read everything back.
  server = await startDevServer({ stateDir: stateDir! });
  const restarted = server;
  const acked = new Set(sent.filter((s) => s.status === 200).flatMap((s) => s.ids));
  const present = new Set<string>();
  const allIds = sent.flatMap((s) => s.ids);
  await pool(allIds, 50, async (id) => {
    const reply = await adminGet(restarted, `/v1/articles/${id}`);
    if (reply.status === 200 && reply.body.version === 1 && reply.body.title === `${id} v1`) present.add(id);
    else if (reply.status !== 404) throw new Error(`${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
  });
  const lost = [...acked].filter((id) => !present.has(id));
  const halfWritten = sent.filter((s) => s.ids.length > 1 && s.ids.some((id) => present.has(id)) && !s.ids.every((id) => present.has(id)));
  const statuses = sent.map((s) => s.status);

  // Deliveries acknowledged before a crash, replayed after it with other content: still the first answer, no effect.
  const replayed = sent.filter((s) => s.status === 200).slice(0, 20);
  const replayProblems: string[] = [];
  for (const s of replayed) {
    const again = await signedPost(
      restarted,
      s.ids.map((id) => ({ ...stressArticle(id, 7, "yaowen", 0), title: "replayed after crash" })),
      { id: s.webhookId },
    );
    if (again.status !== 200 || JSON.stringify(again.body) !== JSON.stringify(s.answer)) {
      replayProblems.push(`${s.webhookId}: ${again.status} ${JSON.stringify(again.body).slice(0, 200)}`);
    }
    const held = await adminGet(restarted, `/v1/articles/${s.ids[0]}`);
    if (held.body?.version !== 1) replayProblems.push(`${s.ids[0]} changed by a replay: v${held.body?.version}`);
  }

  let invalidFeeds: number | null = null;
  let feedMismatches: string[] = [];
  const catchUpStarted = Date.now();
  const page = await pollUntil(async () => {
    const reply = await send(`${restarted.url}/licenses/crash-licence`);
    return reply.status === 200 && String(reply.body).includes("crash edit 2");
  }, 30_000);
  const held = await send(`${restarted.url}/v1/partners/crash`, {
    headers: { Authorization: `Bearer ${restarted.secrets.ADMIN_TOKEN}` },
  });
  const licenceCaughtUp = page && held.body?.license?.attribution === "crash edit 2";
  await expectFeedsServe(restarted);
  // Nothing is pushed after the restart: only the Newsroom's own alarm can publish what the crash left dirty.
  const expected = [...present].map((id) => ({ id, ...sectionOf.get(id)!, version: 1, visible: true }));
  ({ invalid: invalidFeeds, mismatches: feedMismatches } = await checkFeedsShow(restarted, expected, 90_000));

  figures("crash-restart", {
    kills: cycles,
    deliveries: sent.length,
    pushes: sent.reduce((n, s) => n + s.ids.length, 0),
    acknowledged: acked.size,
    unanswered_deliveries: statuses.filter((s) => s === 0).length,
    in_flight_at_kill: killedInFlight,
    present: acked.size - lost.length,
    stored_total: present.size,
    stored_without_answer: [...present].filter((id) => !acked.has(id)).length,
    lost: lost.length,
    half_written_batches: halfWritten.length,
    replays_after_restart: replayed.length,
    licence_edits_before_kill: licenceEdits,
    licence_page_caught_up: licenceCaughtUp,
    replay_effects: replayProblems.length,
    "5xx": statuses.filter((s) => s >= 500).length,
    invalid_feeds: invalidFeeds,
    feed_mismatches: feedMismatches.length,
    catch_up_ms: Date.now() - catchUpStarted,
  });
  expect(statuses.filter((s) => s !== 0 && s !== 200)).toEqual([]);
  expect(acked.size).toBeGreaterThan(0);
  expect(lost).toEqual([]);
  expect(halfWritten).toEqual([]);
  expect(replayProblems).toEqual([]);
  // Both edits were answered before the kill, so both must survive it.
  expect(licenceEdits.map((s) => s >= 200 && s < 300)).toEqual([true, true]);
  expect(licenceCaughtUp).toBe(true);
  expect(feedMismatches).toEqual([]);
  expect(invalidFeeds).toBe(0);
});
