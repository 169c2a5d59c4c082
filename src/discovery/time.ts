// Dates as readers of the portal expect them: Beijing time (Asia/Shanghai), written the Chinese way.
// China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and needs no ICU data.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** "2024年2月18日 10:05" for 2024-02-18T02:05:24Z; the input as is when it is not a date. */
export function formatShanghaiTime(timestamp: string): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return timestamp;
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}`;
}
