// The shared shell of every discovery page: a whole HTML document with inline CSS tuned for Chinese
// text on phones and desktops, and no scripts or external assets, so pages render offline.
import { ICONS, PUBLICATION, type Script } from "../config/publication";
import { textIn } from "../config/zh-hans-text";
import { Html, html } from "./html";

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fdfcfa; --card: #ffffff; --line: #e3ded6; --accent: #a4262c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e1d8; --muted: #a39d93; --bg: #16140f; --card: #1f1c16; --line: #3a352c; --accent: #f07a72; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.8; font-size: 17px;
  font-family: -apple-system, BlinkMacSystemFont, "PingFang TC", "Hiragino Sans TC", "Noto Sans CJK TC", "Noto Sans TC",
    "Source Han Sans TC", "Microsoft JhengHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif;
  overflow-wrap: anywhere; }
main { max-width: 44rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; padding-bottom: .5rem; }
header.top .site { color: var(--muted); font-size: .9rem; text-decoration: none; }
h1 { font-size: 1.75rem; line-height: 1.4; margin: .25rem 0 .5rem; letter-spacing: .02em; }
h2 { font-size: 1.25rem; line-height: 1.5; margin: 2rem 0 .75rem; }
h3 { font-size: 1.1rem; line-height: 1.5; margin: 0 0 .25rem; }
p { margin: 0 0 1em; }
a { color: var(--accent); text-underline-offset: .2em; }
.muted, time { color: var(--muted); font-size: .9rem; }
.lead { color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .9rem 1rem; margin: 0 0 .9rem; }
ul.plain { list-style: none; padding: 0; margin: 0; }
.formats { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .4rem; }
.formats a { display: inline-block; border: 1px solid var(--line); border-radius: 999px; padding: .1rem .8rem; font-size: .9rem;
  text-decoration: none; line-height: 1.8; }
.formats a:hover, .formats a:focus { border-color: var(--accent); }
code, .url { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Noto Sans Mono CJK TC", monospace; font-size: .9em; }
.url { display: block; user-select: all; -webkit-user-select: all; background: var(--card); border: 1px dashed var(--accent);
  border-radius: 8px; padding: .5rem .75rem; margin: .4rem 0 .8rem; word-break: break-all; }
.hint { background: var(--card); border-left: 4px solid var(--accent); padding: .75rem 1rem; margin: 0 0 1.5rem; border-radius: 0 8px 8px 0; }
.hint > :first-child, .card > :first-child { margin-top: 0; }
.hint > :last-child, .card > :last-child { margin-bottom: 0; }
article.item { border-bottom: 1px solid var(--line); padding: 1rem 0; }
article.item h3 a { color: var(--accent); text-decoration: underline; text-decoration-thickness: 1px; }
article.item h3 a:visited { color: var(--muted); }
article.item h3 a:hover, article.item h3 a:focus { text-decoration-thickness: 2px; }
.filtered { background: var(--card); border: 1px solid var(--accent); border-radius: 8px; padding: .5rem .75rem; }
article.item p { margin: .35rem 0 0; }
footer { margin-top: 2.5rem; padding-top: 1rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; }
`;

export interface PageParts {
  title: string;
  description?: string;
  /** Extra markup for <head>, e.g. feed autodiscovery links. */
  head?: Html;
  body: Html;
  licenceUrl?: string;
  homeUrl: string;
  /** The page's script (its lang and the shell's words); default zh-Hant. */
  script?: Script;
}

export function renderPage(parts: PageParts): string {
  const script = parts.script ?? "zh-Hant";
  const t = (text: string) => textIn(script, text);
  return `<!doctype html>\n${html`<html lang="${script}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title}</title>
${parts.description ? html`<meta name="description" content="${parts.description}">` : ""}
<link rel="icon" type="image/png" sizes="64x64" href="${ICONS.favicon.path}">
${parts.head ?? ""}
<style>${new Html(CSS)}</style>
</head>
<body>
<main>
<header class="top"><a class="site" href="${parts.homeUrl}">${t(PUBLICATION.title)} · ${t("訂閱源")}</a></header>
${parts.body}
<footer>
<p>${t(PUBLICATION.copyright)}${parts.licenceUrl ? html` <a href="${parts.licenceUrl}" rel="license">${t("使用許可")}</a>` : ""}</p>
</footer>
</main>
</body>
</html>
`}`;
}
