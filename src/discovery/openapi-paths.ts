// Every route of the HTTP API and every status it answers: the one place a route is documented.
// Adding a route? Add its operation here, with each status it can answer; bodies are JSON Schemas in
// schemas/ (shown as components named by their `title`). src/index.ts holds every answer to this list
// (http/documented-statuses.ts): under test, an undocumented status or route becomes a failing 500.
import articleSchema from "../../schemas/article.schema.json";
import partnerSchema from "../../schemas/partner.schema.json";
import { CACHE_CONTROL, FEED_MAX_AGE_SECONDS } from "../config/cache";
import { DEFAULT_FEED_LIMIT, MAX_FEED_LIMIT, SECTIONS } from "../config/publication";
import { DEFAULT_CHANGES_LIMIT, MAX_CHANGES_LIMIT } from "../feeds/change-log";
import { FEED_FORMATS, feedMediaType } from "../feeds/model";

type Json = Record<string, unknown>;

/** A response whose body is the JSON Schema component `name` (a schema's `title`, or `<title>.<$defs name>`). */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const json = (description: string, schema: Json, headers?: Json) => ({
  description,
  content: { "application/json": { schema } },
  ...(headers ? { headers } : {}),
});
const html = (description: string) => ({ description, content: { "text/html": { schema: { type: "string" } } } });

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

const feedHeaders = (scope: "public" | "partner") => ({
  ETag: { description: "Strong validator; `If-None-Match` (weak comparison) answers 304.", schema: { type: "string" } },
  "Last-Modified": { description: "Never earlier than the newest change the feed shows.", schema: { type: "string" } },
  "Cache-Control": {
    description:
      scope === "public"
        ? `\`${CACHE_CONTROL.publicFeed}\`: shared caches may keep it ${FEED_MAX_AGE_SECONDS} s.`
        : `\`${CACHE_CONTROL.partner}\` (\`${CACHE_CONTROL.partnerNoStore}\` while KV catches up with a change): never in a shared cache.`,
    schema: { type: "string" },
  },
  Link: {
    description:
      'rel="self", rel="alternate" for the other two formats, rel="alternate" with `hreflang` for the same public feed in the other script (zh-Hant / zh-Hans), rel="license".',
    schema: { type: "string" },
  },
  "Syndication-License": {
    description: 'RFC 9651 dictionary, e.g. `scope=public, license="public-reading", url="…", attribution=%"…"`.',
    schema: { type: "string" },
  },
  Vary:
    scope === "public"
      ? { description: "`Accept`: browsers that prefer text/html get a readable page of the same feed.", schema: { type: "string" } }
      : { description: "`Authorization`.", schema: { type: "string" } },
});

const feedContent = (scope: "public" | "partner") => ({
  ...Object.fromEntries(
    FEED_FORMATS.map((format) => [feedMediaType(format), { schema: format === "json" ? { type: "object" } : { type: "string" } }]),
  ),
  ...(scope === "public"
    ? {
        "text/html": {
          schema: { type: "string", description: "A readable page, only when Accept prefers text/html over every feed type (a browser)." },
        },
      }
    : {}),
});

const feedResponses = (scope: "public" | "partner") => ({
  "200": { description: `The feed, in the format the path names.`, headers: feedHeaders(scope), content: feedContent(scope) },
  "304": { description: "Not modified since the `If-None-Match` / `If-Modified-Since` given." },
  "400": problem("A filter value is malformed (`errors` names it)."),
  ...(scope === "partner"
    ? {
        "401": problem("No valid partner key (`WWW-Authenticate: Bearer`)."),
        "403": problem("Outside the partner's licence: section, filter disjoint from it, or expired."),
        "429": problem("Over the partner's rate limit; see `Retry-After` (seconds)."),
      }
    : {}),
  "404": problem("No such feed: an unknown section or format."),
});

const signed = [{ webhookSignature: [] }];
const admin = [{ adminToken: [] }];
const partner = [{ partnerKey: [] }, { partnerKeyQuery: [] }];

