// Text normalisation on the way in: every string of an article cleaned as model/text.ts says
// (NFC, nothing XML forbids or discourages), each removal reported as a warning naming the field.
import { pointerToken } from "../http/problem";
import type { IngestWarning } from "../model/article";
import { cleanText } from "../model/text";

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
