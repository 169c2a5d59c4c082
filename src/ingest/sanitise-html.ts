// Sanitises the CMS's body_html with HTMLRewriter against an allow-list, and makes relative
// links absolute against the article's canonical URL. We never trust the CMS's HTML: whatever
// it sends, what we serve has no script, styles, frames, event handlers or javascript: URLs.

/** Dropped together with everything inside them. */
const DROP_WITH_CONTENT = [
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "noscript",
  "template",
  "svg",
  "math",
  "form",
  "input",
  "button",
  "select",
  "textarea",
  "link",
  "meta",
  "base",
  "head",
  "title",
  "audio",
  "video",
  "canvas",
  "portal",
  "dialog",
];

/** Kept, with only the attributes listed (plus the global ones). */
const ALLOWED: Record<string, readonly string[]> = {
  p: [],
  br: [],
  hr: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  strong: [],
  b: [],
  em: [],
  i: [],
  u: [],
  s: [],
  small: [],
  mark: [],
  sub: [],
  sup: [],
  blockquote: ["cite"],
  q: ["cite"],
  cite: [],
  abbr: [],
  time: ["datetime"],
  span: [],
  div: [],
  ul: [],
  ol: ["start", "reversed"],
  li: [],
  dl: [],
  dt: [],
  dd: [],
  a: ["href", "title"],
  img: ["src", "alt", "title", "width", "height"],
  figure: [],
  figcaption: [],
  pre: [],
  code: [],
  table: [],
  caption: [],
  thead: [],
  tbody: [],
  tfoot: [],
  tr: [],
  th: ["colspan", "rowspan", "scope"],
  td: ["colspan", "rowspan"],
};
const GLOBAL_ATTRIBUTES = ["lang", "dir", "title"];
const URL_ATTRIBUTES = new Set(["href", "src", "cite"]);
const SAFE_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|avif);base64,[a-z0-9+/=\s]*$/i;

/** A numeric character reference; those naming a character XML forbids would decode into one in every reader. */
const CHARACTER_REFERENCE = /&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?/g;

function isXmlCharacter(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Replaces references such as &#0; or &#xD800; with U+FFFD, as HTML parsers do, so no reader decodes them into broken text. */
export function neutraliseCharacterReferences(html: string): string {
  return html.replace(CHARACTER_REFERENCE, (ref, hex: string | undefined, dec: string | undefined) =>
    isXmlCharacter(hex ? Number.parseInt(hex, 16) : Number(dec)) ? ref : "&#xFFFD;",
  );
}

/** An absolute, safe URL for an attribute, or null when it must be dropped. */
export function safeUrl(value: string, base: string, allowDataImage: boolean): string | null {
  const trimmed = value.trim();
  if (allowDataImage && SAFE_DATA_IMAGE.test(trimmed)) return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    return null;
  }
  if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "mailto:") return url.href;
  return null;
}

export async function sanitiseHtml(html: string, baseUrl: string): Promise<string> {
  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        const tag = el.tagName.toLowerCase();
        if (DROP_WITH_CONTENT.includes(tag)) {
          el.remove();
          return;
        }
        const allowed = ALLOWED[tag];
        if (!allowed) {
          el.removeAndKeepContent();
          return;
        }
        for (const [name, value] of [...el.attributes]) {
          const attr = name.toLowerCase();
          if (!allowed.includes(attr) && !GLOBAL_ATTRIBUTES.includes(attr)) {
            el.removeAttribute(name);
          } else if (neutraliseCharacterReferences(value) !== value) {
            el.setAttribute(name, neutraliseCharacterReferences(value));
          } else if (URL_ATTRIBUTES.has(attr)) {
            const safe = safeUrl(value, baseUrl, tag === "img" && attr === "src");
            if (safe === null) el.removeAttribute(name);
            else if (safe !== value) el.setAttribute(name, safe);
          }
        }
        if (tag === "a" && el.hasAttribute("href")) el.setAttribute("rel", "noopener nofollow");
      },
      comments(comment) {
        comment.remove();
      },
    })
    .onDocument({
      text(chunk) {
        const safe = neutraliseCharacterReferences(chunk.text);
        if (safe !== chunk.text) chunk.replace(safe, { html: true });
      },
      doctype() {},
      comments(comment) {
        comment.remove();
      },
    });
  return rewriter.transform(new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } })).text();
}
