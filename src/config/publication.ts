// The publication in one place: its sections, language, licences and public URL.
// Everything user-visible that names the portal comes from here (docs/publication.md).

export const PUBLICATION = {
  title: "甘肅國際在線",
  description: "甘肅地方新聞:要聞、城市、文旅與專題報道。",
  language: "zh-Hant",
  /** The portal's own credit line, which licensees must carry (the seed page's notice). */
  attribution: "來源:國際在線",
  copyright: "版權所有 國際在線。未經書面授權,不得轉載、摘編或以其他方式使用。",
  homepage: "https://gansu.news.example/",
} as const;

export interface Section {
  slug: string;
  name: string;
  description: string;
}

/** Sections, slug → name, in the portal's navigation order. */
export const SECTIONS: readonly Section[] = [
  { slug: "yaowen", name: "要聞", description: "甘肅要聞與重要時政新聞" },
  { slug: "chengshi-yuanyang", name: "城市遠洋", description: "城市發展與對外交流" },
  { slug: "laowai-zai-gansu", name: "老外在甘肅", description: "在甘肅生活與工作的外國朋友" },
  { slug: "zhiguan-zhongguo", name: "直觀中國", description: "圖片與視頻看中國" },
  { slug: "shijie", name: "視界", description: "國際視野與評論" },
  { slug: "yuanchuang", name: "原創", description: "本網原創報道" },
  { slug: "redian-zhuanti", name: "熱點專題", description: "熱點新聞專題" },
  { slug: "wenlv", name: "文旅", description: "文化與旅遊" },
];

/** The pseudo-section that unions every section. */
export const ALL_SECTIONS = "all";
/** One name wherever `all` appears: directory, OPML, feed title and browser view. */
export const ALL_SECTION: Section = { slug: ALL_SECTIONS, name: "全部欄目", description: "全部欄目的最新報道" };

export function findSection(slug: string): Section | undefined {
  if (slug === ALL_SECTIONS) return ALL_SECTION;
  return SECTIONS.find((s) => s.slug === slug);
}

export function isConfiguredSection(slug: string): boolean {
  return SECTIONS.some((s) => s.slug === slug);
}

export interface Licence {
  id: string;
  title: string;
  /** Plain-text paragraphs of the licence, shown on /licenses/{id}. */
  text: readonly string[];
  attribution: string;
}

/** The public licence: the portal's copyright and syndication notice. */
export const PUBLIC_LICENCE: Licence = {
  id: "public-reading",
  title: "公開閱讀許可",
  attribution: PUBLICATION.attribution,
  text: [
    "本網站所刊載的原創內容,版權均屬國際在線所有。未經書面授權,任何單位及個人不得轉載、摘編或以其他方式使用。",
    "經授權使用本網作品的,應在授權範圍內使用,並註明「來源:國際在線」。",
    "凡註明其他來源的作品,均轉載自其他媒體,版權歸原作者或原媒體所有,本網不就其授予任何許可。",
    "本訂閱源僅供個人閱讀使用;轉載請聯繫本網取得書面授權。",
  ],
};

/** Readable labels for topic slugs (Atom category label); unknown slugs are shown as they are. */
export const TOPIC_LABELS: Readonly<Record<string, string>> = {
  livelihood: "民生",
  governance: "治理",
  transport: "交通",
  heating: "供暖",
  employment: "就業",
  education: "教育",
  tourism: "旅遊",
  culture: "文化",
  economy: "經濟",
  ecology: "生態",
};

/**
 * The scripts every public feed and page is offered in: the portal's own Traditional, and the
 * Simplified twin converted from it (src/feeds/zh-hans/). Each lives under its path prefix.
 */
export type Script = "zh-Hant" | "zh-Hans";
export const SCRIPTS: readonly Script[] = ["zh-Hant", "zh-Hans"];
export const SCRIPT_PREFIX: Record<Script, "" | "/zh-hans"> = { "zh-Hant": "", "zh-Hans": "/zh-hans" };
export const otherScript = (script: Script): Script => (script === "zh-Hant" ? "zh-Hans" : "zh-Hant");

/** Icons readers show beside the feed, served by the service as PNG (paths under the base URL). */
export const ICONS = {
  /** Square, 512 px: JSON Feed `icon`, Atom `icon` and `logo`. */
  icon: { path: "/icon-512.png", size: 512 },
  /** Square, 64 px: JSON Feed `favicon`, RSS `<image>` (at most 144 px wide by RSS 2.0), the pages' favicon. */
  favicon: { path: "/favicon-64.png", size: 64 },
} as const;

export const DEFAULT_FEED_LIMIT = 20;
export const MAX_FEED_LIMIT = 100;
/** PUBLIC_BASE_URL as our links print it (trimmed, no trailing slash), or null when it is not set. */
export function configuredBaseUrl(env: { PUBLIC_BASE_URL?: string }): string | null {
  return env.PUBLIC_BASE_URL?.trim().replace(/\/+$/, "") || null;
}

/** The base URL for links we print: PUBLIC_BASE_URL when set, else the request's origin. */
export function publicBaseUrl(env: { PUBLIC_BASE_URL?: string }, requestUrl: string): string {
  return configuredBaseUrl(env) ?? new URL(requestUrl).origin;
}
