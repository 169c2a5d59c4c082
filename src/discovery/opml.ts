// GET /feeds.opml and /feeds-all.opml (and their /zh-hans/ twins): the feeds as OPML 2.0, one RSS
// outline per feed, so a reader imports each feed once — all three formats would subscribe people
// to everything three times.
//
// The sections and `all` are two files: readers such as newsboat keep one copy of an item per id,
// so importing `all` beside the sections lets whichever feed is fetched first take the items, and
// the sections would look incomplete. Each file ends with `type="link"` outlines (OPML 2.0) to the
// other file and to the other script's OPML, which readers import as nothing.
import { generateOpml } from "feedsmith";
import { ALL_SECTION, otherScript, PUBLICATION, SCRIPT_PREFIX, type Script, SECTIONS, type Section } from "../config/publication";
import { sectionIn, textIn } from "../config/zh-hans-text";
import { feedUrl } from "../feeds/public-feed";
import { UNFILTERED_QUERY } from "../feeds/query";
import { sectionAnchorUrl } from "./feed-links";

export const OPML_CONTENT_TYPE = "text/x-opml; charset=utf-8";

/** `sections`: every section; `all`: the one feed of everything. */
export type OpmlKind = "sections" | "all";
export const OPML_FILES: Record<OpmlKind, string> = { sections: "feeds.opml", all: "feeds-all.opml" };

export const opmlUrl = (base: string, script: Script, kind: OpmlKind) => `${base}${SCRIPT_PREFIX[script]}/${OPML_FILES[kind]}`;

const SCRIPT_OPML_NAME: Record<Script, string> = { "zh-Hant": "繁體中文訂閱源(OPML)", "zh-Hans": "简体中文订阅源(OPML)" };

export function renderOpml(base: string, script: Script = "zh-Hant", kind: OpmlKind = "sections"): string {
  const t = (text: string) => textIn(script, text);
  const feedOutline = (s: Section) => {
    const section = sectionIn(script, s);
    return {
      text: `${t(PUBLICATION.title)} · ${section.name}`,
      title: `${t(PUBLICATION.title)} · ${section.name}`,
      description: section.description,
      type: "rss",
      xmlUrl: feedUrl(base, "/feeds", s, "rss", UNFILTERED_QUERY, script),
      htmlUrl: sectionAnchorUrl(base, s, script),
      language: script,
    };
  };
  const otherKind: OpmlKind = kind === "sections" ? "all" : "sections";
  return generateOpml({
    head: {
      title: `${t(PUBLICATION.title)} ${t(kind === "sections" ? "各欄目訂閱源" : "全部欄目訂閱源")}`,
      docs: "https://opml.org/spec2.opml",
    },
    body: {
      outlines: [
        ...(kind === "sections" ? SECTIONS.map(feedOutline) : [feedOutline(ALL_SECTION)]),
        {
          text: kind === "sections" ? t("「全部欄目」(單獨導入,以免欄目缺文章)") : t("各欄目(單獨導入)"),
          type: "link",
          url: opmlUrl(base, script, otherKind),
        },
        {
          text: SCRIPT_OPML_NAME[otherScript(script)],
          type: "link",
          url: opmlUrl(base, otherScript(script), kind),
          language: otherScript(script),
        },
      ],
    },
  });
}
