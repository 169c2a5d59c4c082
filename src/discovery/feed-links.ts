// Where each section's feeds live, in one place for the directory page, the OPML and the OpenAPI document.
import { ALL_SECTION, SCRIPT_PREFIX, type Script, SECTIONS, type Section } from "../config/publication";
import { FEED_FORMAT_NAMES, FEED_FORMATS, type FeedFormat, feedMediaType } from "../feeds/model";
import { feedUrl } from "../feeds/public-feed";
import { UNFILTERED_QUERY } from "../feeds/query";
import { type Html, html } from "./html";

/** Every section in navigation order, then `all`. */
export const DIRECTORY_SECTIONS: readonly Section[] = [...SECTIONS, ALL_SECTION];

export interface FeedLink {
  format: FeedFormat;
  url: string;
  type: string;
}

export function sectionFeeds(base: string, section: Section, script: Script = "zh-Hant"): FeedLink[] {
  return FEED_FORMATS.map((format) => ({
    format,
    url: feedUrl(base, "/feeds", section, format, UNFILTERED_QUERY, script),
    type: feedMediaType(format),
  }));
}

/** The directory's anchor for a section: the human page OPML outlines point to as htmlUrl. */
export const sectionAnchorUrl = (base: string, section: Section, script: Script = "zh-Hant") =>
  `${base}${SCRIPT_PREFIX[script]}/#${section.slug}`;

/** A `<link rel="alternate">` that lets readers and browser extensions discover a feed from a page. */
export const autodiscoveryLink = (section: Section, format: FeedFormat, url: string): Html =>
  html`<link rel="alternate" type="${feedMediaType(format)}" title="${section.name} · ${FEED_FORMAT_NAMES[format]}" href="${url}">\n`;
