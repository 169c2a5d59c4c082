// The browser view of a feed (docs/discovery.md): a person who opens /feeds/yaowen.rss in a browser gets a
// readable page with the same items and the URL to paste into a reader, instead of a download.
// Feed readers never see it (feeds/page-view.ts decides who does); src/index.ts hands this renderer to the feed routes.
import { FEED_FORMAT_NAMES, feedMediaType } from "../feeds/model";
import type { FeedPageView } from "../feeds/page-view";
import type { StoredArticle } from "../model/article";
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

function renderItem(item: StoredArticle) {
  return html`<article class="item">
<h3><a href="${safeHref(item.url)}">${item.title}</a></h3>
<p class="muted"><time datetime="${item.published_at}">${formatShanghaiTime(item.published_at)}</time>${
    item.source.own ? "" : html` · 來源:${item.source.name}`
  }</p>
${item.summary ? html`<p>${item.summary}</p>` : ""}
</article>
`;
}

/** A whole HTML document showing the feed to a person. */
export function renderFeedPage(view: FeedPageView): string {
  const { section, format, feedUrl, alternates, licenceUrl, items } = view;
  const title = `${section.name} · ${FEED_FORMAT_NAMES[format]}`;
  const feeds = [{ format, url: feedUrl }, ...alternates.filter((a) => a.format !== format)];
  const head = html`${feeds.map((f) => autodiscoveryLink(section, f.format, f.url))}<link rel="license" href="${licenceUrl}">`;
  const body = html`<h1>${section.name}</h1>
<p class="lead">${section.description}</p>
<div class="hint">
<p><strong>這是一個訂閱源(${FEED_FORMAT_NAMES[format]})。</strong>把下面的網址複製到你的閱讀器(如 NetNewsWire、Feedly、Inoreader、Thunderbird)裡,就能自動收到新文章:</p>
<code class="url">${feedUrl}</code>
${
  alternates.length
    ? html`<p class="muted">其他格式:</p><p class="formats">${alternates.map(
        (a) => html`<a href="${a.url}" type="${feedMediaType(a.format)}">${FEED_FORMAT_NAMES[a.format]}</a>`,
      )}</p>`
    : ""
}
</div>
<h2>最新文章(${items.length} 篇)</h2>
${items.length ? items.map(renderItem) : html`<p class="muted">這個訂閱源暫時沒有文章。</p>`}
<p class="muted">使用本訂閱源的內容須遵守<a href="${licenceUrl}" rel="license">使用許可</a>。</p>
`;
  return renderPage({ title, description: section.description, head, body, licenceUrl, homeUrl: homeUrl(feedUrl) });
}
