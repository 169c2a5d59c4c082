// Archive months: which month an article belongs to, and the names of a month's archive documents.
// The publication dates its news in Beijing time, so a month runs from the 1st 00:00 +08:00 to the next
// 1st 00:00 +08:00: an article published 2026-11-30T23:59+08:00 (15:59Z) is November's, one published
// 2026-12-01T00:00+08:00 (still 30 November in UTC) is December's. China has no daylight saving since
// 1991, so a fixed offset is exact.
import { SCRIPT_PREFIX, type Script } from "../../config/publication";
import { ProblemError } from "../../http/problem";
import { FEED_FORMATS, type FeedFormat } from "../model";

export const ARCHIVE_OFFSET_MS = 8 * 3600 * 1000;

/** A month as `YYYY-MM`. */
export type ArchiveMonth = string;

/** The month (in +08:00) of an instant. */
export function monthOf(ms: number): ArchiveMonth {
  const d = new Date(ms + ARCHIVE_OFFSET_MS);
  return `${String(d.getUTCFullYear()).padStart(4, "0")}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** [start, end) of a month in epoch ms. */
export function monthRange(month: ArchiveMonth): [number, number] {
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7)) - 1;
  return [Date.UTC(year, index, 1) - ARCHIVE_OFFSET_MS, Date.UTC(year, index + 1, 1) - ARCHIVE_OFFSET_MS];
}

/** Every month from `from` to `to`, both included, oldest first (empty when `from` is later). */
export function monthsBetween(from: ArchiveMonth, to: ArchiveMonth): ArchiveMonth[] {
  const months: ArchiveMonth[] = [];
  for (let month = from; month <= to; month = monthOf(monthRange(month)[1])) months.push(month);
  return months;
}

/** One archive document: a month, and its part (1 holds the month's oldest items; a busy month goes on in 2, 3…). */
export interface ArchivePart {
  month: ArchiveMonth;
  part: number;
}

/** `2026-11` for part 1, `2026-11-2` for part 2: the document's name under /feeds/{section}/archive/. */
export function partName({ month, part }: ArchivePart): string {
  return part === 1 ? month : `${month}-${part}`;
}

/** The section's archive page; the Simplified twin's archives live under /zh-hans like its feeds. */
export function archiveIndexPath(section: string, script: Script = "zh-Hant"): string {
  return `${SCRIPT_PREFIX[script]}/feeds/${section}/archive/`;
}

export function archiveUrl(base: string, section: string, doc: ArchivePart, format: FeedFormat, script: Script = "zh-Hant"): string {
  return `${base}${archiveIndexPath(section, script)}${partName(doc)}.${format}`;
}

const FILE = /^(\d{4})-(\d{2})(?:-(\d{1,6}))?\.([a-z]+)$/;

/**
 * `2026-11.atom`, `2026-11-2.json` → the document and format asked for. A name that can never be an
 * archive (bad syntax, month 13, part 0 or 1 spelt out, a month that has not begun at `now`) is a 400
 * naming the path segment; an unknown format a 404, like feeds.
 */
export function parseArchiveFile(file: string, now: number): ArchivePart & { format: FeedFormat } {
  const match = FILE.exec(file);
  if (!match) {
    if (/^[^.]*\.(rss|atom|json)$/.test(file))
      throw badMonth(file, "archives are named YYYY-MM, or YYYY-MM-N for part N ≥ 2 of a busy month");
    throw new ProblemError(404, `No archive "${file}". Archives are /feeds/{section}/archive/{YYYY-MM}.{rss|atom|json}.`);
  }
  const [, year, monthNumber, partText, format] = match as unknown as [string, string, string, string | undefined, string];
  if (!FEED_FORMATS.includes(format as FeedFormat)) {
    throw new ProblemError(404, `No archive "${file}". Archives are /feeds/{section}/archive/{YYYY-MM}.{rss|atom|json}.`);
  }
  if (Number(monthNumber) < 1 || Number(monthNumber) > 12) throw badMonth(file, `${year}-${monthNumber} is not a month`);
  const month = `${year}-${monthNumber}`;
  if (month > monthOf(now)) throw badMonth(file, `${month} has not begun (months are counted in Beijing time, +08:00)`);
  let part = 1;
  if (partText !== undefined) {
    part = Number(partText);
    if (!/^[1-9]\d*$/.test(partText) || part < 2) throw badMonth(file, `parts are numbered from 2 (the first part is ${month}.${format})`);
  }
  return { month, part, format: format as FeedFormat };
}

function badMonth(file: string, detail: string): ProblemError {
  return new ProblemError(400, `Invalid archive "${file}": ${detail}.`, { errors: [{ pointer: "#/path/month", detail }] });
}
