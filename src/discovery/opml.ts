// GET /feeds.opml: every section (and `all`) as one RSS outline, so a reader imports each feed once —
// listing all three formats would subscribe people to everything three times.
import { generateOpml } from "feedsmith";
import { PUBLICATION } from "../config/publication";
import { feedUrl } from "../feeds/public-feed";
import { UNFILTERED_QUERY } from "../feeds/query";
import { DIRECTORY_SECTIONS, sectionAnchorUrl } from "./feed-links";

export const OPML_CONTENT_TYPE = "text/x-opml; charset=utf-8";

export function renderOpml(base: string): string {
  return generateOpml({
    head: { title: `${PUBLICATION.title} 訂閱源`, docs: "https://opml.org/spec2.opml" },
    body: {
      outlines: DIRECTORY_SECTIONS.map((section) => ({
        text: `${PUBLICATION.title} · ${section.name}`,
        title: `${PUBLICATION.title} · ${section.name}`,
        description: section.description,
        type: "rss",
        xmlUrl: feedUrl(base, "/feeds", section, "rss", UNFILTERED_QUERY),
        htmlUrl: sectionAnchorUrl(base, section),
        language: PUBLICATION.language,
      })),
    },
  });
}
