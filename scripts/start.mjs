// `npm start`: one command from a fresh clone to a running service with sample data.
// Creates .dev.vars with fresh secrets on first run, starts `wrangler dev` on persisted local
// state (.wrangler/state), and loads the seed article plus generated articles through the real
// signed webhook, as the CMS would.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { pushArticles, readDevVars } from "./lib/cms-client.mjs";
import { sampleArticles, seedArticle } from "./lib/sample-articles.mjs";

const PORT = Number(process.env.PORT ?? 8787);
const BASE = `http://127.0.0.1:${PORT}`;

if (!existsSync(".dev.vars")) {
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const admin = randomBytes(24).toString("base64url");
  writeFileSync(".dev.vars", `CMS_WEBHOOK_SECRET=${secret}\nADMIN_TOKEN=${admin}\n`, { mode: 0o600 });
  console.log("Created .dev.vars with a fresh CMS_WEBHOOK_SECRET and ADMIN_TOKEN (local secrets; never commit it).");
}
const secrets = readDevVars();

const wrangler = spawn(
  process.execPath,
  ["node_modules/wrangler/bin/wrangler.js", "dev", "--ip", "127.0.0.1", "--port", String(PORT), "--persist-to", ".wrangler/state"],
  { stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" } },
);
const stop = () => wrangler.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => process.exit(code ?? 0));

async function waitForHealth() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev did not come up on ${BASE}`);
}

await waitForHealth();
const articles = [seedArticle(), ...sampleArticles(48)];
const { status, body } = await pushArticles(BASE, secrets.CMS_WEBHOOK_SECRET, articles);
if (status !== 200) {
  console.error(`Loading sample data failed (${status}):`, JSON.stringify(body, null, 2));
} else {
  const counts = Object.groupBy(body.results, (r) => r.outcome);
  for (const k of Object.keys(counts)) counts[k] = counts[k].length;
  console.log(`\nSample data: ${articles.length} articles pushed through the signed webhook (${JSON.stringify(counts)}).`);
}
console.log(`
  Service:   ${BASE}/
  A feed:    ${BASE}/feeds/yaowen.rss
  Secrets:   .dev.vars (CMS_WEBHOOK_SECRET for npm run push, ADMIN_TOKEN for /v1 admin routes)
  Stop:      Ctrl+C
`);
