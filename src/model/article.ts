// The one model of an article shared by ingest, the Newsroom and every renderer.
// `ArticleInput` is what the CMS pushes (generated from schemas/article.schema.json);
// `StoredArticle` is the same fields after normalisation, with every default filled in.
import { PUBLICATION } from "../config/publication";
import type { Article as ArticleInput, Image, Person, Source } from "./article.gen";
import type { IngestResponse, IngestResult, IngestWarning, Outcome } from "./ingest-response.gen";

export type { ArticleInput, Image, IngestResponse, IngestResult, IngestWarning, Outcome, Person, Source };

export type Syndication = "full" | "headline" | "none";
export type ArticleStatus = "published" | "withdrawn";

export interface StoredArticle extends ArticleInput {
  status: ArticleStatus;
  language: string;
  updated_at: string;
  authors: Person[];
  editors: Person[];
  regions: string[];
  topics: string[];
  images: Image[];
  rights: { syndication: Syndication; attribution: string; copyright: string };
}

/** Fills the defaults docs/ingest.md names; input must already be schema-valid. */
export function withDefaults(input: ArticleInput): StoredArticle {
  const own = input.source.own;
  return {
    ...input,
    status: input.status ?? "published",
    language: input.language ?? PUBLICATION.language,
    updated_at: input.updated_at ?? input.published_at,
    authors: input.authors ?? [],
    editors: input.editors ?? [],
    regions: [...new Set(input.regions ?? [])],
    topics: [...new Set(input.topics ?? [])],
    images: input.images ?? [],
    rights: {
      ...input.rights,
      // Reprints are not the portal's to license unless the CMS says the original publisher cleared them.
      syndication: input.rights?.syndication ?? (own ? "full" : "none"),
      attribution: input.rights?.attribution ?? (own ? PUBLICATION.attribution : `來源:${input.source.name}`),
      copyright: input.rights?.copyright ?? (own ? PUBLICATION.copyright : `版權歸原作者及${input.source.name}所有`),
    },
  };
}

/** Milliseconds since the epoch of an RFC 3339 timestamp (validated upstream). */
export function epochMs(timestamp: string): number {
  return Date.parse(timestamp);
}

/** Has an embargo (ms; none is null or undefined) passed at `now`? The one embargo comparison. */
export function embargoLifted(embargoMs: number | null | undefined, now: number): boolean {
  return embargoMs === null || embargoMs === undefined || embargoMs <= now;
}

/** The one visibility rule: readers and partners see an article when it is published and past any embargo. */
export function isVisible(article: Pick<StoredArticle, "status" | "embargo_until">, now: number): boolean {
  return (
    article.status === "published" && embargoLifted(article.embargo_until === undefined ? undefined : epochMs(article.embargo_until), now)
  );
}
