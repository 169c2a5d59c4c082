// The browser view of a feed (docs/discovery.md): a person who opens /feeds/yaowen.rss in a browser gets a
// readable page with the same items and the URL to paste into a reader, instead of a download.
// Feed readers never see it (feeds/page-view.ts decides who does); src/index.ts hands this renderer to the feed routes.
import type { Script } from "../config/publication";
import { sectionIn, textIn } from "../config/zh-hans-text";
import { FEED_FORMAT_NAMES, feedMediaType } from "../feeds/model";
import type { FeedPageView, PageItem } from "../feeds/page-view";
import { autodiscoveryLink } from "./feed-links";
import { html, safeHref } from "./html";
import { renderPage } from "./layout";
import { formatShanghaiTime } from "./time";

/** The site's home (the directory) from a feed URL: everything before /feeds/ or /partner/feeds/. */
function homeUrl(feedUrl: string): string {
  const url = new URL(feedUrl);
  url.pathname = url.pathname.replace(/\/(partner\/)?feeds\/[^/]*$/, "/");
  url.search = "";
  url.hash = "";
  return url.href;
}

function renderItem(item: PageItem, t: (text: string) => string) {
  return html`<article class="item">
<h3><a href="${safeHref(item.url)}">${item.title}</a></h3>
<p class="muted"><time datetime="${item.published_at}">${formatShanghaiTime(item.published_at)}</time>${
    item.source ? html` · ${t("來源:")}${item.source}` : ""
  }</p>
${item.summary ? html`<p>${item.summary}</p>` : ""}
</article>
`;
}

function filterNote(filters: NonNullable<FeedPageView["filters"]>, t: (text: string) => string) {
  const parts = [
    ...(filters.region ? [html`${t("地區")} <code>${filters.region}</code>`] : []),
    ...(filters.topics.length ? [html`${t("主題")} <code>${filters.topics.join(",")}</code>`] : []),
    ...(filters.limit !== filters.defaultLimit ? [html`${t("條數")} <code>${String(filters.limit)}</code>`] : []),
  ];
  if (!parts.length) return "";
  const joined = parts.flatMap((p, i) => (i ? [html`、`, p] : [p]));
  return html`<p class="filtered"><strong>${t("已篩選:")}</strong>${t("只顯示")}${joined}${t("的文章,不是欄目的全部內容。")}</p>`;
}

/** A whole HTML document showing the feed to a person. */
export function renderFeedPage(view: FeedPageView): string {
  const { format, feedUrl, alternates, licenceUrl, items } = view;
  const script = view.script ?? "zh-Hant";
  const t = (text: string) => textIn(script, text);
  const section = sectionIn(script, view.section);
  const title = `${section.name} · ${FEED_FORMAT_NAMES[format]}`;
  const feeds = [{ format, url: feedUrl }, ...alternates.filter((a) => a.format !== format)];
  const twinHead = view.twin
    ? html`<link rel="alternate" hreflang="${view.twin.hreflang}" type="${feedMediaType(format)}" href="${view.twin.url}">\n`
    : "";
  const head = html`${feeds.map((f) => autodiscoveryLink(section, f.format, f.url))}${twinHead}<link rel="license" href="${licenceUrl}">`;
  const body = html`<h1>${section.name}</h1>
<p class="lead">${section.description}</p>
${view.filters ? filterNote(view.filters, t) : ""}
<div class="hint">
<p><strong>${t("這是一個訂閱源")}(${FEED_FORMAT_NAMES[format]})。</strong>${t("把下面的網址複製到你的閱讀器(如 NetNewsWire、Feedly、Inoreader、Thunderbird)裡,就能自動收到新文章:")}</p>
<code class="url">${feedUrl}</code>
${
  alternates.length
    ? html`<p class="muted">${t("其他格式:")}</p><p class="formats">${alternates.map(
        (a) => html`<a href="${a.url}" type="${feedMediaType(a.format)}">${FEED_FORMAT_NAMES[a.format]}</a>`,
      )}</p>`
    : ""
}
${view.twin ? html`<p class="muted">${TWIN_LABEL[view.twin.hreflang]}<a href="${view.twin.url}" hreflang="${view.twin.hreflang}" lang="${view.twin.hreflang}">${TWIN_NAME[view.twin.hreflang]}</a></p>` : ""}
</div>
<h2>${t("最新文章")}(${items.length} ${t("篇")})</h2>
${items.length ? items.map((item) => renderItem(item, t)) : html`<p class="muted">${t("這個訂閱源暫時沒有文章。")}</p>`}
`;
  return renderPage({
    title,
    description: section.description,
    head,
    body,
    licenceUrl,
    homeUrl: homeUrl(feedUrl),
    script,
  });
}

/** How a page points to its twin: each in the twin's own script, so a reader finds it whichever they read. */
const TWIN_LABEL: Record<Script, string> = { "zh-Hans": "简体中文版:", "zh-Hant": "繁體中文版:" };
const TWIN_NAME: Record<Script, string> = { "zh-Hans": "简体订阅源", "zh-Hant": "繁體訂閱源" };
