// Starts a real `wrangler dev` (workerd, local KV and Durable Objects) for end-to-end tests,
// on a free port, with its own state directory and the test secrets, and stops it by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_SECRETS, TEST_VARS } from "../../helpers/secrets";

export interface DevServer {
  url: string;
  port: number;
  stateDir: string;
  secrets: typeof TEST_SECRETS;
  process: ChildProcess;
  /** Lines wrangler printed, for assertions about logs (e.g. that a key never appears). */
  output: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts wrangler dev; pass `stateDir` to restart on the state of an earlier (killed) server. */
export async function startDevServer(options: { stateDir?: string; vars?: Record<string, string> } = {}): Promise<DevServer> {
  const port = await freePort();
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "feeds-e2e-"));
  const envFile = join(stateDir, "test.env");
  writeFileSync(
    envFile,
    Object.entries({ ...TEST_VARS, ...options.vars })
      .map(([k, v]) => `${k}=${v}`)
      .join("\n"),
  );
  const child = spawn(
    process.execPath,
    [
      "node_modules/wrangler/bin/wrangler.js",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(await freePort()),
      "--persist-to",
      stateDir,
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
    ],
    {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output.join("\n")}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${output.join("\n")}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    stateDir,
    secrets: TEST_SECRETS,
    process: child,
    output,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}
