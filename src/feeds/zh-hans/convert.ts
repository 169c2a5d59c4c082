// Traditional → mainland Simplified for the zh-Hans twins: OpenCC's `t` → `cn` tables (character and
// phrase conversion, no Taiwan vocabulary: the portal's words are already mainland ones), then the
// publication's glossary. Only the one-direction bundle is imported, so the Worker stays small.
// Conversion runs when the Newsroom publishes an article version, never on a reader's request.
import { Converter, CustomConverter } from "opencc-js/t2cn";
import { GLOSSARY } from "./glossary";

type Convert = (text: string) => string;

/** Building the tables costs tens of milliseconds: once per isolate, on first use. */
let converter: Convert | undefined;

function simplifier(): Convert {
  if (!converter) {
    const opencc = Converter({ from: "t", to: "cn" });
    const glossary = CustomConverter(GLOSSARY);
    converter = (text) => glossary(opencc(text));
  }
  return converter;
}

/**
 * http(s) URLs inside text stay as written, even with Chinese in them: a converted URL is another
 * address. A URL ends at whitespace, markup or full-width punctuation.
 */
const URL_IN_TEXT = /https?:\/\/[^\s<>"'()()「」『』《》【】,。、;:!?]+/g;

/** Plain text (a title, a name, a caption) in Simplified; URLs in it are kept. */
export function toSimplified(text: string): string {
  // Only CJK text can change: ASCII-only text (most URLs, slugs, numbers) skips the tables.
  if (!/[^\u0020-\u007e\s]/.test(text)) return text;
  const convert = simplifier();
  let out = "";
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    out += convert(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + convert(text.slice(last));
}
