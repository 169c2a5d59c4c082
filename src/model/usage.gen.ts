// Generated from schemas/usage.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * GET /v1/partners/{id}/usage: the partner's pulls counted by UTC day, then feed (`yaowen.atom`, `all.json`, `withdrawals`), then response status (`200`, `304`) (docs/partners.md). The TypeScript type src/model/usage.gen.ts is generated from this file.
 */
export interface PartnerUsage {
  /**
   * The partner's id.
   */
  partner: string;
  days: {
    [k: string]: {
      [k: string]: {
        [k: string]: number;
      };
    };
  };
}
