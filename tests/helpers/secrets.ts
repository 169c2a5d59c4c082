// Secrets the tests run with (never the developer's .dev.vars).
export const TEST_SECRETS = {
  CMS_WEBHOOK_SECRET: "whsec_dGVzdC1zZWNyZXQtZm9yLWNtcy13ZWJob29rcy0xMjM0NTY=",
  ADMIN_TOKEN: "test-admin-token",
} as const;

/**
 * What the Worker runs with under test: the secrets, every answer held to /openapi.json (an undocumented one is
 * a 500), and no isolate memo of feed reads, since tests publish and read back within milliseconds
 * (tests/isolate-memo.test.ts and tests/e2e/memo-concurrency.test.ts turn it on to test it).
 */
export const TEST_VARS = { ...TEST_SECRETS, STRICT_API_DOCS: "true", FEED_MEMO_MS: "0" } as const;
