// GET /: the directory a person lands on — every section with its three feeds, autodiscovery links for
// readers and browser extensions, how to subscribe, what partners do, and the licence.
import { PUBLIC_LICENCE, PUBLICATION } from "../config/publication";
import { archiveIndexPath } from "../feeds/archive/month";
import { FEED_FORMAT_NAMES } from "../feeds/model";
import { autodiscoveryLink, DIRECTORY_SECTIONS, sectionFeeds } from "./feed-links";
import { html } from "./html";
import { renderPage } from "./layout";

/** `base` is the public base URL (no trailing slash); every link on the page is absolute under it. */
export function renderDirectoryPage(base: string): string {
  const licenceUrl = `${base}/licenses/${PUBLIC_LICENCE.id}`;
  const opmlUrl = `${base}/feeds.opml`;
  const sections = DIRECTORY_SECTIONS.map((section) => ({ section, feeds: sectionFeeds(base, section) }));
  const head = html`${sections.map(({ section, feeds }) => feeds.map((f) => autodiscoveryLink(section, f.format, f.url)))}<link rel="license" href="${licenceUrl}">`;
  const body = html`<h1>${PUBLICATION.title} 訂閱源</h1>
<p class="lead">${PUBLICATION.description}</p>
<div class="hint">
<h2 id="how-to-subscribe">如何訂閱</h2>
<p>在閱讀器(如 NetNewsWire、Feedly、Inoreader、Miniflux、Thunderbird)中選擇「新增訂閱」,貼上下方任一欄目的訂閱網址即可。RSS 最通用;Atom 和 JSON Feed 內容相同,擇一即可,不必重複訂閱。</p>
<p>想一次訂閱全部欄目?下載 <a href="${opmlUrl}" type="text/x-opml">OPML 文件</a>,在閱讀器中「匯入 OPML」。</p>
<p class="muted">可按地區或主題篩選,例如 <code>?region=gansu/lanzhou</code>、<code>?topic=transport,tourism</code>,條數用 <code>?limit=</code>(1–100)。</p>
</div>
<h2 id="sections">欄目</h2>
<ul class="plain">
${sections.map(
  ({ section, feeds }) => html`<li class="card" id="${section.slug}">
<h3>${section.name}</h3>
<p class="muted">${section.description}</p>
<p class="formats">${feeds.map((f) => html`<a href="${f.url}" type="${f.type}">${FEED_FORMAT_NAMES[f.format]}</a>`)}</p>
<p class="muted"><a href="${base}${archiveIndexPath(section.slug)}">更早的文章:按月存檔</a></p>
</li>
`,
)}</ul>
<h2 id="partners">合作夥伴</h2>
<p>經授權的聚合平台以金鑰讀取授權訂閱源 <code>/partner/feeds/{欄目}.{rss|atom|json}</code>,內容按授權的欄目、地區、主題與轉載權限提供,撤稿通知見 <code>/partner/withdrawals</code>。申請授權請聯繫本網;接口說明見 <a href="${base}/openapi.json" type="application/json">OpenAPI 文件</a>。</p>
<h2 id="licence">使用許可</h2>
<p>本網內容受版權保護,訂閱源僅供個人閱讀。轉載、摘編須取得書面授權並註明「${PUBLICATION.attribution}」。詳見<a href="${licenceUrl}" rel="license">${PUBLIC_LICENCE.title}</a>。</p>
`;
  return renderPage({
    title: `${PUBLICATION.title} · 訂閱源`,
    description: PUBLICATION.description,
    head,
    body,
    licenceUrl,
    homeUrl: `${base}/`,
  });
}
