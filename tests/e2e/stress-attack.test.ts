// Forgery and replay against a real wrangler dev: tampered bodies, wrong keys, stale and future
// timestamps, missing and garbled headers, replayed webhook-ids (also twenty at once), captured
// withdrawals replayed against another article, partner key guessing and admin calls without the
// token. All refused or without a second effect, and none of it slows ordinary traffic much.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../scripts/lib/cms-client.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";
import { expectFeedsServe, FORMATS } from "./stress/feeds";
import { adminGet, figures, percentile, pool, type Reply, scaled, send, signedPost, stopAll, stressArticle } from "./stress/lib";
import { rawRequest } from "./stress/raw-http";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => stopAll(server));

const WRONG_SECRET = "whsec_d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktMTIzNA==";
const VICTIM = "attack-victim";
const DECOY = "attack-decoy";
const report: Record<string, unknown> = {};

async function victimUnchanged(): Promise<void> {
  const reply = await adminGet(server, `/v1/articles/${VICTIM}`);
  expect(reply.status).toBe(200);
  expect(reply.body).toMatchObject({ version: 1, status: "published", title: `${VICTIM} v1` });
}

/** A forged push of the victim (v9, "forged" title) that must never land. */
function forgedBody(): string {
  return JSON.stringify(stressArticle(VICTIM, 9, "yaowen", 5, { title: "forged" }));
}

interface Attempt {
  label: string;
  run: () => Promise<Reply>;
}

