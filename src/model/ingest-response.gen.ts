// Generated from schemas/ingest-response.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * `created`, `updated` (a newer version), `unchanged` (the same version again), `stale` (older than the one held), `withdrawn`.
 */
export type Outcome = "created" | "updated" | "unchanged" | "stale" | "withdrawn";

/**
 * What POST /v1/articles and DELETE /v1/articles/{id} answer: what happened to each article, and what was changed on the way in (docs/ingest.md). A replayed `webhook-id` answers the first delivery's response. The TypeScript type src/model/ingest-response.gen.ts is generated from this file.
 */
export interface IngestResponse {
  /**
   * One per article of the delivery, in its order.
   */
  results: IngestResult[];
  /**
   * Changes made to the articles as they were stored (e.g. characters XML forbids, removed).
   */
  warnings: IngestWarning[];
}
/**
 * This interface was referenced by `IngestResponse`'s JSON-Schema
 * via the `definition` "result".
 */
export interface IngestResult {
  id: string;
  /**
   * The version we now hold.
   */
  version: number;
  outcome: Outcome;
}
/**
 * This interface was referenced by `IngestResponse`'s JSON-Schema
 * via the `definition` "warning".
 */
export interface IngestWarning {
  /**
   * RFC 6901 JSON pointer to the field that was changed.
   */
  pointer: string;
  detail: string;
}
