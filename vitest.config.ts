import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_VARS } from "./tests/helpers/secrets.ts";
import { standInNetwork } from "./tests/helpers/stand-in-network.ts";

export default defineConfig({
  test: {
    projects: [
      {
        // In workerd, with the real Worker, KV and Durable Objects (storage isolated per test file).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { ...TEST_VARS }, outboundService: standInNetwork },
          }),
        ],
        test: { name: "workers", include: ["tests/*.test.ts"] },
      },
      {
        // End to end: a real `wrangler dev`, real HTTP, independent parsers (feedparser, feedsmith, Chromium).
        test: {
          name: "e2e",
          include: ["tests/e2e/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
