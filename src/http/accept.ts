// HTTP Accept negotiation (RFC 9110 §12.5.1): the quality a client gives one media type, taking it from
// the most specific range that matches (an exact type and subtype, then a whole type, then any type).

interface MediaRange {
  type: string;
  subtype: string;
  /** Whether the range carries parameters other than q (e.g. `application/signed-exchange;v=b3`). */
  hasParams: boolean;
  q: number;
}

export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(",")) {
    const [range, ...params] = part.split(";").map((s) => s.trim());
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(range ?? "");
    if (!match) continue;
    let q = 1;
    let hasParams = false;
    let valid = true;
    for (const param of params) {
      const [name, value] = param.split("=").map((s) => s.trim());
      if (name?.toLowerCase() === "q") {
        // RFC 9110 §12.4.2: 0 to 1 with at most three decimals; a malformed weight voids the range.
        if (!value || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value)) valid = false;
        else q = Number(value);
        break; // parameters after q are accept-extensions, not media-type parameters
      }
      if (name) hasParams = true;
    }
    if (valid) ranges.push({ type: match[1]!.toLowerCase(), subtype: match[2]!.toLowerCase(), hasParams, q });
  }
  return ranges;
}

function specificity(range: MediaRange, type: string, subtype: string): number {
  if (range.type === "*" && range.subtype === "*") return 1;
  if (range.type !== type) return 0;
  if (range.subtype === "*") return 2;
  if (range.subtype !== subtype) return 0;
  return range.hasParams ? 3 : 4;
}

/** The q-value `ranges` give `mediaType` (0 when nothing matches, i.e. not acceptable). */
export function qualityOf(ranges: readonly MediaRange[], mediaType: string): number {
  const [type = "", subtype = ""] = mediaType.toLowerCase().split("/");
  let best = 0;
  let q = 0;
  for (const range of ranges) {
    const s = specificity(range, type, subtype);
    if (s > best || (s === best && s > 0 && range.q > q)) {
      best = s;
      q = range.q;
    }
  }
  return q;
}

/**
 * True only when `accept` gives `preferred` a strictly higher quality than every one of `others`, each
 * taken from its most specific matching range. A tie (any type alone, or no header at all) is false.
 */
export function prefersOver(accept: string | undefined, preferred: string, others: readonly string[]): boolean {
  if (!accept?.trim()) return false;
  const ranges = parseAccept(accept);
  const q = qualityOf(ranges, preferred);
  return q > 0 && others.every((type) => q > qualityOf(ranges, type));
}
