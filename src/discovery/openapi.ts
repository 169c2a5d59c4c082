// GET /openapi.json: OpenAPI 3.1 of the whole HTTP API (docs/), assembled from two sources only: the
// operations in openapi-paths.ts, and every request and response body as the JSON Schema in schemas/ that
// validates it or generates its TypeScript type — so the document, the validators and the types cannot drift.
// tests/openapi.test.ts checks the paths against the routes; src/index.ts holds every answer to the statuses.
import articleSchema from "../../schemas/article.schema.json";
import changesSchema from "../../schemas/changes.schema.json";
import ingestResponseSchema from "../../schemas/ingest-response.schema.json";
import partnerSchema from "../../schemas/partner.schema.json";
import partnerKeySchema from "../../schemas/partner-key.schema.json";
import problemSchema from "../../schemas/problem.schema.json";
import usageSchema from "../../schemas/usage.schema.json";
import websubSchema from "../../schemas/websub.schema.json";
import withdrawalsSchema from "../../schemas/withdrawals.schema.json";
import { PUBLICATION } from "../config/publication";
import type { OpenApiPaths } from "../http/documented-statuses";
import { API_PATHS, ref } from "./openapi-paths";

type Json = Record<string, unknown>;

/**
 * A JSON Schema file as OpenAPI components: its `$defs` become sibling components named `<name>.<def>`
 * and its internal `#/$defs/…` references are rewritten to them, so every `$ref` resolves against this
 * document whatever tool reads it (not every tool honours an embedded `$id`).
 */
export function schemaComponents(name: string, schema: Json): Record<string, Json> {
  const { $schema: _dialect, $id: _id, $defs = {}, ...root } = schema as Json & { $defs?: Record<string, Json> };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/") ? `#/components/schemas/${name}.${v.slice(8)}` : rewrite(v),
      ]),
    );
  };
  const components: Record<string, Json> = { [name]: rewrite(root) as Json };
  for (const [def, sub] of Object.entries($defs)) components[`${name}.${def}`] = rewrite(sub) as Json;
  return components;
}

/** Every body schema, as components named by the schema's `title` (a new file in schemas/ is added here). */
const BODY_SCHEMAS: Json[] = [
  articleSchema,
  partnerSchema,
  problemSchema,
  ingestResponseSchema,
  withdrawalsSchema,
  changesSchema,
  usageSchema,
  partnerKeySchema,
  websubSchema,
];

const schemas = {
  ...Object.assign({}, ...BODY_SCHEMAS.map((schema) => schemaComponents(schema.title as string, schema))),
  StoredArticle: {
    description: "An article as stored: the pushed fields normalised, every default filled in.",
    allOf: [ref("Article")],
    required: ["status", "language", "updated_at", "rights"],
  },
};

/** Any operation may fail on our side; every one documents it, so no route has to. */
const SERVER_ERROR = {
  description: "Something went wrong on our side (problem+json).",
  content: { "application/problem+json": { schema: ref("Problem") } },
};

/** Each path's operations, with the 500 every operation can answer. */
export const DOCUMENTED_PATHS: OpenApiPaths = Object.fromEntries(
  Object.entries(API_PATHS).map(([path, item]) => [
    path,
    Object.fromEntries(
      Object.entries(item).map(([key, value]) =>
        key === "parameters"
          ? [key, value]
          : [key, { ...value, responses: { ...(value as { responses: Json }).responses, "500": SERVER_ERROR } }],
      ),
    ),
  ]),
);

export function openApiDocument(base: string): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: `${PUBLICATION.title} feed syndication API`,
      version: "1.0.0",
      description:
        "Signed CMS ingest, public RSS 2.0 / Atom 1.0 / JSON Feed 1.1 feeds per section, licensed partner feeds and their admin. " +
        "Errors are RFC 9457 `application/problem+json`.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: base }],
    tags: [
      { name: "ingest", description: "The CMS pushes and withdraws articles (Standard Webhooks signatures)." },
      { name: "feeds", description: "Public feeds for readers." },
      { name: "partners", description: "Licensed feeds for aggregator partners." },
      { name: "websub", description: "Push: a WebSub hub for the public feeds (docs/websub.md)." },
      { name: "admin", description: "Partner, licence and WebSub administration (bearer ADMIN_TOKEN)." },
      { name: "discovery", description: "Pages and documents for people and tools." },
    ],
    paths: DOCUMENTED_PATHS,
    components: {
      schemas,
      securitySchemes: {
        webhookSignature: {
          type: "apiKey",
          in: "header",
          name: "webhook-signature",
          description:
            "Standard Webhooks: `webhook-id`, `webhook-timestamp` (unix seconds, within 5 minutes) and `webhook-signature` " +
            '(`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with CMS_WEBHOOK_SECRET).',
        },
        adminToken: { type: "http", scheme: "bearer", description: "The ADMIN_TOKEN secret." },
        partnerKey: { type: "http", scheme: "bearer", description: "A partner key from POST /v1/partners/{id}/keys." },
        partnerKeyQuery: {
          type: "apiKey",
          in: "query",
          name: "key",
          description: "The partner key, for fetchers that cannot set headers.",
        },
      },
    },
  };
}
