// Where each section's feeds live, in one place for the directory page, the OPML and the OpenAPI document.
import { ALL_SECTION, SECTIONS, type Section } from "../config/publication";
import { FEED_CONTENT_TYPES, FEED_FORMAT_NAMES, FEED_FORMATS, type FeedFormat } from "../feeds/model";
import { type Html, html } from "./html";

/** Every section in navigation order, then `all`. */
export const DIRECTORY_SECTIONS: readonly Section[] = [...SECTIONS, ALL_SECTION];

export const feedPath = (slug: string, format: FeedFormat) => `/feeds/${slug}.${format}`;

/** The bare media type of a format (no charset), as `<link type>` and OPML want it. */
export const feedMediaType = (format: FeedFormat) => FEED_CONTENT_TYPES[format].split(";")[0]!;

export interface FeedLink {
  format: FeedFormat;
  url: string;
  type: string;
}

export function sectionFeeds(base: string, section: Section): FeedLink[] {
  return FEED_FORMATS.map((format) => ({ format, url: `${base}${feedPath(section.slug, format)}`, type: feedMediaType(format) }));
}

/** The directory's anchor for a section: the human page OPML outlines point to as htmlUrl. */
export const sectionAnchorUrl = (base: string, section: Section) => `${base}/#${section.slug}`;

/** A `<link rel="alternate">` that lets readers and browser extensions discover a feed from a page. */
export const autodiscoveryLink = (section: Section, format: FeedFormat, url: string): Html =>
  html`<link rel="alternate" type="${feedMediaType(format)}" title="${section.name} · ${FEED_FORMAT_NAMES[format]}" href="${url}">\n`;
