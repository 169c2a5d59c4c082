// Generated from schemas/changes.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * Opaque, for this partner only; valid while the change it follows is kept (at least 30 days).
 *
 * This interface was referenced by `Changes`'s JSON-Schema
 * via the `definition` "cursor".
 */
export type Cursor = string;

/**
 * GET /partner/changes: the partner's changes after a cursor, in the order they happened, each once (docs/partners.md). The TypeScript type src/model/changes.gen.ts is generated from this file.
 */
export interface Changes {
  /**
   * @maxItems 100
   */
  changes: Change[];
  /**
   * Resumes right after the last change of this answer (or, when there is none, where this answer looked up to): store it once the changes are processed, and send it as `cursor` next time.
   */
  next_cursor: string;
}
/**
 * This interface was referenced by `Changes`'s JSON-Schema
 * via the `definition` "change".
 */
export interface Change {
  /**
   * Resumes right after this change.
   */
  cursor: string;
  /**
   * `published`: the article becomes visible to this partner (first push, or its embargo lifting); `updated`: a new version of a visible article; `withdrawn`: it stops being visible (withdrawn, or no longer covered by the licence).
   */
  type: "published" | "updated" | "withdrawn";
  /**
   * The article's id.
   */
  id: string;
  version: number;
  /**
   * When the change happened.
   */
  at: string;
  /**
   * The article as an IPTC ninjs document of the version asked for (2.2 by default, or 3.1): `uri` is the feed item id; `pubstatus` `canceled` for a withdrawal. Valid against IPTC's schema (http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json, …_3.1.json).
   */
  item: {
    uri: string;
  };
}
