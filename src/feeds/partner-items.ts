// Partner items, rendered once per article version at write time like the public ones: the variant the
// article's rights allow (full, or headline: title, link and summary, no body and no pictures), with the
// partner's licence URL and credit line left as holes (./licence-slots.ts) that each pull fills in.
// They live under item keys of their own renderer segment; an article partners may not have gets none.
import type { StoredArticle } from "../model/article";
import { itemKey } from "../storage/kv-keys";
import type { KvWrite } from "../storage/kv-publisher";
import { type LicenceSlots, renderWithSlots } from "./licence-slots";
import { FEED_FORMATS, type FeedFormat } from "./model";
import { renderItem } from "./render";

export type PartnerFragments = Record<FeedFormat, string>;

/** The renderer segment of partner items' keys: the public items' tag (renderer and base), marked partner. */
export const partnerItemsTag = (publicTag: string) => `partner-${publicTag}`;

/** The article version's partner item in every format, licence left as holes; null for `rights.syndication: none`. */
export function partnerFragments(article: StoredArticle, base: string): PartnerFragments | null {
  const variant = article.rights.syndication;
  if (variant === "none") return null;
  const shown = variant === "headline" ? { ...article, images: [] } : article;
  const render = (format: FeedFormat) => (slots: LicenceSlots) =>
    renderItem(format, shown, {
      variant,
      rights: { licenceUrl: slots.licenceUrl, syndication: variant, attribution: slots.attribution, copyright: article.rights.copyright },
      baseUrl: base,
    });
  return {
    rss: renderWithSlots("xml", render("rss")),
    atom: renderWithSlots("xml", render("atom")),
    json: renderWithSlots("json", render("json")),
  };
}

/** An article version's partner items, one KV key per format (Traditional only); null deletes them. */
export function partnerItemWrites(publicTag: string, id: string, version: number, fragments: PartnerFragments | null): KvWrite[] {
  return FEED_FORMATS.map((format) => ({
    key: itemKey(partnerItemsTag(publicTag), id, version, format),
    value: fragments?.[format] ?? null,
  }));
}
