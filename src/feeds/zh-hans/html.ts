// Converts sanitised article HTML to Simplified without touching its markup: only text between tags
// and the attributes that are text to a reader (alt, title) change; tag names, URLs (href, src, cite)
// and every other attribute stay byte for byte. A `lang` naming Traditional Chinese is retagged.
import { toSimplified } from "./convert";

/** A tag (quoted attribute values may hold `>`), a comment, or a doctype. */
const MARKUP = /<!--[\s\S]*?-->|<![^>]*>|<\/?[A-Za-z][^\s/>]*(?:\s+[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*\/?>/g;
const ATTRIBUTE = /(\s+)([^\s"'=<>/]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;
const TEXT_ATTRIBUTES = new Set(["alt", "title"]);
const TRADITIONAL_LANG = /^zh(-hant|-tw|-hk|-mo)?(-|$)/i;

export function htmlToSimplified(html: string): string {
  let out = "";
  let last = 0;
  for (const match of html.matchAll(MARKUP)) {
    out += toSimplified(html.slice(last, match.index)) + convertTag(match[0]);
    last = match.index + match[0].length;
  }
  return out + toSimplified(html.slice(last));
}

function convertTag(tag: string): string {
  if (tag.startsWith("<!") || tag.startsWith("</")) return tag;
  return tag.replace(ATTRIBUTE, (whole, space: string, name: string, equals: string | undefined, value: string | undefined) => {
    if (value === undefined || equals === undefined) return whole;
    const attribute = name.toLowerCase();
    if (TEXT_ATTRIBUTES.has(attribute)) return `${space}${name}${equals}${toSimplified(value)}`;
    if (attribute === "lang" && TRADITIONAL_LANG.test(value.replace(/^["']/, ""))) {
      const quote = /^["']/.test(value) ? value[0] : "";
      return `${space}${name}${equals}${quote}zh-Hans${quote}`;
    }
    return whole;
  });
}