const INGEST_OUTCOME = json(
  "What happened to each article (a replayed `webhook-id` answers the first delivery's response).",
  ref("IngestResponse"),
);
const BAD_SIGNATURE = problem("Missing or bad signature, or a timestamp more than 5 minutes off.");
const NO_ADMIN_TOKEN = problem("Missing or wrong admin token (`WWW-Authenticate: Bearer`).");
const NO_SUCH_PARTNER = problem("No such partner (or not a partner id: ids are lowercase slugs).");

/** An archive document (RFC 5005), in either script. */
const archiveDocument = (summary: string) => ({
  parameters: [
    FEED_PARAMS[0],
    pathParam(
      "month",
      "The month in Beijing time (+08:00), `YYYY-MM`; a busy month's part N ≥ 2 is `YYYY-MM-N` (part 1 holds the month's oldest items).",
      { type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])(-([2-9]|[1-9]\\d+))?$" },
      "2024-01",
    ),
    FEED_PARAMS[1],
  ],
  get: {
    tags: ["feeds"],
    summary,
    security: [],
    responses: {
      "200": {
        description: "The archive document, pre-rendered; its strong ETag changes only when its content does.",
        headers: {
          ...feedHeaders("public"),
          "Cache-Control": {
            description: `\`${CACHE_CONTROL.settledArchive}\`; the newest archive, which still fills as items leave the current feed, \`${CACHE_CONTROL.publicFeed}\`.`,
            schema: { type: "string" },
          },
          Link: {
            description:
              'rel="self", rel="alternate" (other formats; the same document in the other script with `hreflang`), rel="current", rel="prev-archive" / rel="next-archive" where they exist, rel="license".',
            schema: { type: "string" },
          },
        },
        content: feedContent("public"),
      },
      "304": { description: "Not modified since the `If-None-Match` / `If-Modified-Since` given." },
      "400": problem("The month is malformed or has not begun, or a part is numbered 0 or 1 (`errors` points at `#/path/month`)."),
      "404": problem("Unknown section or format, a part beyond the month's last, or nothing archived for that month."),
    },
  },
});

/** A section's archive page, in either script. */
const archiveIndex = (summary: string) => ({
  parameters: [FEED_PARAMS[0]],
  get: {
    tags: ["feeds"],
    summary,
    security: [],
    responses: { "200": html("The archive page."), "404": problem("Unknown section.") },
  },
});

