// Partner items, rendered once per article version at write time like the public fragments: the
// variant the article's rights allow (full, or headline: title, link and summary, no body and no
// pictures), with the partner's licence URL and credit line left as holes (./licence-slots.ts)
// that each pull fills in. Articles partners may not have (`rights.syndication: none`) get none.
import type { StoredArticle } from "../model/article";
import { type LicenceSlots, renderWithSlots } from "./licence-slots";
import type { FeedFormat } from "./model";
import { renderItem } from "./render";

export function partnerFragments(article: StoredArticle, base: string): Record<FeedFormat, string> | null {
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
