// Text normalisation on the way in: Unicode NFC, and removal of the characters XML 1.0 forbids
// (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF), so no feed can become invalid XML.
// The C1 controls and noncharacters XML 1.0 §2.2 discourages go too: in news text they are
// always mis-decoded bytes, and validators flag them in every feed that carries them.

import { pointerToken } from "../http/problem";
import type { IngestWarning } from "../model/article";

const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_DISCOURAGED = /[\u007F-\u009F]|\p{Noncharacter_Code_Point}/gu;

export function cleanText(text: string): { text: string; removed: number } {
  let removed = 0;
  const drop = () => {
    removed++;
    return "";
  };
  const kept = text.replace(XML_FORBIDDEN, drop).replace(XML_DISCOURAGED, drop);
  return { text: kept.normalize("NFC"), removed };
}

/** Returns a copy of `value` with every string cleaned; removals are reported as warnings under `pointer`. */
export function normaliseStrings<T>(value: T, pointer: string, warnings: IngestWarning[]): T {
  if (typeof value === "string") {
    const { text, removed } = cleanText(value);
    if (removed > 0) {
      warnings.push({ pointer, detail: `removed ${removed} character(s) that XML 1.0 forbids or discourages` });
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
