// Who holds a licence id, under concurrency: two partners claiming one id at once get one 2xx and one
// 409, never both; a partner that changes its licence id gives the old page up (it disappears), and a
// partner claiming that id at the same moment ends with its own page, whichever came first.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { licenceKey } from "../src/storage/kv-keys";
import { request } from "./helpers/cms";
import { TEST_SECRETS } from "./helpers/secrets";

const ADMIN = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function putPartner(id: string, licenceId: string): Promise<Response> {
  const license = {
    id: licenceId,
    url: `https://partners.example/${id}`,
    attribution: "來源:國際在線",
    expires_at: "2099-01-01T00:00:00Z",
  };
  return request(`/v1/partners/${id}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ name: `夥伴 ${id}`, sections: ["*"], license }),
  });
}

const partnerRecord = async (id: string) => (await request(`/v1/partners/${id}`, { headers: ADMIN })).status;

/** The licence page as a visitor sees it: its status and, when there is one, whose licence it is (its title). */
async function page(licenceId: string): Promise<{ status: number; holder?: string }> {
  const res = await request(`/licenses/${licenceId}`);
  if (res.status !== 200) return { status: res.status };
  return { status: 200, holder: (await res.text()).match(/夥伴 ([a-z0-9-]+) 轉載授權/)?.[1] };
}

/** Runs the registry's publishing until the pages of `ids` are what `expected` says (KV: one write a second per key). */
async function settle(expected: Record<string, { status: number; holder?: string }>): Promise<void> {
  const registry = env.LICENCES.get(env.LICENCES.idFromName("licences"));
  const seen: Record<string, unknown> = {};
  for (let attempt = 0; attempt < 30; attempt++) {
    await runDurableObjectAlarm(registry);
    for (const id of Object.keys(expected)) seen[id] = await page(id);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    await sleep(200);
  }
  expect(seen).toEqual(expected);
}

describe("licence ids under concurrent claims", () => {
  it("gives an id claimed by two partners at once to exactly one of them", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = [`race-a${round}`, `race-b${round}`];
      const statuses = (await Promise.all([putPartner(a, `contested-${round}`), putPartner(b, `contested-${round}`)])).map((r) => r.status);
      expect(statuses.slice().sort()).toEqual([201, 409]);
      const [winner, loser] = statuses[0] === 201 ? [a, b] : [b, a];
      // The refused partner was not created; the page is the winner's.
      expect(await partnerRecord(loser)).toBe(404);
      expect(await partnerRecord(winner)).toBe(200);
      await settle({ [`contested-${round}`]: { status: 200, holder: winner } });
    }
  }, 30_000);

  it("removes the old licence page when a partner changes its licence id, and lets another partner take the id", async () => {
    expect((await putPartner("mover", "mover-2026")).status).toBe(201);
    await settle({ "mover-2026": { status: 200, holder: "mover" } });
    expect((await putPartner("mover", "mover-2027")).status).toBe(200);
    await settle({ "mover-2026": { status: 404 }, "mover-2027": { status: 200, holder: "mover" } });
    expect((await putPartner("newcomer", "mover-2026")).status).toBe(201);
    await settle({ "mover-2026": { status: 200, holder: "newcomer" }, "mover-2027": { status: 200, holder: "mover" } });
    // The id the mover holds now is still refused to others.
    expect((await putPartner("newcomer", "mover-2027")).status).toBe(409);
  }, 30_000);

  it("ends with the claimant's page when one partner gives an id up as another claims it", async () => {
    for (let round = 0; round < 5; round++) {
      const [owner, claimant, old] = [`giver-${round}`, `taker-${round}`, `handed-${round}`];
      expect((await putPartner(owner, old)).status).toBe(201);
      const [moved, taken] = await Promise.all([putPartner(owner, `${old}-new`), putPartner(claimant, old)]);
      expect(moved.status).toBe(200);
      // Refused only if the claim came before the release; then a retry succeeds.
      if (taken.status === 409) expect((await putPartner(claimant, old)).status).toBe(201);
      else expect(taken.status).toBe(201);
      await settle({ [old]: { status: 200, holder: claimant }, [`${old}-new`]: { status: 200, holder: owner } });
    }
  }, 30_000);

  it("respects a licence page published before the registry existed", async () => {
    // A page the partner's desk published under an earlier deploy: the registry has never seen this id.
    await env.FEEDS.put(
      licenceKey("legacy-2026"),
      JSON.stringify({
        id: "legacy-2026",
        partner: "legacy",
        url: "https://partners.example/legacy",
        attribution: "x",
        expires_at: "2099-01-01T00:00:00Z",
      }),
    );
    expect((await putPartner("latecomer", "legacy-2026")).status).toBe(409);
    expect(await partnerRecord("latecomer")).toBe(404);
  });
});
