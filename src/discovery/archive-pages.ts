// Browser views of a section's archives: the list of its months (/feeds/{section}/archive/) and one
// archive document as a readable page, for a person browsing back through the section's history; in either
// script, each page linking its twin in the other.
import { otherScript, SCRIPT_PREFIX } from "../config/publication";
import { textIn } from "../config/zh-hans-text";
import { monthLabel } from "../feeds/archive/documents";
import type { ArchiveIndexView, ArchivePageView } from "../feeds/archive/page-view";
import { FEED_FORMAT_NAMES, FEED_FORMATS, feedMediaType } from "../feeds/model";
import { SCRIPT_NAME } from "./directory-page";
import { autodiscoveryLink } from "./feed-links";
import { type Html, html, safeHref } from "./html";
import { renderPage } from "./layout";
import { formatShanghaiTime } from "./time";

/** One archive document's name per part: `2026-11`, then `2026-11-2`… */
const partNames = (month: string, parts: number) => Array.from({ length: parts }, (_, i) => (i === 0 ? month : `${month}-${i + 1}`));

/** The head's link to the page's twin, and the visible one (in the twin's own script, so either reader finds it). */
function twinLinks(view: { script: ArchiveIndexView["script"]; twinUrl: string }, type: string) {
  const other = otherScript(view.script);
  return {
    head: html`<link rel="alternate" hreflang="${other}" type="${type}" href="${view.twinUrl}">
`,
    body: html`<p class="muted" lang="${other}"><a href="${view.twinUrl}" hreflang="${other}">${SCRIPT_NAME[other]}</a></p>`,
  };
}

export function renderArchiveIndexPage(view: ArchiveIndexView): string {
  const { section, months, licenceUrl, script } = view;
  const t = (text: string) => textIn(script, text);
  const twin = twinLinks(view, "text/html");
  const head = html`${FEED_FORMATS.map((f) => autodiscoveryLink(section, f, view.currentUrl(f)))}${twin.head}<link rel="license" href="${licenceUrl}">`;
  const body = html`<h1>${section.name} · ${t("存檔")}</h1>
<p class="lead">${section.description}</p>
${twin.body}
<div class="hint">
<p>${t("訂閱源只列出最新的文章;更早的文章按月份(北京時間)存檔在這裡,每月一份,文章多的月份分為幾部分。閱讀器若支援 RFC 5005 存檔,會從訂閱源自動回溯。")}</p>
<p class="formats">${FEED_FORMATS.map((f) => html`<a href="${view.currentUrl(f)}" type="${feedMediaType(f)}">${t("最新")} · ${FEED_FORMAT_NAMES[f]}</a>`)}</p>
</div>
<h2>${t("月份")}</h2>
${
  months.length
    ? html`<ul class="plain">${months.map(
        (m) => html`<li class="card" id="m${m.month}">
<h3>${monthLabel(m.month)}</h3>
<p class="muted">${m.items} ${t("篇")}${m.parts > 1 ? `,分 ${m.parts} 部分` : ""}</p>
${partNames(m.month, m.parts).map(
  (name, i) =>
    html`<p class="formats">${m.parts > 1 ? html`<span class="muted">第 ${i + 1} 部分</span>` : ""}${FEED_FORMATS.map(
      (f) => html`<a href="${view.documentUrl(name, f)}" type="${feedMediaType(f)}">${FEED_FORMAT_NAMES[f]}</a>`,
    )}</p>`,
)}
</li>
`,
      )}</ul>`
    : html`<p class="muted">${t("還沒有存檔:這個欄目的文章都在最新的訂閱源裡。")}</p>`
}
`;
  return archiveSitePage(view, `${section.name} · ${t("存檔")}`, head, body);
}

export function renderArchivePage(view: ArchivePageView): string {
  const { section, format, items, licenceUrl, script } = view;
  const t = (text: string) => textIn(script, text);
  const twin = twinLinks(view, feedMediaType(format));
  const head = html`${autodiscoveryLink(section, format, view.urls[format])}${twin.head}<link rel="license" href="${licenceUrl}">`;
  const nav = html`<p class="formats"><a href="${view.indexUrl}">${t("全部月份")}</a>${view.newerUrl ? html`<a href="${view.newerUrl}" rel="next">${t("較新")}</a>` : ""}${
    view.olderUrl ? html`<a href="${view.olderUrl}" rel="prev">${t("較早")}</a>` : ""
  }<a href="${view.currentUrl}">${t("最新文章")}</a></p>`;
  const body = html`<h1>${view.title}</h1>
${twin.body}
<div class="hint">
<p><strong>${t("這是一份訂閱源存檔")}(${FEED_FORMAT_NAMES[format]})。</strong>${t("存檔的內容不再隨新文章變動;要收到新文章,請訂閱:")}</p>
<code class="url">${view.currentUrl}</code>
<p class="formats">${FEED_FORMATS.filter((f) => f !== format).map(
    (f) => html`<a href="${view.urls[f]}" type="${feedMediaType(f)}">${FEED_FORMAT_NAMES[f]}</a>`,
  )}</p>
</div>
${nav}
<h2>${items.length} 篇</h2>
${items.map(
  (item) => html`<article class="item">
<h3><a href="${safeHref(item.url ?? "")}">${item.title ?? ""}</a></h3>
<p class="muted">${item.date_published ? html`<time datetime="${item.date_published}">${formatShanghaiTime(item.date_published)}</time>` : ""}${
    item._syndication?.source?.name ? html` · ${t("來源:")}${item._syndication.source.name}` : ""
  }</p>
${item.summary ? html`<p>${item.summary}</p>` : ""}
</article>
`,
)}
${nav}
<p class="muted">${t("使用本訂閱源的內容須遵守")}<a href="${licenceUrl}" rel="license">${t("使用許可")}</a>${t("。")}</p>
`;
  return archiveSitePage(view, view.title, head, body);
}

/** Both archive pages sit in the site's layout, under the home page of their script. */
function archiveSitePage(view: ArchiveIndexView | ArchivePageView, title: string, head: Html, body: Html): string {
  return renderPage({
    title,
    description: view.section.description,
    head,
    body,
    licenceUrl: view.licenceUrl,
    homeUrl: `${view.base}${SCRIPT_PREFIX[view.script]}/`,
    script: view.script,
  });
}
