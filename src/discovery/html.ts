// A tiny HTML template tag for the discovery pages: every interpolated value is escaped unless it is
// already `Html`, so article text, URLs and licence records can never break out of the markup.

/** Markup that is already safe to emit as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/** html`<a href="${url}">${title}</a>` — values are escaped; arrays and nested `Html` are joined as markup. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/** An href only for http(s) URLs; anything else (javascript:, data:) becomes a harmless "#". */
export function safeHref(url: string): string {
  return /^https?:\/\//i.test(url) ? url : "#";
}
