// `npm run test:stress`: the stress and attack suite of issue 7 at full scale (STRESS_SCALE=1).
// The same tests run inside `npm test` at STRESS_SCALE=0.1 (the default), so CI keeps them honest.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_VARS } from "./tests/helpers/secrets";

const STRESS_SCALE = process.env.STRESS_SCALE ?? "1";

export default defineConfig({
  test: {
    reporters: ["default", "./scripts/stress-reporter.mjs"],
    projects: [
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" }, miniflare: { bindings: { ...TEST_VARS, STRESS_SCALE } } })],
        test: { name: "stress-workers", include: ["tests/stress-*.test.ts"], testTimeout: 300_000, hookTimeout: 120_000 },
      },
      {
        test: {
          name: "stress-e2e",
          include: ["tests/e2e/stress-*.test.ts"],
          environment: "node",
          env: { STRESS_SCALE },
          testTimeout: 400_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
