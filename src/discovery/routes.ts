// Discovery routes (docs/discovery.md): the directory at /, the OPML, licence pages and the OpenAPI document.
// Mounted at the root by src/index.ts. The browser view of a feed is feed-page.ts, which src/index.ts hands to the feed routes.
import { Hono } from "hono";
import { CACHE_CONTROL, KV_MUTABLE_CACHE_TTL } from "../config/cache";
import { PUBLIC_LICENCE, publicBaseUrl } from "../config/publication";
import { HTML_PAGE_HEADERS } from "../http/headers";
import { ProblemError } from "../http/problem";
import { licenceKey } from "../storage/kv-keys";
import { renderDirectoryPage } from "./directory-page";
import { type LicenceView, licenceViewFromRecord, renderLicencePage } from "./licence-page";
import { openApiDocument } from "./openapi";
import { OPML_CONTENT_TYPE, renderOpml } from "./opml";

/** The pages change only with a deploy (or, for partner licences, an admin edit): a few minutes is fine. */
const CACHE = CACHE_CONTROL.page;
const LICENCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const discovery = new Hono<{ Bindings: Env }>();

discovery.get("/", (c) =>
  c.body(renderDirectoryPage(publicBaseUrl(c.env, c.req.url)), 200, { ...HTML_PAGE_HEADERS, "Cache-Control": CACHE }),
);

discovery.get("/feeds.opml", (c) =>
  c.body(renderOpml(publicBaseUrl(c.env, c.req.url)), 200, {
    "Content-Type": OPML_CONTENT_TYPE,
    "Content-Disposition": 'inline; filename="feeds.opml"',
    "Cache-Control": CACHE,
  }),
);

discovery.get("/licenses/:id", async (c) => {
  const id = c.req.param("id");
  const base = publicBaseUrl(c.env, c.req.url);
  let licence: LicenceView | null = id === PUBLIC_LICENCE.id ? PUBLIC_LICENCE : null;
  if (!licence && LICENCE_ID.test(id)) {
    licence = licenceViewFromRecord(id, await c.env.FEEDS.get(licenceKey(id), { type: "json", cacheTtl: KV_MUTABLE_CACHE_TTL }));
  }
  if (!licence) throw new ProblemError(404, `There is no licence "${id}".`);
  return c.body(renderLicencePage(licence, base), 200, { ...HTML_PAGE_HEADERS, "Cache-Control": CACHE });
});

// Readable from any origin (CORS in src/index.ts), so integrators can load it into Swagger UI or an API client straight from here.
discovery.get("/openapi.json", (c) => c.json(openApiDocument(publicBaseUrl(c.env, c.req.url)), 200, { "Cache-Control": CACHE }));
