// Generated from schemas/partner-key.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * POST /v1/partners/{id}/keys: the partner's new key, shown this once (we keep only its SHA-256 digest); earlier keys stop working (docs/partners.md). The TypeScript type src/model/partner-key.gen.ts is generated from this file.
 */
export interface PartnerKey {
  /**
   * Send it as `Authorization: Bearer <key>` (or `?key=<key>`).
   */
  key: string;
}