/** The API, path by path. Discovery's own pages come last. */
export const API_PATHS = {
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
        "200": INGEST_OUTCOME,
        "400": problem("The body is not UTF-8, or not JSON."),
        "401": BAD_SIGNATURE,
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
      responses: {
        "200": INGEST_OUTCOME,
        "400": problem("The body is not empty (a withdrawal is signed over an empty body), or not UTF-8."),
        "401": BAD_SIGNATURE,
        "404": problem("No article with this id was ever stored."),
        "413": problem("Body over 1 MiB."),
      },
    },
    get: {
      tags: ["ingest"],
      summary: "The article as stored: the pushed fields, normalised, with `version` and `status`.",
      security: admin,
      responses: {
        "200": json("The stored article.", ref("StoredArticle")),
        "401": NO_ADMIN_TOKEN,
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
  "/feeds/{section}/archive/{month}.{format}": archiveDocument(
    "An RFC 5005 archive document: the visible articles of the month that the current feed no longer shows, newest first, in parts of at most 48 KiB of items (and 500 items); `<fh:archive/>`, `rel=current`, `prev-archive`/`next-archive` (JSON Feed: `next_url`). The unfiltered current feed links the newest one (docs/archives.md).",
  ),
  "/feeds/{section}/archive/": archiveIndex(
    "A page for people: the section's archived months, newest first, with links to every archive document.",
  ),
  "/zh-hans/feeds/{section}.{format}": {
    parameters: FEED_PARAMS,
    get: {
      tags: ["feeds"],
      summary:
        "The Simplified Chinese twin of a public feed: the same items, filters and headers, text converted to mainland Simplified when the article was published; `language` zh-Hans, item ids ending `:zh-hans`; `Link` names the Traditional feed with `hreflang`.",
      security: [],
      responses: feedResponses("public"),
    },
  },
  "/zh-hans/feeds/{section}/archive/{month}.{format}": archiveDocument(
    "The Simplified Chinese twin of an archive document: the same items and chain, under /zh-hans, linking the Simplified current feed as `current`; `language` zh-Hans; `Link` names the Traditional document with `hreflang`.",
  ),
  "/zh-hans/feeds/{section}/archive/": archiveIndex("The archive page in Simplified Chinese, linking the Simplified archive documents."),
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
        "401": problem("No valid partner key (`WWW-Authenticate: Bearer`)."),
        "429": problem("Over the partner's rate limit; see `Retry-After` (seconds)."),
      },
    },
  },
  "/partner/changes": {
    get: {
      tags: ["partners"],
      summary:
        "Every change the partner's licence covers, in the order it happened, each once, as IPTC ninjs: resume with `next_cursor` (after the licence ends, withdrawals only).",
      security: partner,
      parameters: [
        {
          name: "cursor",
          in: "query",
          description:
            "From an earlier answer (`next_cursor`, or a change's `cursor`); absent: from the oldest change kept (at least 30 days).",
          schema: ref("Changes.cursor"),
        },
        {
          name: "limit",
          in: "query",
          description: `Changes per answer (default ${DEFAULT_CHANGES_LIMIT}).`,
          schema: { type: "integer", minimum: 1, maximum: MAX_CHANGES_LIMIT, default: DEFAULT_CHANGES_LIMIT },
        },
        {
          name: "ninjs",
          in: "query",
          description: "The ninjs version of each item.",
          schema: { type: "string", enum: ["2.2", "3.1"], default: "2.2" },
        },
      ],
      responses: {
        "200": json("The changes after the cursor, and the cursor to resume with.", ref("Changes")),
        "400": problem("A malformed `limit` or `ninjs`, or a `cursor` this partner was not given (`errors` names the parameter)."),
        "401": problem("No valid partner key (`WWW-Authenticate: Bearer`)."),
        "410": problem("The cursor points before the oldest change kept: start again without a cursor."),
        "429": problem("Over the partner's rate limit; see `Retry-After` (seconds)."),
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
        "200": json("Replaced: the partner record (never a key or its hash).", ref("Partner.record")),
        "201": json("Created: the partner record (`Location` names it).", ref("Partner.record")),
        "400": problem("The body is not UTF-8, or not JSON."),
        "401": NO_ADMIN_TOKEN,
        "404": problem("Not a partner id: ids are lowercase slugs."),
        "409": problem("`license.id` is another partner's licence (`errors` points at it); choose another."),
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
        "401": NO_ADMIN_TOKEN,
        "404": NO_SUCH_PARTNER,
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
        "201": json("The new key.", ref("PartnerKey")),
        "401": NO_ADMIN_TOKEN,
        "404": NO_SUCH_PARTNER,
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
        "200": json("Usage counts.", ref("PartnerUsage")),
        "401": NO_ADMIN_TOKEN,
        "404": NO_SUCH_PARTNER,
      },
    },
  },
  "/websub": {
    post: {
      tags: ["websub"],
      summary:
        "Subscribe to (or unsubscribe from) pushes of a public feed, W3C WebSub: verification of intent follows at the callback, then every change of the feed is POSTed there.",
      security: [],
      requestBody: { required: true, content: { "application/x-www-form-urlencoded": { schema: ref("WebSubSubscribeRequest") } } },
      responses: {
        "202": {
          description: "Accepted: the hub will verify the request at the callback.",
          content: { "text/plain": { schema: { type: "string" } } },
        },
        "400": problem("A field is missing or invalid (each named by `errors[].pointer`, e.g. `/hub.callback`)."),
        "413": problem("The body is larger than 8 KiB."),
        "415": problem("Not application/x-www-form-urlencoded."),
        "429": problem("Too many requests from this client, or pending for this callback host (`Retry-After`)."),
      },
    },
  },
  "/v1/websub/subscriptions": {
    get: {
      tags: ["admin"],
      summary: "WebSub subscriptions with their state, lease end, last delivery and failures (never a secret).",
      security: admin,
      parameters: [
        {
          name: "topic",
          in: "query",
          description: "A topic (a public feed URL as its self link reads); absent lists every topic.",
          schema: { type: "string", format: "uri" },
        },
      ],
      responses: {
        "200": json("Subscriptions.", ref("WebSubSubscribeRequest.subscriptionList")),
        "400": problem("`topic` is not one of our public feeds."),
        "401": NO_ADMIN_TOKEN,
      },
    },
  },
  "/": {
    get: {
      tags: ["discovery"],
      summary: "HTML directory of sections and their feeds, with autodiscovery links.",
      security: [],
      responses: { "200": html("An HTML page.") },
    },
  },
  "/feeds.opml": {
    get: {
      tags: ["discovery"],
      summary: "OPML 2.0: one RSS outline per section to import into a reader, then links to `/feeds-all.opml` and the Simplified OPML.",
      security: [],
      responses: { "200": { description: "OPML 2.0.", content: { "text/x-opml": { schema: { type: "string" } } } } },
    },
  },
  "/feeds-all.opml": {
    get: {
      tags: ["discovery"],
      summary: "OPML 2.0 with `all` alone: readers that keep one copy per item id would otherwise let `all` take the sections' items.",
      security: [],
      responses: { "200": { description: "OPML 2.0.", content: { "text/x-opml": { schema: { type: "string" } } } } },
    },
  },
  "/zh-hans/": {
    get: {
      tags: ["discovery"],
      summary: "The directory in Simplified Chinese, with the twin feeds (also at `/zh-hans`).",
      security: [],
      responses: { "200": html("An HTML page.") },
    },
  },
  "/zh-hans": {
    get: { tags: ["discovery"], summary: "The same directory as `/zh-hans/`.", security: [], responses: { "200": html("An HTML page.") } },
  },
  "/zh-hans/feeds.opml": {
    get: {
      tags: ["discovery"],
      summary: "The sections' Simplified twin feeds as OPML 2.0.",
      security: [],
      responses: { "200": { description: "OPML 2.0.", content: { "text/x-opml": { schema: { type: "string" } } } } },
    },
  },
  "/zh-hans/feeds-all.opml": {
    get: {
      tags: ["discovery"],
      summary: "`all`'s Simplified twin alone, as OPML 2.0.",
      security: [],
      responses: { "200": { description: "OPML 2.0.", content: { "text/x-opml": { schema: { type: "string" } } } } },
    },
  },
  "/icon-512.png": {
    get: {
      tags: ["discovery"],
      summary: "The feeds' square icon, 512 px (JSON Feed `icon`, Atom `icon` and `logo`).",
      security: [],
      responses: { "200": { description: "PNG.", content: { "image/png": { schema: { type: "string", format: "binary" } } } } },
    },
  },
  "/favicon-64.png": {
    get: {
      tags: ["discovery"],
      summary: "The feeds' square favicon, 64 px (JSON Feed `favicon`, RSS `<image>`, the pages).",
      security: [],
      responses: { "200": { description: "PNG.", content: { "image/png": { schema: { type: "string", format: "binary" } } } } },
    },
  },
  "/licenses/{id}": {
    parameters: [pathParam("id", "A licence id (`public-reading`, or a partner licence).", { type: "string" }, "public-reading")],
    get: {
      tags: ["discovery"],
      summary: "A licence as a readable page.",
      security: [],
      responses: { "200": html("An HTML page."), "404": problem("No such licence.") },
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
