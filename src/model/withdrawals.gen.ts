// Generated from schemas/withdrawals.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * GET /partner/withdrawals: the items the partner's licence covered that were withdrawn since a time, oldest first (docs/partners.md). The TypeScript type src/model/withdrawals.gen.ts is generated from this file.
 */
export interface Withdrawals {
  withdrawals: WithdrawnItem[];
}
/**
 * This interface was referenced by `Withdrawals`'s JSON-Schema
 * via the `definition` "withdrawal".
 */
export interface WithdrawnItem {
  /**
   * The article's id.
   */
  id: string;
  /**
   * The withdrawn item's id in every feed format (Atom `id`, RSS `guid`, JSON Feed `id`).
   */
  ref: string;
  /**
   * The article's page.
   */
  url: string;
  withdrawn_at: string;
}
