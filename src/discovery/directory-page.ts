// GET / and GET /zh-hans/: the directory a person lands on — every section with its three feeds,
// autodiscovery links for readers and browser extensions, how to subscribe, what partners do, the
// licence, and the same directory in the other script.
import { otherScript, PUBLIC_LICENCE, PUBLICATION, SCRIPT_PREFIX, type Script } from "../config/publication";
import { sectionIn, textIn } from "../config/zh-hans-text";
import { archiveIndexPath } from "../feeds/archive/month";
import { FEED_FORMAT_NAMES } from "../feeds/model";
import { autodiscoveryLink, DIRECTORY_SECTIONS, sectionFeeds } from "./feed-links";
import { html } from "./html";
import { renderPage } from "./layout";
import { opmlUrl } from "./opml";

/** Each script's name in its own script, for the link from one directory to the other. */
export const SCRIPT_NAME: Record<Script, string> = { "zh-Hant": "繁體中文", "zh-Hans": "简体中文" };

/** `base` is the public base URL (no trailing slash); every link on the page is absolute under it. */
export function renderDirectoryPage(base: string, script: Script = "zh-Hant"): string {
  const t = (text: string) => textIn(script, text);
  const other = otherScript(script);
  const home = `${base}${SCRIPT_PREFIX[script]}/`;
  const otherHome = `${base}${SCRIPT_PREFIX[other]}/`;
  const licenceUrl = `${base}/licenses/${PUBLIC_LICENCE.id}`;
  const sections = DIRECTORY_SECTIONS.map((s) => ({ section: sectionIn(script, s), feeds: sectionFeeds(base, s, script) }));
  const head = html`${sections.map(({ section, feeds }) => feeds.map((f) => autodiscoveryLink(section, f.format, f.url)))}<link rel="alternate" hreflang="${other}" type="text/html" href="${otherHome}">
<link rel="license" href="${licenceUrl}">`;
  const body = html`<h1>${t(PUBLICATION.title)} ${t("訂閱源")}</h1>
<p class="lead">${t(PUBLICATION.description)}</p>
<p class="muted" lang="${other}"><a href="${otherHome}" hreflang="${other}">${SCRIPT_NAME[other]}</a></p>
<div class="hint">
<h2 id="how-to-subscribe">${t("如何訂閱")}</h2>
<p>${t("在閱讀器(如 NetNewsWire、Feedly、Inoreader、Miniflux、Thunderbird)中選擇「添加訂閱」,粘貼下方任一欄目的訂閱網址即可。RSS 最通用;Atom 和 JSON Feed 內容相同,擇一即可,不必重複訂閱。")}</p>
<p>${t("想一次訂閱各個欄目?下載")} <a href="${opmlUrl(base, script, "sections")}" type="text/x-opml">${t("欄目 OPML")}</a>${t(",在閱讀器中「導入 OPML」。")}${t("「全部欄目」另有")} <a href="${opmlUrl(base, script, "all")}" type="text/x-opml">${t("單獨的 OPML")}</a>${t(":有的閱讀器(如 newsboat)同一篇文章只保留一份,與各欄目一起導入時,欄目裡會缺少已在「全部欄目」出現的文章。")}</p>
<p class="muted">${t("可按地區或主題篩選,例如")} <code>?region=gansu/lanzhou</code>${t("、")}<code>?topic=transport,tourism</code>${t(",條數用")} <code>?limit=</code>${t("(1–100)。")}</p>
</div>
<h2 id="sections">${t("欄目")}</h2>
<ul class="plain">
${sections.map(
  ({ section, feeds }) => html`<li class="card" id="${section.slug}">
<h3>${section.name}</h3>
<p class="muted">${section.description}</p>
<p class="formats">${feeds.map((f) => html`<a href="${f.url}" type="${f.type}">${FEED_FORMAT_NAMES[f.format]}</a>`)}</p>
<p class="muted"><a href="${base}${archiveIndexPath(section.slug, script)}">${t("更早的文章:按月存檔")}</a></p>
</li>
`,
)}</ul>
<h2 id="partners">${t("合作夥伴")}</h2>
<p>${t("經授權的聚合平台以密鑰讀取授權訂閱源")} <code>/partner/feeds/{${t("欄目")}}.{rss|atom|json}</code>${t(",內容按授權的欄目、地區、主題與轉載權限提供,撤稿通知見")} <code>/partner/withdrawals</code>${t("。申請授權請聯繫本網;接口說明見")} <a href="${base}/openapi.json" type="application/json">${t("OpenAPI 文件")}</a>${t("。")}</p>
<h2 id="licence">${t("使用許可")}</h2>
<p>${t("本網內容受版權保護,訂閱源僅供個人閱讀。轉載、摘編須取得書面授權並註明")}${t("「")}${t(PUBLICATION.attribution)}${t("」")}${t("。詳見")}<a href="${licenceUrl}" rel="license">${t(PUBLIC_LICENCE.title)}</a>${t("。")}</p>
`;
  return renderPage({
    title: `${t(PUBLICATION.title)} · ${t("訂閱源")}`,
    description: t(PUBLICATION.description),
    head,
    body,
    homeUrl: home,
    script,
  });
}
