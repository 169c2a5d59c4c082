// Items rendered once with holes for what differs per partner (licence URL, credit line, usage terms),
// filled per request by string replacement: partner feeds and the change feed never re-render an item.
//
// A hole is U+0001 followed by the slot's letter and how its value is escaped there. U+0001 is never
// in a template's own text: JSON.stringify escapes control characters, and XML cannot carry them.

/** What a partner's licence puts into an item. */
export interface LicenceSlots {
  /** The licence's URL (`rel="license"`, ninjs `linkedrights`). */
  licenceUrl: string;
  /** The credit line the licence requires. */
  attribution: string;
  /** A sentence on how the item may be used under this licence (ninjs `usageterms`). */
  usageTerms: string;
}

type Slot = keyof LicenceSlots;
/** x: XML text or attribute; c: inside a CDATA section; j: inside a JSON string. */
type Mode = "x" | "c" | "j";

const MARK = "\u0001";
const LETTERS: Record<Slot, string> = { licenceUrl: "L", attribution: "A", usageTerms: "U" };
const SLOT_OF: Record<string, Slot> = { L: "licenceUrl", A: "attribution", U: "usageTerms" };

/**
 * Renders with a unique stand-in for each slot, then turns each stand-in into a hole marked with how
 * its surroundings escape text. The stand-ins are random, so no article text can be mistaken for one.
 */
export function renderWithSlots(syntax: "xml" | "json", render: (slots: LicenceSlots) => string): string {
  const nonce = crypto.randomUUID().replaceAll("-", "");
  const standIns: LicenceSlots = {
    licenceUrl: `https://slot-${nonce}.invalid/L`,
    attribution: `slot${nonce}A`,
    usageTerms: `slot${nonce}U`,
  };
  let text = render(standIns);
  for (const slot of Object.keys(standIns) as Slot[]) {
    const standIn = standIns[slot];
    let at = text.indexOf(standIn);
    while (at >= 0) {
      const mode: Mode = syntax === "json" ? "j" : insideCdata(text, at) ? "c" : "x";
      text = `${text.slice(0, at)}${MARK}${LETTERS[slot]}${mode}${text.slice(at + standIn.length)}`;
      at = text.indexOf(standIn, at);
    }
  }
  return text;
}

function insideCdata(text: string, at: number): boolean {
  return text.lastIndexOf("<![CDATA[", at) > text.lastIndexOf("]]>", at);
}

/** The escaped forms of one partner's slot values, computed once per request (or per licence). */
export type FilledSlots = Record<string, string>;

export function slotValues(slots: LicenceSlots): FilledSlots {
  const values: FilledSlots = {};
  for (const [letter, slot] of Object.entries(SLOT_OF)) {
    const value = slots[slot];
    values[`${letter}x`] = value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    values[`${letter}c`] = value.replaceAll("]]>", "]]]]><![CDATA[>");
    values[`${letter}j`] = JSON.stringify(value).slice(1, -1);
  }
  return values;
}

/** Fills every hole of a template (or of many templates joined). */
export function fillSlots(template: string, values: FilledSlots): string {
  const parts = template.split(MARK);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    out += values[part.slice(0, 2)]! + part.slice(2);
  }
  return out;
}
