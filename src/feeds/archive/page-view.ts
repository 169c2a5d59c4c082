// The browser views of archives, as the archive routes see them: what each page is given. The pages
// themselves are drawn by discovery; src/index.ts hands the renderers to the routes, so feeds never
// imports discovery.
import type { Script, Section } from "../../config/publication";
import type { FeedFormat } from "../model";

/** /feeds/{section}/archive/: the section's archived months. */
export interface ArchiveIndexView {
  /** The section with its names in the page's script. */
  section: Section;
  base: string;
  script: Script;
  /** The same page in the other script. */
  twinUrl: string;
  /** The section's current feed, per format. */
  currentUrl: (format: FeedFormat) => string;
  /** An archive document's URL (`name` is `2026-11` or `2026-11-2`), per format. */
  documentUrl: (name: string, format: FeedFormat) => string;
  licenceUrl: string;
  months: { month: string; parts: number; items: number }[];
}

/** What the page shows of an archive item: the JSON Feed item, as stored. */
export interface ArchiveItem {
  title?: string;
  url?: string;
  date_published?: string;
  summary?: string;
  _syndication?: { source?: { name?: string } };
}

/** One archive document as a page. */
export interface ArchivePageView {
  section: Section;
  base: string;
  title: string;
  format: FeedFormat;
  script: Script;
  /** The same document in the other script. */
  twinUrl: string;
  /** This document in every format. */
  urls: Record<FeedFormat, string>;
  indexUrl: string;
  olderUrl: string | null;
  newerUrl: string | null;
  currentUrl: string;
  licenceUrl: string;
  items: ArchiveItem[];
}

export interface ArchivePageRenderers {
  archive: (view: ArchivePageView) => string;
  index: (view: ArchiveIndexView) => string;
}
