// Secrets the tests run with (never the developer's .dev.vars).
export const TEST_SECRETS = {
  CMS_WEBHOOK_SECRET: "whsec_dGVzdC1zZWNyZXQtZm9yLWNtcy13ZWJob29rcy0xMjM0NTY=",
  ADMIN_TOKEN: "test-admin-token",
} as const;

/** What the Worker runs with under test: the secrets, and every answer held to /openapi.json (an undocumented one is a 500). */
export const TEST_VARS = { ...TEST_SECRETS, STRICT_API_DOCS: "true" } as const;
