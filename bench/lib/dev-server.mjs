// Starts `wrangler dev` (workerd) for the benchmark: a free port, its own state directory and
// env file, stopped by PID. Used for the Worker under test and for the baseline Worker.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * `config`: a wrangler config object, written as wrangler.json into the state directory (so
 * wrangler's .wrangler/ scratch files land there too); default: the project's wrangler.toml. `vars`: written to an
 * env file passed with --env-file (or a function of the port giving them). `ready`: a path that
 * answers 200 once the Worker is up.
 */
export async function startWrangler({ config, vars = {}, ready = "/healthz", label = "worker", stateDir: given } = {}) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const stateDir = given ?? mkdtempSync(join(tmpdir(), `bench-${label}-`));
  const envFile = join(stateDir, "bench.env");
  const configFile = config ? join(stateDir, "wrangler.json") : null;
  if (configFile) writeFileSync(configFile, JSON.stringify(config, null, 2));
  writeFileSync(
    envFile,
    Object.entries(typeof vars === "function" ? vars(port) : vars)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n"),
    { mode: 0o600 },
  );
  const args = [
    "node_modules/wrangler/bin/wrangler.js",
    "dev",
    ...(configFile ? ["--config", configFile] : []),
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    stateDir,
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      // wrangler dev's local trace store (its Observability tab) records a span for every request, SQL statement
      // and KV operation, into a SQLite table in the same workerd process as the Worker: 3.8 million spans (2.2 GB)
      // after loading 100,000 articles. Production has no such recorder beside the Worker, so the bench measures
      // without it (docs/benchmark.md, "Where the push tail went").
      X_LOCAL_OBSERVABILITY: "false",
      NO_COLOR: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() ends workerd too
  });
  const output = [];
  const collect = (chunk) => {
    output.push(...chunk.toString().split("\n").filter(Boolean));
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev (${label}) exited early:\n${output.join("\n")}`);
    try {
      if ((await fetch(`${url}${ready}`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`wrangler dev (${label}) did not start:\n${output.join("\n")}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    inspectorPort,
    stateDir,
    output,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          child.kill("SIGTERM");
        }
        setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {}
        }, 5000).unref();
      }),
  };
}
