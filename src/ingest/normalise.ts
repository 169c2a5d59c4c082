// Text normalisation on the way in: Unicode NFC, and removal of the characters XML 1.0 forbids
// (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF), so no feed can become invalid XML.

import { pointerToken } from "../http/problem";
import type { IngestWarning } from "../model/article";

const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function cleanText(text: string): { text: string; removed: number } {
  let removed = 0;
  const kept = text.replace(XML_FORBIDDEN, () => {
    removed++;
    return "";
  });
  return { text: kept.normalize("NFC"), removed };
}

/** Returns a copy of `value` with every string cleaned; removals are reported as warnings under `pointer`. */
export function normaliseStrings<T>(value: T, pointer: string, warnings: IngestWarning[]): T {
  if (typeof value === "string") {
    const { text, removed } = cleanText(value);
    if (removed > 0) {
      warnings.push({ pointer, detail: `removed ${removed} character(s) that XML 1.0 forbids` });
    }
    return text as T;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => normaliseStrings(v, `${pointer}/${i}`, warnings)) as T;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = normaliseStrings(v, `${pointer}/${pointerToken(k)}`, warnings);
    }
    return out as T;
  }
  return value;
}