/** Every way we know to forge a delivery; each is a fresh request so it can be repeated under load. */
function forgeries(): Attempt[] {
  const url = `${server.url}/v1/articles`;
  const secret = server.secrets.CMS_WEBHOOK_SECRET;
  const post = (headers: Record<string, string>, body = forgedBody()) =>
    send(url, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
  const valid = (body = forgedBody(), options: { id?: string; at?: Date } = {}) => signedHeaders(secret, body, options);
  const minutes = (m: number) => new Date(Date.now() + m * 60_000);
  const sig = (body: string) => valid(body)["webhook-signature"]!;
  return [
    { label: "unsigned", run: () => post({}) },
    {
      label: "tampered body",
      run: () => {
        const body = forgedBody();
        return post(valid(body.replace('"forged"', '"original"')), body);
      },
    },
    { label: "wrong key", run: () => post(signedHeaders(WRONG_SECRET, forgedBody())) },
    { label: "timestamp 6 min old", run: () => post(valid(forgedBody(), { at: minutes(-6) })) },
    { label: "timestamp 6 min ahead", run: () => post(valid(forgedBody(), { at: minutes(6) })) },
    { label: "timestamp 1 hour old", run: () => post(valid(forgedBody(), { at: minutes(-60) })) },
    ...(["webhook-id", "webhook-timestamp", "webhook-signature"] as const).map((name) => ({
      label: `missing ${name}`,
      run: () => {
        const headers = valid();
        delete headers[name];
        return post(headers);
      },
    })),
    ...["v1,AAAA", "v1,", "", "v1 ,x", "garbage", `v1,${"A".repeat(8000)}`, "v1a,AAAA v1,BBBB"].map((signature) => ({
      label: `garbled signature ${signature.slice(0, 12)}`,
      run: () => post({ ...valid(), "webhook-signature": signature }),
    })),
    {
      label: "signature under another version tag",
      run: () => {
        const body = forgedBody();
        return post({ ...valid(body), "webhook-signature": sig(body).replace(/^v1,/, "v2,") });
      },
    },
    {
      label: "signature without version tag",
      run: () => {
        const body = forgedBody();
        return post({ ...valid(body), "webhook-signature": sig(body).replace(/^v1,/, "") });
      },
    },
    {
      label: "signature with one flipped character",
      run: () => {
        const body = forgedBody();
        const s = sig(body);
        return post({ ...valid(body), "webhook-signature": `${s.slice(0, 5)}${s[5] === "A" ? "B" : "A"}${s.slice(6)}` });
      },
    },
    ...["abc", "1.7e9", "-1", "99999999999999", " 0", "0x6543210f"].map((timestamp) => ({
      label: `garbled timestamp ${timestamp}`,
      run: () => post({ ...valid(), "webhook-timestamp": timestamp }),
    })),
    {
      label: "signature for another webhook-id",
      run: () => {
        const body = forgedBody();
        return post({ ...valid(body, { id: "msg_signed_for_this" }), "webhook-id": "msg_but_sent_as_that" });
      },
    },
    { label: "signed over an empty body, sent with one", run: () => post(valid("")) },
    { label: "webhook-id of 300 characters", run: () => post(valid(forgedBody(), { id: `msg_${"x".repeat(300)}` })) },
    {
      label: "DELETE unsigned",
      run: () => send(`${url}/${VICTIM}`, { method: "DELETE" }),
    },
    {
      label: "DELETE signed over another body",
      run: () => send(`${url}/${VICTIM}`, { method: "DELETE", headers: valid("x") }),
    },
    {
      label: "DELETE with a 6 minute old timestamp",
      run: () => send(`${url}/${VICTIM}`, { method: "DELETE", headers: valid("", { at: minutes(-6) }) }),
    },
    {
      label: "DELETE with the wrong key",
      run: () => send(`${url}/${VICTIM}`, { method: "DELETE", headers: signedHeaders(WRONG_SECRET, "") }),
    },
  ];
}

/** Requests fetch will not send: malformed header bytes, folded and duplicated headers, a huge header. */
function wireForgeries(): Attempt[] {
  const body = forgedBody();
  const h = signedHeaders(server.secrets.CMS_WEBHOOK_SECRET, body.replace('"forged"', '"other"'));
  const base = `POST /v1/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nwebhook-id: ${h["webhook-id"]}\r\nwebhook-timestamp: ${h["webhook-timestamp"]}`;
  const variants: [string, string][] = [
    ["NUL in signature", `${base}\r\nwebhook-signature: v1,AA\u0000AA`],
    ["obs-fold signature", `${base}\r\nwebhook-signature: v1,AAAA\r\n v1,BBBB`],
    ["duplicated signature headers", `${base}\r\nwebhook-signature: ${h["webhook-signature"]}\r\nwebhook-signature: v1,AAAA`],
    ["non-ASCII signature bytes", `${base}\r\nwebhook-signature: v1,\u00ff\u00fe`],
    ["64 KiB signature", `${base}\r\nwebhook-signature: v1,${"A".repeat(65_536)}`],
  ];
  return variants.map(([label, head]) => ({
    label: `wire: ${label}`,
    run: async () => {
      const started = performance.now();
      try {
        const res = await rawRequest(server.port, head, body);
        return { status: res.status, body: res.body.toString(), headers: null, ms: performance.now() - started };
      } catch (error) {
        return { status: 0, body: null, headers: null, ms: performance.now() - started, error: String(error) };
      }
    },
  }));
}

function randomKey(): string {
  const n = 8 + Math.floor(Math.random() * 56);
  return Math.random() < 0.5 ? randomBytes(n).toString("base64url") : `pk_${randomBytes(n).toString("hex")}`;
}

/**
 * Guesses at partner keys and admin calls without the right token; each must be a 401. A route that
 * does not exist answers 404, so it fails the check rather than being left out of it.
 */
function unauthorisedCalls(): { partner: Attempt[]; admin: Attempt[] } {
  const partner: Attempt[] = [];
  for (const format of FORMATS) {
    partner.push(
      {
        label: `partner ${format} bearer guess`,
        run: () => send(`${server.url}/partner/feeds/yaowen.${format}`, { headers: { Authorization: `Bearer ${randomKey()}` } }),
      },
      { label: `partner ${format} ?key guess`, run: () => send(`${server.url}/partner/feeds/all.${format}?key=${randomKey()}`) },
      { label: `partner ${format} no key`, run: () => send(`${server.url}/partner/feeds/all.${format}`) },
    );
  }
  partner.push({ label: "partner withdrawals guess", run: () => send(`${server.url}/partner/withdrawals?key=${randomKey()}`) });

  const token = server.secrets.ADMIN_TOKEN;
  const wrongAuth = [
    undefined,
    "Bearer wrong",
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    `bearer ${token.toUpperCase()}`,
    `Basic ${Buffer.from(`admin:${token}`).toString("base64")}`,
    token,
    "Bearer ",
  ];
  const adminRoutes: [string, string, string?][] = [
    ["GET", `/v1/articles/${VICTIM}`],
    [
      "PUT",
      "/v1/partners/acme",
      JSON.stringify({
        name: "Evil",
        sections: ["*"],
        license: { id: "x", url: "https://x.example/", attribution: "x", expires_at: "2099-01-01T00:00:00Z" },
      }),
    ],
    ["GET", "/v1/partners/acme"],
    ["POST", "/v1/partners/acme/keys", ""],
    ["GET", "/v1/partners/acme/usage"],
  ];
  const admin: Attempt[] = [];
  for (const [method, path, body] of adminRoutes) {
    for (const auth of wrongAuth) {
      admin.push({
        label: `admin ${method} ${path} with ${auth === undefined ? "no token" : JSON.stringify(auth.slice(0, 12))}`,
        run: () =>
          send(`${server.url}${path}`, {
            method,
            ...(body === undefined ? {} : { body }),
            headers: { ...(auth === undefined ? {} : { Authorization: auth }), ...(body ? { "Content-Type": "application/json" } : {}) },
          }),
      });
    }
  }
  return { partner, admin };
}

describe("forgery, replay and unauthorised calls", () => {
  beforeAll(async () => {
    expect((await signedPost(server, stressArticle(VICTIM, 1, "yaowen", 5))).status).toBe(200);
    expect((await signedPost(server, stressArticle(DECOY, 1, "yaowen", 4))).status).toBe(200);
  });

  it("refuses every forged delivery with 401 or 4xx and changes nothing", async () => {
    const attempts = [...forgeries(), ...wireForgeries()];
    const outcomes = await pool(attempts, 8, async (a) => ({ label: a.label, reply: await a.run() }));
    const accepted = outcomes.filter((o) => o.reply.status < 400 || o.reply.status >= 500);
    report.forgeries = attempts.length;
    report.forgeries_refused = outcomes.length - accepted.length;
    for (const o of outcomes.filter((o) => !o.label.startsWith("wire:"))) {
      expect([o.label, o.reply.status]).toEqual([o.label, 401]);
      expect(o.reply.headers?.get("Content-Type")).toMatch(/^application\/problem\+json/);
    }
    expect(accepted.map((o) => `${o.label}: ${o.reply.status} ${o.reply.error ?? ""}`)).toEqual([]);
    await victimUnchanged();
  });

  it("gives a replayed webhook-id its first answer and no second effect, even twenty at once", async () => {
    const id = "attack-replayed";
    const first = await signedPost(server, stressArticle(id, 1, "wenlv", 6), { id: "msg_attack_replay_1" });
    expect(first.status).toBe(200);
    // The same webhook-id with newer content, properly signed: a replay.
    const again = await signedPost(server, stressArticle(id, 2, "wenlv", 6), { id: "msg_attack_replay_1" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    // Twenty different bodies under one new webhook-id, all at once: exactly one takes effect.
    const storm = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signedPost(server, stressArticle(id, 3 + i, "wenlv", 6), { id: "msg_attack_replay_2" })),
    );
    expect(storm.map((r) => r.status)).toEqual(Array(20).fill(200));
    const answers = new Set(storm.map((r) => JSON.stringify(r.body)));
    expect(answers.size).toBe(1);
    const winner = storm[0]!.body.results[0].version as number;
    const held = await adminGet(server, `/v1/articles/${id}`);
    expect(held.body).toMatchObject({ version: winner, title: `${id} v${winner}` });

    // A later genuine update, then the old webhook-ids replayed again: still no effect.
    expect((await signedPost(server, stressArticle(id, 50, "wenlv", 6))).status).toBe(200);
    for (const webhookId of ["msg_attack_replay_1", "msg_attack_replay_2"]) {
      expect((await signedPost(server, stressArticle(id, 99, "wenlv", 6), { id: webhookId })).status).toBe(200);
    }
    expect((await adminGet(server, `/v1/articles/${id}`)).body).toMatchObject({ version: 50 });

    // A captured withdrawal (signed over the same empty body) replayed against another article.
    const captured = signedHeaders(server.secrets.CMS_WEBHOOK_SECRET, "", { id: "msg_attack_delete_decoy" });
    expect((await send(`${server.url}/v1/articles/${DECOY}`, { method: "DELETE", headers: captured })).status).toBe(200);
    const replayed = await send(`${server.url}/v1/articles/${VICTIM}`, { method: "DELETE", headers: captured });
    expect(replayed.status).toBeLessThan(500);
    expect((await adminGet(server, `/v1/articles/${DECOY}`)).body.status).toBe("withdrawn");
    await victimUnchanged();
    report.replays = 1 + 20 + 2 + 1;
  });

  it("refuses partner key guesses and admin calls without the token with 401", async () => {
    const { partner, admin } = unauthorisedCalls();
    const guesses = scaled(2000, 200);
    const partnerOutcomes = await pool(
      Array.from({ length: guesses }, (_, i) => partner[i % partner.length]!),
      20,
      (a) => a.run(),
    );
    const adminOutcomes = await pool(admin, 8, async (a) => ({ label: a.label, reply: await a.run() }));
    report.partner_key_guesses = partnerOutcomes.length;
    report.admin_calls_without_token = adminOutcomes.length;
    const leakedKeys = partnerOutcomes.filter((r) => r.status !== 401);
    expect(leakedKeys.map((r) => `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)).toEqual([]);
    for (const r of partnerOutcomes.slice(0, 50)) expect(r.headers?.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(adminOutcomes.filter((o) => o.reply.status !== 401).map((o) => `${o.label}: ${o.reply.status}`)).toEqual([]);
    report.leaked = leakedKeys.length + adminOutcomes.filter((o) => o.reply.status !== 401).length;
  });

  it("keeps ordinary traffic working (and measures its latency) while an attack runs", async () => {
    await expectFeedsServe(server);
    const { partner, admin } = await unauthorisedCalls();
    const attacks = [...forgeries(), ...partner, ...admin];
    // A genuine partner keeps pulling its feed while strangers guess keys: it must never be refused.
    let partnerKey: string | undefined;
    if (partner.length) {
      const headers = { Authorization: `Bearer ${server.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" };
      const put = await send(`${server.url}/v1/partners/genuine`, {
        method: "PUT",
        headers,
        body: JSON.stringify({
          name: "Genuine",
          sections: ["*"],
          rate_limit_per_minute: 100_000,
          license: {
            id: "genuine",
            url: "https://licences.example/genuine",
            attribution: "來源:國際在線",
            expires_at: "2099-01-01T00:00:00Z",
          },
        }),
      });
      expect(put.status).toBeLessThan(300);
      partnerKey = (await send(`${server.url}/v1/partners/genuine/keys`, { method: "POST", headers })).body.key;
    }
    let n = 0;
    const ordinary = async (phase: string, count: number) => {
      const latencies: number[] = [];
      const failures: string[] = [];
      await pool(
        Array.from({ length: count }, () => n++),
        4,
        async (i) => {
          const steps: [string, () => Promise<Reply>][] = [
            ["push", () => signedPost(server, stressArticle(`ordinary-${i}`, 1, "shijie", 100 + i))],
            ["admin read", () => adminGet(server, `/v1/articles/ordinary-${i}`)],
          ];
          steps.push(["feed", () => send(`${server.url}/feeds/shijie.${FORMATS[i % 3]}`)]);
          if (partnerKey) {
            const key = partnerKey;
            steps.push([
              "partner feed",
              () => send(`${server.url}/partner/feeds/all.${FORMATS[i % 3]}`, { headers: { Authorization: `Bearer ${key}` } }),
            ]);
          }
          for (const [what, step] of steps) {
            const reply = await step();
            latencies.push(reply.ms);
            if (reply.status !== 200) failures.push(`${phase} ${what} ${i}: ${reply.status} ${reply.error ?? ""}`);
          }
        },
      );
      return { latencies, failures };
    };
    const count = scaled(400, 60);
    const quiet = await ordinary("quiet", count);

    let attacking = true;
    const attackStatuses: number[] = [];
    const attackers = Array.from({ length: 12 }, async (_, w) => {
      for (let k = w; attacking; k += 12) {
        attackStatuses.push((await attacks[k % attacks.length]!.run()).status);
      }
    });
    const loaded = await ordinary("under attack", count);
    attacking = false;
    await Promise.all(attackers);

    const summary = (l: number[]) => ({ p50_ms: Math.round(percentile(l, 50)), p95_ms: Math.round(percentile(l, 95)), requests: l.length });
    report.latency_quiet = summary(quiet.latencies);
    report.latency_under_attack = summary(loaded.latencies);
    report.attack_requests = attackStatuses.length;
    report.attack_5xx = attackStatuses.filter((s) => s >= 500).length;
    report.ordinary_failures = quiet.failures.length + loaded.failures.length;
    console.log(
      `ordinary traffic latency: quiet p50 ${summary(quiet.latencies).p50_ms} ms / p95 ${summary(quiet.latencies).p95_ms} ms; ` +
        `under attack (${attackStatuses.length} attack requests) p50 ${summary(loaded.latencies).p50_ms} ms / p95 ${summary(loaded.latencies).p95_ms} ms`,
    );
    figures("attack", { ...report, "5xx": report.attack_5xx });
    expect([...quiet.failures, ...loaded.failures]).toEqual([]);
    expect(attackStatuses.filter((s) => s < 400 || s >= 500)).toEqual([]);
    await victimUnchanged();
  });
});

// Standard Webhooks' own signer, to make sure the helper signs exactly as the library verifies.
it("signs deliveries the way the standardwebhooks library verifies them", () => {
  const body = forgedBody();
  const headers = signedHeaders(server.secrets.CMS_WEBHOOK_SECRET, body);
  expect(() => new Webhook(server.secrets.CMS_WEBHOOK_SECRET).verify(body, headers)).not.toThrow();
});
