// Discovery routes (docs/discovery.md): the directory at /, the OPML, licence pages and the OpenAPI document.
// Mounted at the root by src/index.ts. The browser view of a feed is feed-page.ts, which src/index.ts hands to the feed routes.
import { Hono } from "hono";
import { CACHE_CONTROL, KV_MUTABLE_CACHE_TTL } from "../config/cache";
import { PUBLIC_LICENCE, publicBaseUrl, SCRIPT_PREFIX, SCRIPTS } from "../config/publication";
import { HTML_PAGE_HEADERS } from "../http/headers";
import { ProblemError } from "../http/problem";
import { licenceKey } from "../storage/kv-keys";
import { renderDirectoryPage } from "./directory-page";
import { ICON_PNGS } from "./icons.gen";
import { type LicenceView, licenceViewFromRecord, renderLicencePage } from "./licence-page";
import { openApiDocument } from "./openapi";
import { OPML_CONTENT_TYPE, OPML_FILES, renderOpml } from "./opml";

/** The pages change only with a deploy (or, for partner licences, an admin edit): a few minutes is fine. */
const CACHE = CACHE_CONTROL.page;
const LICENCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const discovery = new Hono<{ Bindings: Env }>();

// The directory and the OPML in each script: / and /zh-hans/ (also /zh-hans), feeds.opml and feeds-all.opml under each.
for (const script of SCRIPTS) {
  const prefix = SCRIPT_PREFIX[script];
  for (const path of prefix ? [prefix, `${prefix}/`] : ["/"]) {
    discovery.get(path, (c) =>
      c.body(renderDirectoryPage(publicBaseUrl(c.env, c.req.url), script), 200, { ...HTML_PAGE_HEADERS, "Cache-Control": CACHE }),
    );
  }
  for (const kind of ["sections", "all"] as const) {
    discovery.get(`${prefix}/${OPML_FILES[kind]}`, (c) =>
      c.body(renderOpml(publicBaseUrl(c.env, c.req.url), script, kind), 200, {
        "Content-Type": OPML_CONTENT_TYPE,
        "Content-Disposition": `inline; filename="${prefix ? "zh-hans-" : ""}${OPML_FILES[kind]}"`,
        "Cache-Control": CACHE,
      }),
    );
  }
}

// The icons feeds name (JSON Feed icon/favicon, Atom icon/logo, RSS image) and the pages' favicon.
const iconBytes = new Map<string, Uint8Array<ArrayBuffer>>();
for (const path of Object.keys(ICON_PNGS)) {
  discovery.get(path, (c) => {
    let bytes = iconBytes.get(path);
    if (!bytes) {
      bytes = Uint8Array.from(atob(ICON_PNGS[path]!), (ch) => ch.charCodeAt(0));
      iconBytes.set(path, bytes);
    }
    return c.body(bytes, 200, { "Content-Type": "image/png", "Cache-Control": CACHE_CONTROL.icon });
  });
}

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
