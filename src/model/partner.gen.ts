// Generated from schemas/partner.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * The licence's slug (not `public-reading`, the public licence).
 */
export type Slug = string;
/**
 * This interface was referenced by `Partner`'s JSON-Schema
 * via the `definition` "slug".
 */
export type Slug1 = string;

/**
 * A licensed aggregator partner as an admin puts it: PUT /v1/partners/{id} (docs/partners.md). The TypeScript type src/model/partner.gen.ts is generated from this file.
 */
export interface Partner {
  /**
   * Who the partner is, for people (admin pages, the licence page).
   */
  name: string;
  /**
   * Licensed sections: ["*"] for every section, else configured section slugs.
   *
   * @minItems 1
   * @maxItems 64
   */
  sections: string[];
  /**
   * When given, an article is covered only if one of its regions lies at or under one of these (an article with no regions is not covered).
   *
   * @minItems 1
   * @maxItems 100
   */
  regions?: string[];
  /**
   * When given, an article is covered only if it has one of these topics.
   *
   * @minItems 1
   * @maxItems 100
   */
  topics?: string[];
  license: PartnerLicense;
  /**
   * Pulls allowed per minute (feeds and withdrawals together); beyond it, 429 with Retry-After.
   */
  rate_limit_per_minute?: number;
}
/**
 * The licence the partner's feeds are served under; shown at /licenses/{id}.
 *
 * This interface was referenced by `Partner`'s JSON-Schema
 * via the `definition` "license".
 */
export interface PartnerLicense {
  id: Slug;
  /**
   * Absolute http(s) URL of the licence, ASCII only (it is printed in Link and Syndication-License headers).
   */
  url: string;
  /**
   * The credit line licensees must carry, e.g. 來源:國際在線. Control characters (CR, LF…) are removed.
   */
  attribution: string;
  /**
   * RFC 3339 with an offset; from this time on the licence has ended (a past time ends it now).
   */
  expires_at: string;
  /**
   * A title for the licence page.
   */
  title?: string;
  /**
   * Plain-text paragraphs of the licence, shown on /licenses/{id}.
   *
   * @maxItems 50
   */
  text?: string[];
}
/**
 * The partner as GET /v1/partners/{id} returns it: what was put, defaults filled in, and when its current key was issued. Never a key or its hash.
 *
 * This interface was referenced by `Partner`'s JSON-Schema
 * via the `definition` "record".
 */
export interface PartnerRecord {
  id: Slug1;
  /**
   * Who the partner is, for people (admin pages, the licence page).
   */
  name: string;
  /**
   * Licensed sections: ["*"] for every section, else configured section slugs.
   *
   * @minItems 1
   * @maxItems 64
   */
  sections: string[];
  /**
   * When given, an article is covered only if one of its regions lies at or under one of these (an article with no regions is not covered).
   *
   * @minItems 1
   * @maxItems 100
   */
  regions?: string[];
  /**
   * When given, an article is covered only if it has one of these topics.
   *
   * @minItems 1
   * @maxItems 100
   */
  topics?: string[];
  license: PartnerLicense;
  rate_limit_per_minute: number;
  created_at: string;
  updated_at: string;
  /**
   * When the current key was issued; null before the first.
   */
  key_issued_at: string | null;
}
