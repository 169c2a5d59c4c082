// IPTC ninjs (News in JSON) 2.2 and 3.1 documents of an article version, for the partner change feed.
// Rendered once per article version at write time with holes for the partner's licence (see
// ../licence-slots.ts); `canceledItem` is the small document of a withdrawal. Pure: data in, text out.
// Field names follow IPTC's schemas (schemas/vendor/ninjs/): 3.1 is camelCase, 2.2 the same names in
// lower case, except 2.2's `embargoed` for 3.1's `embargoedUntil`.
import { PUBLICATION } from "../../config/publication";
import type { StoredArticle } from "../../model/article";
import { renderWithSlots } from "../licence-slots";
import { itemId, leadImage, reprintSource, topicLabel } from "./shared";

export type NinjsVersion = "2.2" | "3.1";
export const NINJS_VERSIONS: readonly NinjsVersion[] = ["2.2", "3.1"];

const SCHEMA_URI: Record<NinjsVersion, string> = {
  "2.2": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#",
  "3.1": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#",
};

type Json = string | number | boolean | Json[] | { [key: string]: Json };

/** A document in 3.1 names; `inVersion` gives it 2.2's. */
function inVersion(doc: { [key: string]: Json }, version: NinjsVersion): { [key: string]: Json } {
  return version === "3.1" ? doc : (lowerKeys(doc) as { [key: string]: Json });
}

function lowerKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key === "embargoedUntil" ? "embargoed" : key.toLowerCase(), lowerKeys(v)]),
  );
}

/**
 * The ninjs document of one article version as partners receive it, with the licence left as holes.
 * `headline` (rights.syndication) is title, link and summary: no body and no pictures, as in the feeds.
 */
export function ninjsTemplate(article: StoredArticle, version: NinjsVersion): string {
  const full = article.rights.syndication === "full";
  const source = reprintSource(article);
  const image = full ? leadImage(article) : undefined;
  return renderWithSlots("json", (slots) => {
    const doc: { [key: string]: Json } = {
      uri: itemId(article.id),
      standard: { name: "ninjs", version, schema: SCHEMA_URI[version] },
      type: "text",
      representationType: full ? "full" : "partial",
      version: String(article.version),
      firstCreated: article.published_at,
      versionCreated: article.updated_at,
      ...(article.embargo_until ? { embargoedUntil: article.embargo_until } : {}),
      pubStatus: "usable",
      language: article.language,
      headlines: [
        { role: "main", value: article.title },
        ...(article.original_title ? [{ role: "subtitle", value: article.original_title }] : []),
      ],
      ...(article.summary ? { descriptions: [{ role: "summary", contentType: "text/plain", value: article.summary }] } : {}),
      ...(full
        ? { bodies: [{ role: "main", contentType: "text/html", charCount: article.body_html.length, value: article.body_html }] }
        : {}),
      ...(article.authors.length ? { by: article.authors.map((a) => a.name).join("、") } : {}),
      ...(article.authors.length || article.editors.length
        ? {
            people: [
              ...article.authors.map((a) => ({ name: a.name, rel: a.role ?? "author" })),
              ...article.editors.map((e) => ({ name: e.name, rel: e.role ?? "editor" })),
            ],
          }
        : {}),
      ...(article.topics.length ? { subjects: article.topics.map((t) => ({ name: topicLabel(t), literal: t, rel: "about" })) } : {}),
      ...(article.regions.length ? { places: article.regions.map((r) => ({ name: r, literal: r, rel: "about" })) } : {}),
      ...(source ? { infoSources: [{ name: source.name, role: "originalsource", ...(source.hasUrl ? { uri: source.url } : {}) }] } : {}),
      copyrightHolder: source ? source.name : PUBLICATION.title,
      copyrightNotice: `${article.rights.copyright} ${slots.attribution}`,
      usageTerms: slots.usageTerms,
      rightsInfo: { linkedRights: slots.licenceUrl },
      renditions: [{ name: "web", href: article.url, contentType: "text/html" }],
      ...(image
        ? {
            associations: [
              {
                name: "leadimage",
                uri: image.url,
                type: "picture",
                ...(image.caption ? { headlines: [{ value: image.caption }] } : {}),
                renditions: [
                  {
                    name: "original",
                    href: image.url,
                    ...(image.type ? { contentType: image.type } : {}),
                    ...(image.width ? { width: image.width } : {}),
                    ...(image.height ? { height: image.height } : {}),
                  },
                ],
              },
            ],
          }
        : {}),
    };
    return JSON.stringify(inVersion(doc, version));
  });
}

/** A withdrawal as partners receive it: the item, canceled (ninjs `pubstatus`). */
export function canceledItem(id: string, version: number, at: string, ninjs: NinjsVersion): string {
  return JSON.stringify(
    inVersion(
      {
        uri: itemId(id),
        standard: { name: "ninjs", version: ninjs, schema: SCHEMA_URI[ninjs] },
        type: "text",
        version: String(version),
        versionCreated: at,
        pubStatus: "canceled",
      },
      ninjs,
    ),
  );
}
