// GET /openapi.json: OpenAPI 3.1 of the whole HTTP API (docs/). Request bodies come from the JSON
// Schemas in schemas/ by import — the same files ingest validates against — so the two cannot drift;
// tests/openapi.test.ts checks every path here against the routes the app registers.
import articleSchema from "../../schemas/article.schema.json";
import partnerSchema from "../../schemas/partner.schema.json";
import { DEFAULT_FEED_LIMIT, MAX_FEED_LIMIT, PUBLICATION, SECTIONS } from "../config/publication";
import { FEED_FORMATS, feedMediaType } from "../feeds/model";

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

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const json = (description: string, schema: Json, headers?: Json) => ({
  description,
  content: { "application/json": { schema } },
  ...(headers ? { headers } : {}),
});

const SECTION_SLUGS = [...SECTIONS.map((s) => s.slug), "all"];

const pathParam = (name: string, description: string, schema: Json, example: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
  example,
});
const ARTICLE_ID_PARAM = pathParam("id", "The article's id.", articleSchema.properties.id, "gansu-20240218-lanzhou-minsheng");
const PARTNER_ID_PARAM = pathParam("id", "The partner's id.", partnerSchema.$defs.slug, "acme");
const FEED_PARAMS = [
  pathParam(
    "section",
    `A section slug, or \`all\`: ${SECTIONS.map((s) => `\`${s.slug}\` ${s.name}`).join(", ")}.`,
    { type: "string", enum: SECTION_SLUGS },
    "yaowen",
  ),
  pathParam("format", "`rss` (RSS 2.0), `atom` (Atom 1.0) or `json` (JSON Feed 1.1).", { type: "string", enum: [...FEED_FORMATS] }, "rss"),
  {
    name: "region",
    in: "query",
    description: "A region path slug; matches it and everything under it (`gansu` matches `gansu/lanzhou/chengguan`).",
    schema: { type: "string", pattern: "^[a-z0-9-]+(/[a-z0-9-]+)*$" },
    example: "gansu/lanzhou",
  },
  {
    name: "topic",
    in: "query",
    description: "One or more topic slugs, comma-separated: an item matches any of them.",
    schema: { type: "string", pattern: "^[a-z0-9-]+(,[a-z0-9-]+)*$" },
    example: "transport,tourism",
  },
  {
    name: "limit",
    in: "query",
    description: `How many items, newest first (default ${DEFAULT_FEED_LIMIT}).`,
    schema: { type: "integer", minimum: 1, maximum: MAX_FEED_LIMIT, default: DEFAULT_FEED_LIMIT },
  },
];

const FEED_HEADERS = {
  ETag: { description: "Strong validator; `If-None-Match` (weak comparison) answers 304.", schema: { type: "string" } },
  "Last-Modified": { description: "Never earlier than the newest change the feed shows.", schema: { type: "string" } },
  "Cache-Control": { description: "`max-age` of at most 300 s (partner feeds: `private`).", schema: { type: "string" } },
  Link: { description: 'rel="self", rel="alternate" for the other two formats, rel="license".', schema: { type: "string" } },
  "Syndication-License": {
    description: 'RFC 9651 dictionary, e.g. `scope=public, license="public-reading", url="…", attribution=%"…"`.',
    schema: { type: "string" },
  },
  Vary: { description: "`Accept`: browsers that prefer text/html get a readable page of the same feed.", schema: { type: "string" } },
};

const feedContent = {
  ...Object.fromEntries(
    FEED_FORMATS.map((format) => [feedMediaType(format), { schema: format === "json" ? { type: "object" } : { type: "string" } }]),
  ),
  "text/html": {
    schema: { type: "string", description: "A readable page, only when Accept prefers text/html over every feed type (a browser)." },
  },
};

const feedResponses = (scope: "public" | "partner") => ({
  "200": { description: `The feed, in the format the path names.`, headers: FEED_HEADERS, content: feedContent },
  "304": { description: "Not modified since the `If-None-Match` / `If-Modified-Since` given." },
  "400": problem("A filter value is malformed (`errors` names it)."),
  ...(scope === "partner"
    ? {
        "401": problem("No valid partner key (`WWW-Authenticate: Bearer`)."),
        "403": problem("Outside the partner's licence: section, filter disjoint from it, or expired."),
        "429": problem("Over the partner's rate limit; see `Retry-After` (seconds)."),
      }
    : {}),
  "404": problem("Unknown section."),
});

const signed = [{ webhookSignature: [] }];
const admin = [{ adminToken: [] }];
const partner = [{ partnerKey: [] }, { partnerKeyQuery: [] }];

const INGEST_OUTCOMES = {
  "200": json("What happened to each article (a replayed `webhook-id` answers the first delivery's results).", ref("IngestResponse")),
  "401": problem("Missing or bad signature, or a timestamp more than 5 minutes off."),
};

const paths = {
  "/v1/articles": {
    post: {
      tags: ["ingest"],
      summary: "Push one article or a batch of up to 100 (created, updated, unchanged or stale).",
      security: signed,
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: { oneOf: [ref("Article"), { type: "array", items: ref("Article"), minItems: 1, maxItems: 100 }] } },
        },
      },
      responses: {
        ...INGEST_OUTCOMES,
        "400": problem("Malformed JSON or UTF-8."),
        "413": problem("Body over 1 MiB."),
        "415": problem("Not `application/json`."),
        "422": problem("Schema violations, each with a JSON pointer in `errors`; nothing is stored."),
      },
    },
  },
  "/v1/articles/{id}": {
    parameters: [ARTICLE_ID_PARAM],
    delete: {
      tags: ["ingest"],
      summary: "Withdraw an article everywhere (signed over an empty body).",
      security: signed,
      responses: { ...INGEST_OUTCOMES, "404": problem("No article with this id was ever stored.") },
    },
    get: {
      tags: ["ingest"],
      summary: "The article as stored: the pushed fields, normalised, with `version` and `status`.",
      security: admin,
      responses: {
        "200": json("The stored article.", ref("StoredArticle")),
        "401": problem("Missing or wrong admin token."),
        "404": problem("No article with this id was ever stored."),
      },
    },
  },
  "/feeds/{section}.{format}": {
    parameters: FEED_PARAMS,
    get: {
      tags: ["feeds"],
      summary: "A public feed: published, unembargoed articles, newest first.",
      security: [],
      responses: feedResponses("public"),
    },
  },
  "/partner/feeds/{section}.{format}": {
    parameters: FEED_PARAMS,
    get: {
      tags: ["partners"],
      summary: "A licensed feed: what the partner's licence covers, per item `rights.syndication`; Atom adds RFC 6721 tombstones.",
      security: partner,
      responses: feedResponses("partner"),
    },
  },
  "/partner/withdrawals": {
    get: {
      tags: ["partners"],
      summary: "Items withdrawn since a time that the partner's licence covered (open after the licence expires).",
      security: partner,
      parameters: [
        {
          name: "since",
          in: "query",
          required: true,
          schema: { type: "string", format: "date-time" },
          example: "2024-02-01T00:00:00+08:00",
        },
      ],
      responses: {
        "200": json("Withdrawn items, oldest first.", ref("Withdrawals")),
        "400": problem("`since` is missing or not RFC 3339."),
        "401": problem("No valid partner key."),
        "429": problem("Over the rate limit."),
      },
    },
  },
  "/v1/partners/{id}": {
    parameters: [PARTNER_ID_PARAM],
    put: {
      tags: ["admin"],
      summary: "Create or replace a partner and its licence (a past `expires_at` ends the licence).",
      security: admin,
      requestBody: { required: true, content: { "application/json": { schema: ref("Partner") } } },
      responses: {
        "200": json("The partner record (never a key or its hash).", ref("Partner.record")),
        "201": json("Created.", ref("Partner.record")),
        "400": problem("Malformed JSON."),
        "401": problem("Missing or wrong admin token."),
        "413": problem("Body over 64 KiB."),
        "415": problem("Not `application/json`."),
        "422": problem("Invalid fields, each with a JSON pointer in `errors`."),
      },
    },
    get: {
      tags: ["admin"],
      summary: "The partner record, never a key or its hash.",
      security: admin,
      responses: {
        "200": json("The partner record.", ref("Partner.record")),
        "401": problem("Missing or wrong admin token."),
        "404": problem("No such partner."),
      },
    },
  },
  "/v1/partners/{id}/keys": {
    parameters: [PARTNER_ID_PARAM],
    post: {
      tags: ["admin"],
      summary: "Issue a new key, shown once and stored only as a hash; earlier keys stop working.",
      security: admin,
      responses: {
        "201": json("The new key.", { type: "object", required: ["key"], properties: { key: { type: "string" } } }),
        "401": problem("Missing or wrong admin token."),
        "404": problem("No such partner."),
      },
    },
  },
  "/v1/partners/{id}/usage": {
    parameters: [PARTNER_ID_PARAM],
    get: {
      tags: ["admin"],
      summary: "The partner's 200 and 304 responses, counted by UTC day and feed.",
      security: admin,
      responses: {
        "200": json("Usage counts.", ref("Usage")),
        "401": problem("Missing or wrong admin token."),
        "404": problem("No such partner."),
      },
    },
  },
  "/": {
    get: {
      tags: ["discovery"],
      summary: "HTML directory of sections and their feeds, with autodiscovery links.",
      security: [],
      responses: { "200": { description: "An HTML page.", content: { "text/html": { schema: { type: "string" } } } } },
    },
  },
  "/feeds.opml": {
    get: {
      tags: ["discovery"],
      summary: "OPML 2.0: one RSS outline per section and `all`, to import into a reader.",
      security: [],
      responses: { "200": { description: "OPML 2.0.", content: { "text/x-opml": { schema: { type: "string" } } } } },
    },
  },
  "/licenses/{id}": {
    parameters: [pathParam("id", "A licence id (`public-reading`, or a partner licence).", { type: "string" }, "public-reading")],
    get: {
      tags: ["discovery"],
      summary: "A licence as a readable page.",
      security: [],
      responses: {
        "200": { description: "An HTML page.", content: { "text/html": { schema: { type: "string" } } } },
        "404": problem("No such licence."),
      },
    },
  },
  "/openapi.json": {
    get: { tags: ["discovery"], summary: "This document.", security: [], responses: { "200": json("OpenAPI 3.1.", { type: "object" }) } },
  },
  "/healthz": {
    get: {
      tags: ["discovery"],
      summary: "Liveness.",
      security: [],
      responses: { "200": json("Up.", { type: "object", properties: { status: { const: "ok" } } }) },
    },
  },
};

const schemas = {
  ...schemaComponents("Article", articleSchema as Json),
  ...schemaComponents("Partner", partnerSchema as Json),
  StoredArticle: {
    description: "An article as stored: the pushed fields normalised, every default filled in.",
    allOf: [ref("Article")],
    required: ["status", "language", "updated_at", "rights"],
  },
  IngestResponse: {
    type: "object",
    required: ["results", "warnings"],
    properties: {
      results: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "version", "outcome"],
          properties: {
            id: { type: "string" },
            version: { type: "integer" },
            outcome: { enum: ["created", "updated", "unchanged", "stale", "withdrawn"] },
          },
        },
      },
      warnings: { type: "array", items: ref("FieldError") },
    },
  },
  FieldError: {
    type: "object",
    required: ["pointer", "detail"],
    properties: {
      pointer: { type: "string", description: 'RFC 6901 JSON pointer into the body (`""` is the whole body).' },
      detail: { type: "string" },
    },
  },
  Problem: {
    description: "RFC 9457 problem details.",
    type: "object",
    required: ["title", "status"],
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      errors: { type: "array", items: ref("FieldError") },
    },
  },
  Withdrawals: {
    type: "object",
    required: ["withdrawals"],
    properties: {
      withdrawals: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "ref", "url", "withdrawn_at"],
          properties: {
            id: { type: "string" },
            ref: { type: "string", description: "The withdrawn entry's atom:id." },
            url: { type: "string", format: "uri" },
            withdrawn_at: { type: "string", format: "date-time" },
          },
        },
      },
    },
  },
  Usage: {
    type: "object",
    description: "Pulls counted by UTC day, then feed (`yaowen.atom`, `all.json`, `withdrawals`), then response status (`200`, `304`).",
    required: ["partner", "days"],
    properties: {
      partner: { type: "string" },
      days: {
        type: "object",
        additionalProperties: {
          type: "object",
          additionalProperties: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
        },
      },
    },
    example: { partner: "acme", days: { "2026-11-27": { "yaowen.atom": { "200": 12, "304": 40 } } } },
  },
};

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
      { name: "admin", description: "Partner and licence administration (bearer ADMIN_TOKEN)." },
      { name: "discovery", description: "Pages and documents for people and tools." },
    ],
    paths,
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
