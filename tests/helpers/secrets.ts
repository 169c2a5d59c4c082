// Secrets the tests run with (never the developer's .dev.vars).
export const TEST_SECRETS = {
  CMS_WEBHOOK_SECRET: "whsec_dGVzdC1zZWNyZXQtZm9yLWNtcy13ZWJob29rcy0xMjM0NTY=",
  ADMIN_TOKEN: "test-admin-token",
} as const;
