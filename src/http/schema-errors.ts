// Turns @cfworker/json-schema's output into RFC 9457 field errors: one per failing field, each with
// the JSON pointer of that field (a missing one included), for every schema in schemas/.
import type { OutputUnit } from "@cfworker/json-schema";
import type { FieldError } from "./problem";

/** Keywords that only say "a child failed"; the child's own error is the useful one. */
const AGGREGATE_KEYWORDS = new Set(["properties", "items", "$ref", "allOf", "anyOf", "oneOf", "additionalProperties", "prefixItems"]);

/** Field errors for `instance` under `schema`; pointers are prefixed with `base` (e.g. "/3" in a batch). */
export function schemaFieldErrors(schema: object, units: readonly OutputUnit[], instance: unknown, base = ""): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const unit of units) {
    if (AGGREGATE_KEYWORDS.has(unit.keyword)) continue;
    for (const error of fieldErrors(schema, unit, instance, base)) {
      const key = `${error.pointer}\u0000${error.detail}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push(error);
    }
  }
  return errors;
}

function fieldErrors(schema: object, unit: OutputUnit, instance: unknown, base: string): FieldError[] {
  const at = unit.instanceLocation.replace(/^#/, "");
  switch (unit.keyword) {
    case "false":
      return [{ pointer: base + at, detail: "is not a field of this schema." }];
    case "required": {
      // Name every missing field, not the first one the validator stopped at.
      const parent = resolvePointer(instance, at);
      const missing = requiredAt(schema, unit.keywordLocation).filter((name) => !Object.hasOwn(Object(parent), name));
      return missing.length
        ? missing.map((name) => ({ pointer: `${base + at}/${name}`, detail: "is required." }))
        : [{ pointer: base + at, detail: unit.error }];
    }
    default:
      return [{ pointer: base + at, detail: unit.error }];
  }
}

/** The `required` list a keywordLocation such as "#/properties/source/required" points at, following $refs. */
function requiredAt(schema: object, keywordLocation: string): string[] {
  let node: unknown = schema;
  for (const token of keywordLocation.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    node = (node as Record<string, unknown>)?.[token];
    if (token === "$ref" && typeof node === "string") node = resolvePointer(schema, node.replace(/^[^#]*#/, ""));
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
