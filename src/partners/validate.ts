// Validates PUT /v1/partners/{id} bodies against schemas/partner.schema.json with @cfworker/json-schema
// (no eval, so it runs on Workers), then the rules a schema cannot state: configured sections, a
// licence id that is not the public one, a parseable expiry. Text is normalised on the way in.
import { Validator } from "@cfworker/json-schema";
import partnerSchema from "../../schemas/partner.schema.json";
import { isConfiguredSection, PUBLIC_LICENCE } from "../config/publication";
import type { FieldError } from "../http/problem";
import { schemaFieldErrors } from "../http/schema-errors";
import { cleanText } from "../model/text";
import { EVERY_SECTION, type PartnerInput } from "./model";

const validator = new Validator(partnerSchema as object, "2020-12", false);

/** Every control character (CR, LF and TAB included) and the line and paragraph separators. */
const LINE_BREAKING = /\p{Cc}|\p{Zl}|\p{Zp}/gu;

/** One line of text as we keep it: what ingest keeps (NFC, nothing XML forbids), on one line, trimmed. */
export function cleanLine(text: string): string {
  return cleanText(text).text.replace(LINE_BREAKING, "").trim();
}

export type PartnerValidation = { ok: true; partner: PartnerInput } | { ok: false; errors: FieldError[] };

export function validatePartner(value: unknown): PartnerValidation {
  const result = validator.validate(value);
  if (!result.valid) {
    const errors = schemaFieldErrors(partnerSchema, result.errors, value);
    return { ok: false, errors: errors.length ? errors : [{ pointer: "", detail: "does not match the partner schema." }] };
  }

  const input = value as PartnerInput;
  const errors: FieldError[] = [];
  if (input.sections.includes(EVERY_SECTION) && input.sections.length > 1) {
    errors.push({ pointer: "/sections", detail: `"*" licenses every section; give it alone.` });
  }
  input.sections.forEach((slug, i) => {
    if (slug !== EVERY_SECTION && !isConfiguredSection(slug)) {
      errors.push({ pointer: `/sections/${i}`, detail: `"${slug}" is not a configured section (use "*" for every section).` });
    }
  });
  if (input.license.id === PUBLIC_LICENCE.id) {
    errors.push({ pointer: "/license/id", detail: `"${PUBLIC_LICENCE.id}" is the public licence; give the partner's own licence id.` });
  }
  if (Number.isNaN(Date.parse(input.license.expires_at))) {
    errors.push({ pointer: "/license/expires_at", detail: "is not a valid RFC 3339 date-time." });
  }
  if (!isHttpUrl(input.license.url)) errors.push({ pointer: "/license/url", detail: "is not an absolute http(s) URL." });
  const attribution = cleanLine(input.license.attribution);
  if (!attribution) errors.push({ pointer: "/license/attribution", detail: "has no text once control characters are removed." });
  const name = cleanLine(input.name);
  if (!name) errors.push({ pointer: "/name", detail: "has no text once control characters are removed." });
  if (errors.length) return { ok: false, errors };

  const { title, text } = input.license;
  return {
    ok: true,
    partner: {
      ...input,
      name,
      license: {
        ...input.license,
        attribution,
        ...(title !== undefined && cleanLine(title) ? { title: cleanLine(title) } : {}),
        ...(text !== undefined ? { text: text.map(cleanLine).filter(Boolean) } : {}),
      },
    },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
}
