// Validates pushed articles against schemas/article.schema.json with @cfworker/json-schema
// (no eval, so it runs on Workers), and turns its output into RFC 9457 field errors.
import { Validator } from "@cfworker/json-schema";
import articleSchema from "../../schemas/article.schema.json";
import { isConfiguredSection } from "../config/publication";
import type { FieldError } from "../http/problem";
import { schemaFieldErrors } from "../http/schema-errors";
import type { ArticleInput } from "../model/article";

const BODY_HTML_MAX_BYTES = 512 * 1024;
const validator = new Validator(articleSchema as object, "2020-12", false);

export function validateArticle(
  value: unknown,
  pointer: string,
): { ok: true; article: ArticleInput } | { ok: false; errors: FieldError[] } {
  const result = validator.validate(value);
  if (!result.valid) return { ok: false, errors: schemaFieldErrors(articleSchema, result.errors, value, pointer) };
  const errors: FieldError[] = [];
  const article = value as ArticleInput;
  if (!isConfiguredSection(article.section)) {
    errors.push({ pointer: `${pointer}/section`, detail: `"${article.section}" is not a configured section.` });
  }
  if (new TextEncoder().encode(article.body_html).byteLength > BODY_HTML_MAX_BYTES) {
    errors.push({ pointer: `${pointer}/body_html`, detail: "body_html is larger than 512 KiB." });
  }
  for (const [field, stamp] of [
    ["published_at", article.published_at],
    ["updated_at", article.updated_at],
    ["embargo_until", article.embargo_until],
  ] as const) {
    if (stamp !== undefined && Number.isNaN(Date.parse(stamp))) {
      errors.push({ pointer: `${pointer}/${field}`, detail: "is not a valid RFC 3339 date-time." });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, article };
}
