// An article's Simplified twin: the same article with every text a reader sees converted (title,
// original title, summary, body text, image captions, names, the source's name, rights text) and
// everything else as it was: ids, URLs, dates, slugs, markup. The Newsroom makes it once per version.
import type { StoredArticle } from "../../model/article";
import { toSimplified } from "./convert";
import { htmlToSimplified } from "./html";

/** The script tag of the twins, for `language` and hreflang. */
export const SIMPLIFIED = "zh-Hans";

/** Chinese in any Traditional form becomes zh-Hans; another language (an English article) keeps its tag. */
function twinLanguage(language: string): string {
  return /^zh(-|$)/i.test(language) ? SIMPLIFIED : language;
}

export function simplifiedArticle(article: StoredArticle): StoredArticle {
  const people = (list: StoredArticle["authors"]) => list.map((p) => ({ ...p, name: toSimplified(p.name) }));
  return {
    ...article,
    title: toSimplified(article.title),
    ...(article.original_title !== undefined ? { original_title: toSimplified(article.original_title) } : {}),
    ...(article.summary !== undefined ? { summary: toSimplified(article.summary) } : {}),
    body_html: htmlToSimplified(article.body_html),
    language: twinLanguage(article.language),
    source: { ...article.source, name: toSimplified(article.source.name) },
    authors: people(article.authors),
    editors: people(article.editors),
    images: article.images.map((image) => (image.caption !== undefined ? { ...image, caption: toSimplified(image.caption) } : image)),
    rights: { ...article.rights, attribution: toSimplified(article.rights.attribution), copyright: toSimplified(article.rights.copyright) },
  };
}
