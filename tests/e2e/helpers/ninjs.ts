// IPTC's ninjs schemas (schemas/vendor/ninjs/), compiled with Ajv in 2020-12 mode and its formats:
// a validator written independently of the service, for every ninjs document the tests see.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const vendor = new URL("../../../schemas/vendor/ninjs/", import.meta.url);
const load = (file: string) => JSON.parse(readFileSync(new URL(file, vendor), "utf8"));

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(load("GeoJSON.json"));

export const ninjsValidators = {
  "2.2": ajv.compile(load("ninjs-schema_2.2.json")),
  "3.1": ajv.compile(load("ninjs-schema_3.1.json")),
};

/** The schema's complaints about a document, empty when it is valid. */
export function ninjsErrors(version: "2.2" | "3.1", doc: unknown): string[] {
  const validate = ninjsValidators[version];
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
