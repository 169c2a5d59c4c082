// `npm run push` as a CMS developer uses it: a real process against a real `wrangler dev`.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedArticle } from "../../scripts/lib/sample-articles.mjs";
import { type DevServer, startDevServer } from "./helpers/dev-server";

const run = promisify(execFile);
let server: DevServer;
let dir: string;
const seed = seedArticle();

async function push(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["scripts/push.mjs", ...args], {
      env: { ...process.env, CMS_WEBHOOK_SECRET: "", FEEDS_URL: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

beforeAll(async () => {
  server = await startDevServer();
  dir = mkdtempSync(join(tmpdir(), "push-cli-"));
});
afterAll(() => server?.stop());

describe("npm run push", () => {
  const target = () => ["--url", server.url, "--secret", server.secrets.CMS_WEBHOOK_SECRET];

  it("signs and posts the seed article in one line and says it was created, then unchanged", async () => {
    const path = file("seed.json", seed);
    const first = await push(path, ...target());
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`POST ${path}: 200 OK`);
    expect(first.stdout).toMatch(new RegExp(`✓ created\\s+${seed.id} \\(version 1\\)`));
    const again = await push(path, ...target());
    expect(again.stdout).toMatch(new RegExp(`✓ unchanged\\s+${seed.id}`));
  });

  it("prints each invalid field of a refused article as pointer → detail and exits non-zero", async () => {
    const bad = file("bad.json", [
      { ...seed, id: "bad-1", title: "" },
      { ...seed, id: "bad-2", section: "nowhere" },
    ]);
    const res = await push(bad, ...target());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("422 Unprocessable Content");
    expect(res.stderr).toMatch(/✗ \/0\/title → .+/);
    expect(res.stderr).toMatch(/✗ \/1\/section → .+/);
  });

  it("explains malformed JSON and a wrong secret", async () => {
    const malformed = await push(file("broken.json", '{"id": "x",'), ...target());
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain("400 Bad Request");
    const wrongSecret = await push(
      file("seed2.json", seed),
      "--url",
      server.url,
      "--secret",
      "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC0xMjM0NTY=",
    );
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr).toContain("401 Unauthorized");
  });

  it("withdraws with --delete, and says 404 for an id never stored", async () => {
    const withdrawn = await push("--delete", seed.id, ...target());
    expect(withdrawn.code).toBe(0);
    expect(withdrawn.stdout).toMatch(new RegExp(`✓ withdrawn\\s+${seed.id}`));
    const unknown = await push("--delete", "never-stored", ...target());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("DELETE never-stored: 404 Not Found");
  });

  it("says how to fix it when the service is not running or nothing is given", async () => {
    const down = await push(file("seed3.json", seed), "--url", "http://127.0.0.1:9", "--secret", server.secrets.CMS_WEBHOOK_SECRET);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("could not reach http://127.0.0.1:9");
    const nothing = await push();
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("Usage: npm run push");
  });
});
