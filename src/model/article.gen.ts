// Generated from schemas/article.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run types`.

/**
 * The canonical page.
 */
export type HttpUrl = string;
/**
 * RFC 3339 with an offset.
 *
 * This interface was referenced by `Article`'s JSON-Schema
 * via the `definition` "timestamp".
 */
export type Timestamp = string;
/**
 * This interface was referenced by `Article`'s JSON-Schema
 * via the `definition` "httpUrl".
 */
export type HttpUrl1 = string;

/**
 * One article as the newsroom CMS pushes it (docs/ingest.md). The TypeScript type src/model/article.gen.ts is generated from this file.
 */
export interface Article {
  /**
   * Stable across versions.
   */
  id: string;
  /**
   * Higher wins; equal is unchanged; lower is stale and ignored.
   */
  version: number;
  status?: "published" | "withdrawn";
  /**
   * A configured section slug.
   */
  section: string;
  title: string;
  /**
   * 原標題
   */
  original_title?: string;
  /**
   * Plain text.
   */
  summary?: string;
  /**
   * At most 512 KiB of UTF-8; sanitised before it is served.
   */
  body_html: string;
  url: HttpUrl;
  /**
   * BCP 47; the publication's (zh-Hant) when absent.
   */
  language?: string;
  published_at: Timestamp;
  updated_at?: Timestamp;
  embargo_until?: Timestamp;
  source: Source;
  /**
   * @maxItems 50
   */
  authors?: Person[];
  /**
   * @maxItems 50
   */
  editors?: Person[];
  /**
   * @maxItems 20
   */
  regions?: string[];
  /**
   * @maxItems 20
   */
  topics?: string[];
  /**
   * The first is the lead image.
   *
   * @maxItems 50
   */
  images?: Image[];
  rights?: Rights;
}
export interface Source {
  name: string;
  url?: HttpUrl1;
  /**
   * false: reprinted from other media.
   */
  own: boolean;
}
/**
 * This interface was referenced by `Article`'s JSON-Schema
 * via the `definition` "person".
 */
export interface Person {
  name: string;
  role?: "reporter" | "correspondent" | "photographer" | "editor" | "chief_editor";
}
export interface Image {
  url: HttpUrl1;
  caption?: string;
  width?: number;
  height?: number;
  type?: string;
}
export interface Rights {
  /**
   * Default full when source.own, else none.
   */
  syndication?: "full" | "headline" | "none";
  attribution?: string;
  copyright?: string;
}
