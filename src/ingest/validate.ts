// Validates pushed articles against schemas/article.schema.json with @cfworker/json-schema
// (no eval, so it runs on Workers), and turns its output into RFC 9457 field errors.
import { type OutputUnit, Validator } from "@cfworker/json-schema";
import articleSchema from "../../schemas/article.schema.json";
import { isConfiguredSection } from "../config/publication";
import type { FieldError } from "../http/problem";
import type { ArticleInput } from "../model/article";

const BODY_HTML_MAX_BYTES = 512 * 1024;
const validator = new Validator(articleSchema as object, "2020-12", false);

/** Keywords that only say "a child failed"; the child's own error is the useful one. */
const AGGREGATE_KEYWORDS = new Set(["properties", "items", "$ref", "allOf", "anyOf", "oneOf", "additionalProperties", "prefixItems"]);

export function validateArticle(
  value: unknown,
  pointer: string,
): { ok: true; article: ArticleInput } | { ok: false; errors: FieldError[] } {
  const result = validator.validate(value);
  const errors: FieldError[] = [];
  if (!result.valid) {
    const seen = new Set<string>();
    for (const unit of result.errors) {
      if (AGGREGATE_KEYWORDS.has(unit.keyword)) continue;
      for (const error of fieldErrors(unit, value, pointer)) {
        const key = `${error.pointer}\u0000${error.detail}`;
        if (!seen.has(key)) {
          seen.add(key);
          errors.push(error);
        }
      }
    }
    return { ok: false, errors };
  }
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

function fieldErrors(unit: OutputUnit, instance: unknown, base: string): FieldError[] {
  const at = unit.instanceLocation.replace(/^#/, "");
  switch (unit.keyword) {
    case "false":
      return [{ pointer: base + at, detail: "is not a field of this schema." }];
    case "required": {
      // Name every missing field, not the first one the validator stopped at.
      const parent = resolvePointer(instance, at);
      const missing = requiredAt(unit.keywordLocation).filter((name) => !Object.hasOwn(Object(parent), name));
      return missing.length
        ? missing.map((name) => ({ pointer: `${base + at}/${name}`, detail: "is required." }))
        : [{ pointer: base + at, detail: unit.error }];
    }
    default:
      return [{ pointer: base + at, detail: unit.error }];
  }
}

/** The `required` list a keywordLocation such as "#/properties/source/required" points at, following $refs. */
function requiredAt(keywordLocation: string): string[] {
  let node: unknown = articleSchema;
  for (const token of keywordLocation.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    node = (node as Record<string, unknown>)?.[token];
    if (token === "$ref" && typeof node === "string") node = resolvePointer(articleSchema, node.replace(/^#/, ""));
  }
  return Array.isArray(node) ? (node as string[]) : [];
}

function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split("/").slice(1)) {
    const token = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
