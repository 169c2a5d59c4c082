// `npm start`: one command from a fresh clone to a running service with sample data.
// Creates .dev.vars with fresh secrets on first run, starts `wrangler dev` on persisted local
// state (.wrangler/state), and loads the seed article plus generated articles through the real
// signed webhook, as the CMS would. If anything fails after the server started, the server is
// stopped before we exit, so a second `npm start` never finds the port taken by a leftover.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { pushArticles, readDevVars } from "./lib/cms-client.mjs";
import { sampleArticles, seedArticle } from "./lib/sample-articles.mjs";

const PORT = Number(process.env.PORT ?? 8787);
const BASE = `http://127.0.0.1:${PORT}`;
/** wrangler dev builds and starts workerd in a few seconds; a cold first run may take longer. */
const STARTUP_TIMEOUT_MS = 120_000;

/** Resolves when nothing listens on the port; an occupied port is the commonest failure, so say it plainly. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

if (!(await portIsFree(PORT))) {
  console.error(
    `Port ${PORT} is already in use — probably an earlier npm start or wrangler dev is still running.\n` +
      `Stop it (Ctrl+C in its terminal, or: kill $(lsof -t -i :${PORT})), or start on another port: PORT=8788 npm start`,
  );
  process.exit(1);
}

if (!existsSync(".dev.vars")) {
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const admin = randomBytes(24).toString("base64url");
  writeFileSync(".dev.vars", `CMS_WEBHOOK_SECRET=${secret}\nADMIN_TOKEN=${admin}\n`, { mode: 0o600 });
  console.log("Created .dev.vars with a fresh CMS_WEBHOOK_SECRET and ADMIN_TOKEN (local secrets; never commit it).");
}
const secrets = readDevVars();

// wrangler and its workerd run in their own process group, so stopping them stops all of them.
const wrangler = spawn(
  process.execPath,
  [
    "node_modules/wrangler/bin/wrangler.js",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(PORT),
    "--persist-to",
    ".wrangler/state",
    // Local readers run their WebSub callbacks on this machine; production keeps refusing private addresses.
    "--var",
    "WEBSUB_ALLOW_PRIVATE_CALLBACKS:true",
    "--show-interactive-dev-session=false",
  ],
  {
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  },
);
const exited = new Promise((resolve) => wrangler.once("exit", (code, signal) => resolve({ code, signal })));

async function stopServer() {
  if (wrangler.exitCode !== null || wrangler.signalCode !== null) return;
  try {
    process.kill(-wrangler.pid, "SIGTERM");
  } catch {}
  const timeout = new Promise((resolve) => setTimeout(resolve, 5000, "timeout"));
  if ((await Promise.race([exited, timeout])) === "timeout") {
    try {
      process.kill(-wrangler.pid, "SIGKILL");
    } catch {}
  }
}

async function fail(reason) {
  console.error(`\nnpm start failed: ${reason}`);
  await stopServer();
  console.error("The server it started has been stopped.");
  process.exit(1);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, async () => {
    await stopServer();
    process.exit(0);
  });
}
process.on("uncaughtException", (error) => fail(error.stack ?? String(error)));
process.on("unhandledRejection", (error) => fail(error?.stack ?? String(error)));

async function waitForHealth() {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (wrangler.exitCode !== null) throw new Error(`wrangler dev exited (code ${wrangler.exitCode}) before it served ${BASE}`);
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev did not answer ${BASE}/healthz within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

try {
  await waitForHealth();
  const articles = [seedArticle(), ...sampleArticles(48)];
  const { status, body } = await pushArticles(BASE, secrets.CMS_WEBHOOK_SECRET, articles);
  if (status !== 200) throw new Error(`loading sample data was refused (${status}): ${JSON.stringify(body, null, 2)}`);
  const counts = Object.groupBy(body.results, (r) => r.outcome);
  for (const k of Object.keys(counts)) counts[k] = counts[k].length;
  console.log(`\nSample data: ${articles.length} articles pushed through the signed webhook (${JSON.stringify(counts)}).`);
} catch (error) {
  await fail(error instanceof Error ? error.message : String(error));
}

console.log(`
  Service:   ${BASE}/
  A feed:    ${BASE}/feeds/yaowen.rss
  Secrets:   .dev.vars (CMS_WEBHOOK_SECRET for npm run push, ADMIN_TOKEN for /v1 admin routes)
  Stop:      Ctrl+C
`);

// If wrangler stops by itself, so do we, with its status.
const { code, signal } = await exited;
process.exit(code ?? (signal ? 1 : 0));
