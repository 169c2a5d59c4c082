// The Simplified text of everything the service itself says (publication, sections, topic labels,
// the pages' own words), written once here rather than converted on a request. Keys are the
// Traditional strings used in the code; tests/zh-hans.test.ts checks every value is what the
// converter and glossary make of its key, and that no page of the twin is left in Traditional.
import type { Script, Section } from "./publication";

const SIMPLIFIED: Readonly<Record<string, string>> = {
  // publication
  甘肅國際在線: "甘肃国际在线",
  "甘肅地方新聞:要聞、城市、文旅與專題報道。": "甘肃地方新闻:要闻、城市、文旅与专题报道。",
  "來源:國際在線": "来源:国际在线",
  "版權所有 國際在線。未經書面授權,不得轉載、摘編或以其他方式使用。": "版权所有 国际在线。未经书面授权,不得转载、摘编或以其他方式使用。",
  公開閱讀許可: "公开阅读许可",
  // sections
  要聞: "要闻",
  甘肅要聞與重要時政新聞: "甘肃要闻与重要时政新闻",
  城市遠洋: "城市远洋",
  城市發展與對外交流: "城市发展与对外交流",
  老外在甘肅: "老外在甘肃",
  在甘肅生活與工作的外國朋友: "在甘肃生活与工作的外国朋友",
  直觀中國: "直观中国",
  圖片與視頻看中國: "图片与视频看中国",
  視界: "视界",
  國際視野與評論: "国际视野与评论",
  原創: "原创",
  本網原創報道: "本网原创报道",
  熱點專題: "热点专题",
  熱點新聞專題: "热点新闻专题",
  文旅: "文旅",
  文化與旅遊: "文化与旅游",
  全部欄目: "全部栏目",
  全部欄目的最新報道: "全部栏目的最新报道",
  // topic labels
  民生: "民生",
  治理: "治理",
  交通: "交通",
  供暖: "供暖",
  就業: "就业",
  教育: "教育",
  旅遊: "旅游",
  文化: "文化",
  經濟: "经济",
  生態: "生态",
  // the pages' and OPML's own words
  訂閱源: "订阅源",
  如何訂閱: "如何订阅",
  "在閱讀器(如 NetNewsWire、Feedly、Inoreader、Miniflux、Thunderbird)中選擇「添加訂閱」,粘貼下方任一欄目的訂閱網址即可。RSS 最通用;Atom 和 JSON Feed 內容相同,擇一即可,不必重複訂閱。":
    "在阅读器(如 NetNewsWire、Feedly、Inoreader、Miniflux、Thunderbird)中选择“添加订阅”,粘贴下方任一栏目的订阅网址即可。RSS 最通用;Atom 和 JSON Feed 内容相同,择一即可,不必重复订阅。",
  "想一次訂閱各個欄目?下載": "想一次订阅各个栏目?下载",
  "欄目 OPML": "栏目 OPML",
  ",在閱讀器中「導入 OPML」。": ",在阅读器中“导入 OPML”。",
  "「全部欄目」另有": "“全部栏目”另有",
  "單獨的 OPML": "单独的 OPML",
  ":有的閱讀器(如 newsboat)同一篇文章只保留一份,與各欄目一起導入時,欄目裡會缺少已在「全部欄目」出現的文章。":
    ":有的阅读器(如 newsboat)同一篇文章只保留一份,与各栏目一起导入时,栏目里会缺少已在“全部栏目”出现的文章。",
  "可按地區或主題篩選,例如": "可按地区或主题筛选,例如",
  "、": "、",
  ",條數用": ",条数用",
  "(1–100)。": "(1–100)。",
  欄目: "栏目",
  合作夥伴: "合作伙伴",
  經授權的聚合平台以密鑰讀取授權訂閱源: "经授权的聚合平台以密钥读取授权订阅源",
  ",內容按授權的欄目、地區、主題與轉載權限提供,撤稿通知見": ",内容按授权的栏目、地区、主题与转载权限提供,撤稿通知见",
  "。申請授權請聯繫本網;接口說明見": "。申请授权请联系本网;接口说明见",
  "OpenAPI 文件": "OpenAPI 文件",
  "。": "。",
  使用許可: "使用许可",
  "本網內容受版權保護,訂閱源僅供個人閱讀。轉載、摘編須取得書面授權並註明":
    "本网内容受版权保护,订阅源仅供个人阅读。转载、摘编须取得书面授权并注明",
  "「": "“",
  "」": "”",
  "。詳見": "。详见",
  "來源:": "来源:",
  地區: "地区",
  主題: "主题",
  條數: "条数",
  "已篩選:": "已筛选:",
  只顯示: "只显示",
  "的文章,不是欄目的全部內容。": "的文章,不是栏目的全部内容。",
  這是一個訂閱源: "这是一个订阅源",
  "把下面的網址複製到你的閱讀器(如 NetNewsWire、Feedly、Inoreader、Thunderbird)裡,就能自動收到新文章:":
    "把下面的网址复制到你的阅读器(如 NetNewsWire、Feedly、Inoreader、Thunderbird)里,就能自动收到新文章:",
  "其他格式:": "其他格式:",
  最新文章: "最新文章",
  篇: "篇",
  "這個訂閱源暫時沒有文章。": "这个订阅源暂时没有文章。",
  "「全部欄目」(單獨導入,以免欄目缺文章)": "“全部栏目”(单独导入,以免栏目缺文章)",
  "各欄目(單獨導入)": "各栏目(单独导入)",
  // archives
  存檔: "存档",
  "更早的文章:按月存檔": "更早的文章:按月存档",
  "訂閱源只列出最新的文章;更早的文章按月份(北京時間)存檔在這裡,每月一份,文章多的月份分為幾部分。閱讀器若支援 RFC 5005 存檔,會從訂閱源自動回溯。":
    "订阅源只列出最新的文章;更早的文章按月份(北京时间)存档在这里,每月一份,文章多的月份分为几部分。阅读器若支援 RFC 5005 存档,会从订阅源自动回溯。",
  最新: "最新",
  月份: "月份",
  "還沒有存檔:這個欄目的文章都在最新的訂閱源裡。": "还没有存档:这个栏目的文章都在最新的订阅源里。",
  全部月份: "全部月份",
  較新: "较新",
  較早: "较早",
  這是一份訂閱源存檔: "这是一份订阅源存档",
  "存檔的內容不再隨新文章變動;要收到新文章,請訂閱:": "存档的内容不再随新文章变动;要收到新文章,请订阅:",
  使用本訂閱源的內容須遵守: "使用本订阅源的内容须遵守",
};

/** The service's own `text` in `script`; a string missing here stays Traditional (the tests catch it). */
export function textIn(script: Script, text: string): string {
  return script === "zh-Hans" ? (SIMPLIFIED[text] ?? text) : text;
}

export function sectionIn(script: Script, section: Section): Section {
  return script === "zh-Hans"
    ? { ...section, name: textIn(script, section.name), description: textIn(script, section.description) }
    : section;
}

/** Every pair, for the test that holds them to the converter. */
export const SIMPLIFIED_TEXT: Readonly<Record<string, string>> = SIMPLIFIED;
